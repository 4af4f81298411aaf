import XMPPCore
import XMPPExtensions

/// Running a room (XEP-0045 §8-§10): moderators kick and give or take voice, admins ban and grant
/// memberships and moderator status, owners make admins and owners and configure the room
/// through its data form (XEP-0004). The role and affiliation lists are edited as forms whose
/// submission sends only what changed. Each refusal becomes a sentence in the room's window;
/// what the room then does (the occupants' presences) is shown by `RoomsFeature`.
public final class RoomAdminFeature: AccountFeature {
    public static let name = "roomadmin"

    unowned let account: AccountController
    /// The rooms this acts on (the feature cannot run without them).
    let rooms: RoomsFeature

    public init(account: AccountController) throws(FeatureError) {
        self.account = account
        rooms = try account.required(RoomsFeature.self, by: Self.name)
    }

    // MARK: Roles and affiliations

    /// Gives occupant `nick` of `room` a role (§8.2-§8.5, §9.6-§9.7): `none` kicks, `participant`
    /// grants voice, `visitor` takes it, `moderator` makes a moderator.
    func setRole(_ role: MUCRole, of nick: String, in room: JID, reason: String?) throws(CommandError) {
        let session = try online()
        guard let entered = rooms.rooms[room.bare], entered.state == .joined else {
            throw .failed("you are not in \(room) now")
        }
        guard entered.occupants[nick] != nil else { throw .failed("nobody called \(nick) is in \(room)") }
        send(
            MUCAdmin.setRole(role, nick: nick, reason: reason, room: entered.jid, id: session.makeID()),
            .role(nick: nick, role), to: entered.jid, in: session)
    }

    /// Gives the user `target` (an occupant's nick, or an address) an affiliation with `room`
    /// (§9.1-§9.7, §10.3-§10.8): `outcast` bans, `none` takes away what they had. A user who is
    /// not in the room hears of it from nobody: the window says it was done.
    func setAffiliation(_ affiliation: MUCAffiliation, of target: String, in room: JID, reason: String?)
        throws(CommandError)
    {
        let session = try online()
        let room = room.bare
        let (jid, present) = try address(of: target, in: room)
        send(
            MUCAdmin.setAffiliation(affiliation, jid: jid, reason: reason, room: room, id: session.makeID()),
            .affiliation(target: target, affiliation), to: room, in: session
        ) { [weak self] refusal in
            guard refusal == nil, !present else { return }
            let done: String
            switch affiliation {
            case .none: done = "\(jid) has no affiliation with \(room) now"
            case .outcast: done = "\(jid) is now banned from \(room)"
            default: done = "\(jid) is now \(AdminRequest.phrase(affiliation)) of \(room)"
            }
            self?.rooms.notice(room, done)
        }
    }

    /// The bare JID `target` means in `room`: an occupant's real JID (when the room shows it to
    /// us), else `target` as an address; and whether that user is in the room now.
    func address(of target: String, in room: JID) throws(CommandError) -> (JID, inRoom: Bool) {
        let occupants = rooms.rooms[room]?.occupants ?? [:]
        if let occupant = occupants[target] {
            guard let real = occupant.realJID else {
                throw .failed(
                    "\(room) does not show you \(target)'s address: give it instead (user@example.org)")
            }
            return (real.bare, true)
        }
        guard target.contains("@") || target.contains("."), let jid = JID(parsing: target) else {
            throw .failed("nobody called \(target) is in \(room), and \"\(target)\" is not an address")
        }
        return (jid.bare, occupants.values.contains { $0.realJID?.bare == jid.bare })
    }

    // MARK: Lists

    /// Asks `room` for a role or affiliation list and opens it in the room's window, as a form
    /// whose submission sends the changed entries in one request.
    func editList(_ list: AdminList, of room: JID, model: AppModel) throws(CommandError) {
        let session = try online()
        let room = room.bare
        let window = try formWindow(of: room, model: model)
        session.sendIQ(list.request(room: room, id: session.makeID())) { [weak self, weak model] result in
            guard let self, let model else { return }
            switch result {
            case .success(let answer):
                let nicks = self.rooms.rooms[room]?.occupants.keys.sorted() ?? []
                let editor = AdminListForm(list, of: room, items: MUCAdmin.items(answer) ?? [], occupants: nicks)
                self.open(editor.form, title: editor.form.title ?? list.name, in: window, model: model) {
                    [weak self] filled, done in
                    self?.changeList(editor, to: filled, done: done)
                }
            case .failure(let failure):
                self.rooms.notice(room, AdminRequest.showList(list).refusal(failure, room: room))
            }
        }
    }

