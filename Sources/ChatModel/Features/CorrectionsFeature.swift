import ChatStore
import XMPPCore

/// Last message correction (XEP-0308): `/correct` (and Up on an empty line) replaces the text of
/// our last message here. Incoming corrections are applied by the store, only from the sender of
/// the original.
public final class CorrectionsFeature: AccountFeature {
    public static let name = "corrections"
    unowned let account: AccountController

    public init(account: AccountController) throws(FeatureError) {
        self.account = account
    }

    /// Replaces the text of the last message we sent to `contact`.
    @discardableResult
    public func correctLastMessage(to contact: JID, with body: String) -> Int64? {
        guard let last = lastSentMessage(to: contact), let original = last.idAttribute,
            let messaging = account.feature(MessagingFeature.self)
        else {
            account.log(.warning, "there is no message to \(contact) to correct")
            return nil
        }
        return messaging.send(
            body, to: contact, extra: [XMLElement("replace", namespace: Namespace.correction, ["id": original])],
            corrects: original)
    }

    /// Our last message in a conversation, when it was typed here (what /correct changes): after
    /// one from another of our devices there is nothing to correct here.
    public func lastSentMessage(to contact: JID) -> StoredMessage? {
        let last = (try? account.store.lastMessages(account: account.accountID, conversation: contact, limit: 50))?
            .last { $0.outgoing && $0.state != .failed }
        return last?.sentHere == true ? last : nil
    }

    public static var commands: [CommandSpec] {
        [
            CommandSpec(
                "correct", arguments: [ArgumentSpec("text", rest: true)],
                summary: "correct your last message here (Up on an empty line starts one)"
            ) { context throws(CommandError) in
                let model = context.model
                guard let key = model.currentWindow.conversation, let account = model.account(of: key) else {
                    throw .failed("/correct works in a chat window")
                }
                guard
                    try account.required(CorrectionsFeature.self).correctLastMessage(
                        to: key.jid, with: context.required("text")) != nil
                else {
                    throw .failed("there is no message of yours here to correct")
                }
            }
        ]
    }
}
