import XMPPCore
import XMPPExtensions

/// An invitation to a room waiting under Requests.
public struct InvitationRow: Sendable, Hashable {
    /// The room's conversation.
    public var key: ConversationKey
    /// Who invites (as the invitation names them), nil when it does not say.
    public var inviter: String?
    public var reason: String?
    /// The room passed it on (XEP-0045 §7.8.2) rather than the inviter sending it (XEP-0249).
    public var throughRoom: Bool
}

extension AppModel {
    /// The invitations waiting on an account, newest first.
    public func invitations(of account: String) -> [InvitationRow] {
        guard let invitations = self.account(named: account)?.feature(InvitationsFeature.self) else { return [] }
        return invitations.pending.reversed().map { invitation in
            InvitationRow(
                key: ConversationKey(account: account, jid: invitation.room),
                inviter: invitation.inviter?.description, reason: invitation.reason,
                throughRoom: invitation.kind == .mediated)
        }
    }

    /// Accepts the invitation to a room: enters it and opens its window.
    public func acceptInvitation(_ key: ConversationKey) {
        guard account(of: key)?.feature(InvitationsFeature.self)?.accept(key.jid) == true else { return }
        openChat(key, focus: true)
    }

    /// Declines the invitation to a room.
    public func declineInvitation(_ key: ConversationKey, reason: String? = nil) {
        guard account(of: key)?.feature(InvitationsFeature.self)?.decline(key.jid, reason: reason) == true else {
            return
        }
        addNotice("declined the invitation to \(key.jid)")
    }
}
