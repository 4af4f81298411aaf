import XMPPCore
import XMPPExtensions

/// Message carbons (XEP-0280): copies of what our other devices send and receive, accepted only
/// from our own account, handed to messaging.
///
/// The room-related ones follow §6.1: an invitation another device received is listed here too
/// (the user answers it on whichever device); our own invitations and declines sent elsewhere are
/// no chat lines; and a private message through a room Tern is not in is ignored, since it could
/// neither be answered nor be told apart from a chat with the room.
public final class CarbonsFeature: AccountFeature {
    public static let name = "carbons"
    /// Carbons are unwrapped before the plain message handler sees messages.
    public static var ordering: [FeatureOrder] { [.before(MessagingFeature.name)] }
    public let manager = CarbonsManager()
    unowned let account: AccountController

    public init(account: AccountController) throws(FeatureError) {
        self.account = account
        manager.onCarbon = { [unowned self] inner, direction in received(inner, direction) }
        manager.onSpoofedCarbon = { [unowned account] stanza in
            account.log(
                .debug,
                "dropped a carbon from \(stanza[attribute: "from"] ?? "?") (carbons come only from our own account)")
        }
    }

    public var extensions: [any SessionExtension] { [manager] }

    private func received(_ inner: XMLElement, _ direction: CarbonsManager.Direction) {
        if let invitation = MUCInvitation(inner) {
            if direction == .received { account.feature(InvitationsFeature.self)?.received(invitation) }
            return
        }
        if MUCDecline(inner) != nil { return }
        let message = ChatMessage(inner)
        let peer = direction == .sent ? message.to : message.from
        if inner.child("x", namespace: Namespace.mucUser) != nil, let peer, peer.resourcepart != nil,
            account.feature(RoomsFeature.self)?.knows(peer.bare) != true
        {
            account.log(.debug, "ignored a copy of a private message through \(peer.bare), a room Tern is not in")
            return
        }
        account.feature(MessagingFeature.self)?.receiveCarbon(message, direction: direction)
    }
}
