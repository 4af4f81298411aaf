import XMPPCore
import XMPPExtensions

/// Message carbons (XEP-0280): copies of what our other devices send and receive, accepted only
/// from our own account, handed to messaging.
public final class CarbonsFeature: AccountFeature {
    public static let name = "carbons"
    /// Carbons are unwrapped before the plain message handler sees messages.
    public static var ordering: [FeatureOrder] { [.before(MessagingFeature.name)] }
    public let manager = CarbonsManager()
    unowned let account: AccountController

    public init(account: AccountController) throws(FeatureError) {
        self.account = account
        manager.onCarbon = { [unowned account] message, direction in
            account.feature(MessagingFeature.self)?.receiveCarbon(message, direction: direction)
        }
        manager.onSpoofedCarbon = { [unowned account] stanza in
            account.log(
                .debug,
                "dropped a carbon from \(stanza[attribute: "from"] ?? "?") (carbons come only from our own account)")
        }
    }

    public var extensions: [any SessionExtension] { [manager] }
}
