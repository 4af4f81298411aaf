import XMPPCore
import XMPPExtensions

/// Invitations to rooms, both ways: XEP-0249 direct invitations and XEP-0045 §7.8.2 mediated ones
/// (relayed by the room), and the declines rooms relay back.
///
/// An invitation is never acted on: it waits under Requests (and the log says who invites where)
/// until the user accepts it (the room is joined, with the invitation's password) or declines it
/// (a mediated one's inviter is told, through the room). Anyone can send one naming any room, so
/// a stranger's invitation follows the account's `strangers` rule (`drop` drops it), and at most
/// `maximumPending` wait: a flood of invitations cannot grow without bound.
public final class InvitationsFeature: AccountFeature {
    public static let name = "invitations"
    /// Invitations are taken before the chat handler would store their fallback text; room
    /// stanzas are sorted out first.
    public static var ordering: [FeatureOrder] { [.after(RoomsFeature.name), .before(MessagingFeature.name)] }
    /// How many invitations wait at most (the oldest goes).
    static let maximumPending = 20

    let handler = MUCInvitationHandler()
    /// Invitations waiting for an answer, oldest first, one per room.
    public private(set) var pending: [MUCInvitation] = []
    /// Invitations from strangers dropped (`strangers = "drop"`).
    private(set) var dropped = 0
    unowned let account: AccountController
    unowned let rooms: RoomsFeature

    public init(account: AccountController) throws(FeatureError) {
        self.account = account
        rooms = try account.required(RoomsFeature.self, by: Self.name)
        handler.onInvitation = { [unowned self] invitation in received(invitation) }
        handler.onDecline = { [unowned self] decline in declined(decline) }
    }

    public var extensions: [any SessionExtension] { [handler] }

    /// The invitation to `room`, if one waits.
    public func invitation(to room: JID) -> MUCInvitation? { pending.first { $0.room == room.bare } }

    // MARK: Received

    /// An invitation that came to us (or, through a carbon, to another of our devices).
    func received(_ invitation: MUCInvitation) {
        guard invitation.room.localpart != nil, invitation.room != account.jid.bare else {
            account.log(.debug, "dropped an invitation that names no room")
            return
        }
        let fromContact = invitation.inviter.map { account.isContact($0.bare) } ?? false
        if !fromContact && account.behaviour.strangers == .drop {
            dropped += 1
            account.log(.debug, "dropped an invitation to \(invitation.room) from someone not in your roster")
            return
        }
        if rooms.isJoined(invitation.room) {
            rooms.notice(invitation.room, "\(Self.inviter(of: invitation)) invited you here too")
            return
        }
        pending.removeAll { $0.room == invitation.room }
        pending.append(invitation)
        if pending.count > Self.maximumPending { pending.removeFirst(pending.count - Self.maximumPending) }
        account.log(.info, Self.describe(invitation, fromContact: fromContact))
        account.emit(InvitationsChanged())
    }

    private func declined(_ decline: MUCDecline) {
        // Only a room we know relays a decline to us: anyone else's is noise.
        guard rooms.knows(decline.room) else { return }
        let who = decline.decliner?.description ?? "someone"
        rooms.notice(
            decline.room, "\(who) declined your invitation" + (decline.reason.map { ": \($0)" } ?? ""))
    }

    // MARK: Answering

    /// Accepts the invitation to `room`: joins it (with the invitation's password) and forgets
    /// the invitation. False when none waits.
    @discardableResult
    public func accept(_ room: JID) -> Bool {
        guard let invitation = take(room) else { return false }
        rooms.join(invitation.room, nick: rooms.nick(for: invitation.room), password: invitation.password)
        account.emit(InvitationsChanged())
        return true
    }

    /// Declines the invitation to `room`: a mediated one's inviter hears it through the room
    /// (XEP-0045 §7.8.2); a direct one is declined by ignoring it (XEP-0249 §2). False when none
    /// waits.
    @discardableResult
    public func decline(_ room: JID, reason: String? = nil) -> Bool {
        guard let invitation = take(room) else { return false }
        if invitation.kind == .mediated, let inviter = invitation.inviter, let session = account.session {
            session.send(
                MUCDecline.message(room: invitation.room, inviter: inviter, reason: reason, id: session.makeID()))
        }
        account.emit(InvitationsChanged())
        return true
    }

    private func take(_ room: JID) -> MUCInvitation? {
        guard let index = pending.firstIndex(where: { $0.room == room.bare }) else { return nil }
        return pending.remove(at: index)
    }

    // MARK: Sending

    /// Invites `invitee` to `room`: through the room (mediated) when it is members-only, so the
    /// room can make them a member (XEP-0045 §7.8.2), else directly (XEP-0249), with the room's
    /// password if it has one.
    public func invite(_ invitee: JID, to room: JID, reason: String?) throws(CommandError) {
        guard let session = account.session else { throw .failed("\(account.name) is not connected") }
        guard rooms.isJoined(room) else { throw .failed("you are not in \(room) now") }
        if rooms.isMembersOnly(room) {
            session.send(MUCInvitation.mediated(room: room, invitees: [invitee], reason: reason, id: session.makeID()))
        } else {
            session.send(
                MUCInvitation.direct(
                    to: invitee, room: room, reason: reason, password: rooms.password(of: room), id: session.makeID()))
        }
        rooms.notice(room, "invited \(invitee)" + (reason.map { ": \($0)" } ?? ""))
    }

    // MARK: Text

    static func inviter(of invitation: MUCInvitation) -> String {
        invitation.inviter?.description ?? "someone"
    }

    /// The log's line about a new invitation.
    static func describe(_ invitation: MUCInvitation, fromContact: Bool) -> String {
        var text = "\(inviter(of: invitation))"
        if !fromContact && invitation.inviter != nil { text += " (not in your roster)" }
        text += " invites you to \(invitation.room)"
        if invitation.kind == .mediated { text += " (through the room)" }
        if let reason = invitation.reason, !reason.isEmpty { text += ": \(reason)" }
        if invitation.isContinuation { text += " (to go on with your chat)" }
        return text + " — /accept \(invitation.room) or /decline \(invitation.room), or Enter on it under Requests"
    }
}

/// The invitations waiting changed: the roster's Requests section is redrawn.
struct InvitationsChanged: FeatureEvent {
    func apply(to model: AppModel, from account: AccountController) {
        model.onChange([.roster, .status])
    }
}