    private func changeList(_ editor: AdminListForm, to filled: DataForm, done: @escaping (String?) -> Void) {
        let room = editor.room
        let items = editor.delta(filled)
        guard !items.isEmpty else {
            rooms.notice(room, "nothing changed in the \(editor.list.name) of \(room)")
            done(nil)
            return
        }
        guard let session = account.session else {
            done("you are not connected")
            return
        }
        send(MUCAdmin.change(items, room: room, id: session.makeID()), .changeList(editor.list), to: room, in: session)
        { [weak self] refusal in
            if refusal == nil {
                let count = items.count == 1 ? "1 entry" : "\(items.count) entries"
                self?.rooms.notice(room, "changed \(count) of the \(editor.list.name) of \(room)")
            }
            done(refusal)
        }
    }

    // MARK: Configuration

    /// Asks `room` for its configuration form (§10.2) and opens it in the room's window; the
    /// submission sends `submission()` of what the user filled in, a cancel sends a cancel form.
    func configure(_ room: JID, model: AppModel) throws(CommandError) {
        let session = try online()
        let room = room.bare
        let window = try formWindow(of: room, model: model)
        session.sendIQ(MUCOwner.requestConfiguration(room: room, id: session.makeID())) {
            [weak self, weak model] result in
            guard let self, let model else { return }
            switch result {
            case .success(let answer):
                guard let form = MUCOwner.configurationForm(answer) else {
                    self.rooms.notice(room, "\(room) has nothing to configure")
                    return
                }
                self.open(form, title: form.title ?? "The configuration of \(room)", in: window, model: model) {
                    [weak self] filled, done in
                    self?.saveConfiguration(filled, of: room, done: done)
                } cancel: { [weak self] in
                    self?.cancelConfiguration(of: room)
                }
            case .failure(let failure):
                self.rooms.notice(room, AdminRequest.showConfiguration.refusal(failure, room: room))
            }
        }
    }

    private func saveConfiguration(_ filled: DataForm, of room: JID, done: @escaping (String?) -> Void) {
        guard let session = account.session else {
            done("you are not connected")
            return
        }
        send(
            MUCOwner.submitConfiguration(filled.submission(), room: room, id: session.makeID()), .saveConfiguration,
            to: room, in: session
        ) { [weak self] refusal in
            if refusal == nil { self?.rooms.notice(room, "saved the configuration of \(room)") }
            done(refusal)
        }
    }

    /// §10.2: the room keeps its configuration as it was; only a failure to say so is logged.
    private func cancelConfiguration(of room: JID) {
        guard let session = account.session else { return }
        session.sendIQ(MUCOwner.cancelConfiguration(room: room, id: session.makeID())) { [weak self] result in
            if case .failure(let failure) = result {
                self?.account.log(.debug, "\(room) answered the cancelled configuration with \(failure)")
            }
        }
        rooms.notice(room, "the configuration of \(room) stays as it was")
    }

    // MARK: Helpers

    private func online() throws(CommandError) -> XMPPSession {
        guard let session = account.session else { throw .failed("\(account.name) is not connected") }
        return session
    }

    /// The room's window, which must have no form open yet.
    private func formWindow(of room: JID, model: AppModel) throws(CommandError) -> ChatWindow {
        let window = model.openChat(model.conversation(room, on: account), focus: false)
        guard window.form == nil else { throw .failed("a form is already open in the window of \(room)") }
        return window
    }

    private func open(
        _ form: DataForm, title: String, in window: ChatWindow, model: AppModel,
        submit: @escaping (DataForm, @escaping (String?) -> Void) -> Void, cancel: @escaping () -> Void = {}
    ) {
        guard model.openForm(form, title: title, in: window, handler: FormHandler(submit: submit, cancel: cancel))
        else {
            model.addNotice("a form is already open here: finish it first", level: .warning, window: window)
            return
        }
    }

    /// Sends an admin or owner request; a refusal is shown in the room's window. `completion`
    /// gets nil on success, else the refusal.
    private func send(
        _ request: XMLElement, _ asked: AdminRequest, to room: JID, in session: XMPPSession,
        completion: @escaping (String?) -> Void = { _ in }
    ) {
        session.sendIQ(request) { [weak self] result in
            guard let self else { return }
            switch result {
            case .success:
                completion(nil)
            case .failure(let failure):
                let refusal = asked.refusal(failure, room: room)
                self.rooms.notice(room, refusal)
                completion(refusal)
            }
        }
    }
}
