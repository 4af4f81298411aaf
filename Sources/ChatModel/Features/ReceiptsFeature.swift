import XMPPCore
import XMPPExtensions

/// Delivery receipts (XEP-0184): asked for on every message we send, answered for contacts'
/// messages (never a stranger's: it would confirm the account is read), and turned into
/// "delivered" on ours.
public final class ReceiptsFeature: AccountFeature, MessageObserver {
    public static let name = "receipts"
    unowned let account: AccountController
    private lazy var messaging = account.feature(MessagingFeature.self)

    public init(account: AccountController) throws(FeatureError) {
        self.account = account
    }

    func received(_ message: ChatMessage, from: JID, peer: JID, carbon: Bool) {
        if let id = message.receiptFor { messaging?.markReceived(peer, id, .delivered) }
        guard !carbon, message.body != nil, message.requestsReceipt, account.behaviour.sendReceipts,
            account.isContact(peer), let id = message.id, let session = account.session
        else { return }
        session.send(OutgoingMessage.receipt(to: from, for: id, newID: session.makeID()))
    }

    func archived(_ message: ChatMessage, peer: JID, outgoing: Bool) {
        if !outgoing, let id = message.receiptFor { messaging?.markReceived(peer, id, .delivered) }
    }

    func decorate(_ message: inout XMLElement, to peer: JID) {
        message.append(XMLElement("request", namespace: Namespace.receipts))
    }
}
