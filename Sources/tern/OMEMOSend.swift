import ChatModel
import ChatRuntime
import ChatStore
import Networking
import TernConfig
import XMPPClient
import XMPPCore

/// `tern send --omemo`: the message goes through the account's model, sealed with this device's
/// OMEMO keys and sessions from the database, to every device of the recipient the user trusts
/// (and the account's other devices). The interactive Tern must not run on the same database:
/// two processes would advance the same sessions, so this takes its lock. Succeeds once the
/// server has the message; fails with the reason (no trusted device, keys that did not come,
/// a refusal) and sends nothing in plaintext.
enum OMEMOSend {
    /// Sends `text`; nil once the server has it, else why not.
    static func run(
        account: AccountConfiguration, settings: ConnectionSettings, recipient: JID, text: String, databasePath: String,
        timeout: Int
    ) -> String? {
        let loop: EventLoop
        let store: ChatStore
        let controller: AccountController
        do {
            loop = try EventLoop()
            store = try ChatStore(path: databasePath)
            if let problem = InstanceLock.acquire(for: databasePath) {
                return "--omemo uses this device's OMEMO sessions: \(problem)"
            }
            controller = try AccountController(
                name: account.name, jid: account.jid, store: store, scheduler: EventLoopScheduler(loop: loop)
            ) { LiveConnection(loop: loop, settings: $0.applied(to: settings)) }
        } catch {
            return String(describing: error)
        }
        var failure: String?
        controller.onEvent = { event in
            if case .log(let entry) = event, entry.level >= .error { failure = failure ?? entry.text }
            if case .feature(let event) = event, let notice = event as? OMEMONotice, notice.isRefusal {
                failure = failure ?? notice.text
            }
        }
        controller.connect()
        let deadline = ContinuousClock.now + .seconds(timeout)
        loop.run(for: .seconds(timeout)) {
            failure != nil || controller.feature(OMEMOFeature.self)?.announced.isEmpty == false
        }
        guard failure == nil, let omemo = controller.feature(OMEMOFeature.self), !omemo.announced.isEmpty else {
            return failure ?? "not online with OMEMO after \(timeout) seconds"
        }
        omemo.set(recipient, on: true)
        controller.feature(MessagingFeature.self)?.send(text, to: recipient)
        loop.run(for: max(.zero, deadline - ContinuousClock.now)) {
            failure != nil || sent(text, to: recipient, in: store, account: controller.accountID)
        }
        let delivered = sent(text, to: recipient, in: store, account: controller.accountID)
        controller.disconnect()
        loop.run(for: .seconds(2)) { controller.status == .offline }
        return delivered ? nil : failure ?? "the message was not confirmed within \(timeout) seconds"
    }

    /// Whether the server acknowledged our encrypted message with this text.
    private static func sent(_ text: String, to recipient: JID, in store: ChatStore, account: AccountID) -> Bool {
        let messages = (try? store.lastMessages(account: account, conversation: recipient.bare, limit: 20)) ?? []
        return messages.contains { message in
            message.outgoing && message.body == text && message.encryption != nil
                && (message.state.map { $0 >= .acked && $0 != .failed } ?? false)
        }
    }
}
