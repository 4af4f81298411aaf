import XMPPCore
import XMPPExtensions

extension InvitationsFeature {
    public static var commands: [CommandSpec] {
        [
            CommandSpec(
                "invite",
                arguments: [
                    ArgumentSpec("jid", completion: .contact), ArgumentSpec("reason", optional: true, rest: true),
                ],
                summary: "invite someone to the room of this window",
                help: """
                    A members-only room gets the invitation and passes it on (and may make them a
                    member); any other room's invitation goes to them directly (XEP-0249), with the
                    room's password if it has one.
                    """
            ) { context throws(CommandError) in
                let (room, rooms) = try RoomsFeature.currentRoom(context)
                let text = context.required("jid")
                guard let invitee = context.model.resolveContact(text, on: rooms.account)?.bare,
                    invitee.localpart != nil
                else { throw .usage("\"\(text)\" is not a JID or a contact's name") }
                try rooms.account.required(InvitationsFeature.self).invite(
                    invitee, to: room, reason: context.argument("reason"))
            },
            CommandSpec(
                "accept", arguments: [ArgumentSpec("room", optional: true, completion: .room)],
                summary: "accept an invitation: enter the room (default: the latest invitation)"
            ) { context throws(CommandError) in
                let (room, invitations) = try waiting(context)
                invitations.accept(room)
                context.model.openChat(context.model.conversation(room, on: invitations.account), focus: true)
            },
            CommandSpec(
                "decline",
                arguments: [
                    ArgumentSpec("room", optional: true, completion: .room),
                    ArgumentSpec("reason", optional: true, rest: true),
                ],
                summary: "decline an invitation (default: the latest); the inviter hears it when the room passed it on"
            ) { context throws(CommandError) in
                let (room, invitations) = try waiting(context)
                invitations.decline(room, reason: context.argument("reason"))
                context.model.addNotice("declined the invitation to \(room)")
            },
            CommandSpec("invitations", summary: "list the invitations waiting for an answer") {
                context throws(CommandError) in
                let account = try context.account()
                let pending = try account.required(InvitationsFeature.self).pending
                guard !pending.isEmpty else {
                    context.model.addNotice("no invitation waits")
                    return
                }
                for invitation in pending.reversed() {
                    var line = "\(inviter(of: invitation)) invites you to \(invitation.room)"
                    if let reason = invitation.reason, !reason.isEmpty { line += ": \(reason)" }
                    context.model.addNotice(line)
                }
            },
        ]
    }

    /// The room of the invitation a command answers (the one named, else the latest) with the
    /// feature that holds it.
    static func waiting(_ context: CommandContext) throws(CommandError) -> (JID, InvitationsFeature) {
        let invitations = try context.account().required(InvitationsFeature.self)
        guard let text = context.argument("room") else {
            guard let latest = invitations.pending.last else { throw .failed("no invitation waits") }
            return (latest.room, invitations)
        }
        guard let room = JID(parsing: text)?.bare, invitations.invitation(to: room) != nil else {
            throw .failed("no invitation to \(text) waits (/invitations lists them)")
        }
        return (room, invitations)
    }
}
