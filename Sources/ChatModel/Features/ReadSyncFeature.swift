import ChatStore
import XMPPCore
import XMPPExtensions

/// Read state on every device (XEP-0490, message displayed synchronization): when the user has
/// seen a conversation at its live end, the stanza-id of its newest incoming message goes to the
/// private PEP node `urn:xmpp:mds:displayed:0` (a few seconds later, once for a whole flood), and
/// what our other devices publish there marks the conversation read here up to that message. A
/// new session reads the whole node to catch up.
///
/// Publishing needs the account to offer publish-options (XEP-0490 §9: the node must be
/// private); a server that refuses them is logged once and not asked again this session, never
/// published to without them. Notifications count only from our own account (security rule 4),
/// and a state naming a message we do not have, or one older than what is read, changes nothing.
public final class ReadSyncFeature: AccountFeature {
    public static let name = "read-sync"
    /// Its notifications are taken before messaging sees a headline.
    public static var ordering: [FeatureOrder] { [.before(MessagingFeature.name)] }
    /// How long after the user saw a conversation its state is published.
    static let publishDelay: Duration = .seconds(3)

    unowned let account: AccountController
    let notifications = Notifications()
    /// Whether we may publish (nil: the account's disco#info has not answered yet on this run); a
    /// refusal lasts until the next new session asks again.
    private(set) var canPublish: Bool?
    /// States waiting to be published, by chat, with the time of the message each names.
    private var pending: [JID: (state: DisplayedSync.State, timestamp: Int64)] = [:]
    private var timer: ScheduledTimer?
    /// The stanza-id the node holds per chat as far as we know, not to be published again.
    private var known: [JID: String] = [:]

    public init(account: AccountController) throws(FeatureError) {
        self.account = account
        notifications.onStates = { [unowned self] states in states.forEach(apply) }
        notifications.onSpoofed = { [unowned account] stanza in
            account.log(
                .debug, "dropped a read-state notification from \(stanza[attribute: "from"] ?? "?"), not our account")
        }
    }

    public var extensions: [any SessionExtension] { [notifications] }

    /// Takes the node's notifications: our own account's are read, others dropped.
    final class Notifications: SessionExtension {
        var onStates: ([DisplayedSync.State]) -> Void = { _ in }
        var onSpoofed: (XMLElement) -> Void = { _ in }

        var discoFeatures: [String] { [DisplayedSync.notifyFeature] }

        func handle(_ stanza: XMLElement, in session: XMPPSession) -> Bool {
            guard DisplayedSync.isNotification(stanza) else { return false }
            if let states = DisplayedSync.states(stanza, account: session.boundJID) {
                onStates(states)
            } else {
                onSpoofed(stanza)
            }
            return true
        }
    }

    // MARK: Session

    public func sessionReady(_ session: XMPPSession, _ start: SessionStart) {
        // A resumed stream got every notification it missed; only a new session reads the node.
        guard start == .new || canPublish == nil else { return publishPending() }
        guard let disco = account.feature(DiscoFeature.self) else { return }
        disco.client.info(session.boundJID.bare, in: session) { [weak self] result in
            guard let self, self.account.session === session else { return }
            let features = (try? result.get())?.features ?? []
            canPublish = features.contains(DisplayedSync.publishOptionsFeature)
            if canPublish == false {
                account.log(
                    .info,
                    "your server does not offer publish-options: what you read is not shared with your other devices"
                        + " (XEP-0490 keeps it in a private node)")
            }
            if start == .new { fetch(in: session) }
            publishPending()
        }
    }

    private func fetch(in session: XMPPSession) {
        session.sendIQ(DisplayedSync.requestItems(id: session.makeID())) { [weak self] result in
            guard let self else { return }
            switch result {
            case .success(let response): (DisplayedSync.items(response) ?? []).forEach(apply)
            // No node yet: nothing was read on another device.
            case .failure(.error(let error)) where error.condition == .itemNotFound: break
            case .failure(.disconnected): break
            case .failure(let failure):
                account.log(.warning, "could not read what your other devices have read: \(failure)")
            }
        }
    }

    // MARK: Applying

    /// Another device (or this one, echoed) read `state.chat` up to the message `state` names.
    private func apply(_ state: DisplayedSync.State) {
        // A chat's, a room's, or (a full JID) a private chat's through a room, as the store keys them.
        let chat = state.chat
        guard known[chat] != state.stanzaID else { return }
        let timestamp: Int64?
        do {
            timestamp = try account.store.timestamp(
                account: account.accountID, conversation: chat, stanzaID: state.stanzaID, by: state.by)
        } catch {
            account.log(.error, "could not read the history of \(chat): \(error)")
            return
        }
        // XEP-0490 §5.1: a message not in this chat (not here yet, or never) changes nothing.
        guard let timestamp else { return }
        known[chat] = state.stanzaID
        // What we read here up to the same point need not be published; further on, it still is.
        if let waiting = pending[chat], waiting.timestamp <= timestamp { pending[chat] = nil }
        account.emit(ReadElsewhere(conversation: chat, upTo: timestamp))
    }

    /// Our other device displayed a conversation up to a message.
    struct ReadElsewhere: FeatureEvent {
        let conversation: JID
        let upTo: Int64

        func apply(to model: AppModel, from account: AccountController) {
            model.readElsewhere(model.conversation(conversation, on: account), account: account, upTo: upTo)
        }
    }

    // MARK: Publishing

    /// The user has seen `conversation` up to `timestamp`: its newest incoming message with a
    /// stanza-id by our account (a chat) or the room (a room) is published after `publishDelay`.
    func displayed(_ conversation: JID, upTo timestamp: Int64) {
        guard canPublish != false else { return }
        let found: (id: String, by: String, timestamp: Int64)?
        do {
            found = try account.store.newestIncomingStanzaID(
                account: account.accountID, conversation: conversation, by: account.jid, or: conversation,
                upTo: timestamp)
        } catch {
            account.log(.error, "could not read the history of \(conversation): \(error)")
            return
        }
        guard let found, known[conversation] != found.id, let by = JID(parsing: found.by) else { return }
        pending[conversation] = (DisplayedSync.State(chat: conversation, stanzaID: found.id, by: by), found.timestamp)
        if timer == nil {
            timer = account.scheduler.schedule(after: Self.publishDelay) { [weak self] in
                self?.timer = nil
                self?.publishPending()
            }
        }
    }

    /// Publishes every waiting state, when connected and allowed.
    private func publishPending() {
        guard canPublish == true, timer == nil, let session = account.session else { return }
        let states = pending.values.sorted { $0.state.chat.description < $1.state.chat.description }
        pending.removeAll()
        for (state, timestamp) in states {
            known[state.chat] = state.stanzaID
            session.sendIQ(DisplayedSync.publish(state, id: session.makeID())) { [weak self] result in
                guard let self, case .failure(let failure) = result else { return }
                if known[state.chat] == state.stanzaID { known[state.chat] = nil }
                if case .error(let error) = failure {
                    refused(error)
                } else if pending[state.chat] == nil {
                    // Lost with the connection: the next session publishes it.
                    pending[state.chat] = (state, timestamp)
                }
            }
        }
    }

    private func refused(_ error: StanzaError) {
        // Never again without the options this session: they keep the node private.
        if canPublish == true {
            canPublish = false
            pending.removeAll()
            let why =
                PrivatePEP.isPreconditionNotMet(error)
                ? "keeps that node with other settings than private (precondition-not-met)"
                : "refused the node's publish-options (\(error))"
            account.log(
                .warning, "your server \(why): what you read is not shared with your other devices this session")
        }
    }
}
