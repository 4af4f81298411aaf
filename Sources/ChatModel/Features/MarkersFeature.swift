import XMPPCore
import XMPPExtensions

/// Chat markers (XEP-0333): our messages are markable; a contact's "displayed" marks ours seen; we
/// tell contacts what we have read; our other device's marker means the chat was read there.
public final class MarkersFeature: AccountFeature, MessageObserver {
    public static let name = "markers"
    unowned let account: AccountController
    private lazy var messaging = account.feature(MessagingFeature.self)

    public init(account: AccountController) throws(FeatureError) {
        self.account = account
    }

    /// Another of our clients displayed this conversation.
    struct ReadElsewhere: FeatureEvent {
        let conversation: JID

        func apply(to model: AppModel, from account: AccountController) {
            model.readElsewhere(model.conversation(conversation, on: account), account: account)
        }
    }

    func received(_ message: ChatMessage, from: JID, peer: JID, carbon: Bool) {
        if let id = message.displayedMarkerFor { messaging?.markReceived(peer, id, .displayed) }
    }

    func sentElsewhere(_ message: ChatMessage, to peer: JID) {
        // Read on another device: everything up to here counts as seen.
        if message.displayedMarkerFor != nil { account.emit(ReadElsewhere(conversation: peer)) }
    }

    func archived(_ message: ChatMessage, peer: JID, outgoing: Bool) {
        if !outgoing, let id = message.displayedMarkerFor { messaging?.markReceived(peer, id, .displayed) }
    }

    func decorate(_ message: inout XMLElement, to peer: JID) {
        message.append(XMLElement("markable", namespace: Namespace.chatMarkers))
    }

    /// Tells `contact` we have seen everything up to its message `id`.
    public func sendDisplayed(to contact: JID, for id: String) {
        guard account.behaviour.sendMarkers, account.isContact(contact), let session = account.session else { return }
        let target = messaging?.target(for: contact) ?? contact.bare
        session.send(OutgoingMessage.displayed(to: target, for: id, newID: session.makeID()))
    }
}
