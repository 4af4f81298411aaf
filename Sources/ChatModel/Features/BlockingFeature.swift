import XMPPCore
import XMPPExtensions

/// Blocking (XEP-0191) with spam reports (XEP-0377): `/block`, `/unblock`, `/blocked`.
public final class BlockingFeature: AccountFeature {
    public static let name = "blocking"
    public let manager = BlockingManager()
    unowned let account: AccountController

    public init(account: AccountController) throws(FeatureError) {
        self.account = account
        manager.onChange = { [unowned account] in account.emit(RosterFeature.Changed()) }
        manager.onSpoofedPush = { [unowned account] stanza in
            account.log(.debug, "dropped a block-list push from \(stanza[attribute: "from"] ?? "?")")
        }
    }

    public var extensions: [any SessionExtension] { [manager] }

    /// Blocks `contact`, reporting it to the server's operator as spam or abuse when `report` is
    /// given (XEP-0377); a request it made is dropped.
    public func block(_ contact: JID, report: BlockingManager.Report? = nil) {
        guard let session = account.session else {
            account.log(.warning, "not connected: cannot block \(contact)")
            return
        }
        manager.block([contact], report: report, in: session) { [weak self] result in
            guard let self else { return }
            switch result {
            case .success:
                if let roster = account.feature(RosterFeature.self), roster.requests.remove(contact.bare) != nil {
                    account.emit(RosterFeature.Changed())
                }
                if let report {
                    account.log(.info, "blocked \(contact) and reported it as \(report == .spam ? "spam" : "abuse")")
                }
            case .failure(let error):
                account.log(.error, "could not block \(contact): \(error)")
            }
        }
    }

    public func unblock(_ contact: JID) {
        guard let session = account.session else {
            account.log(.warning, "not connected: cannot unblock \(contact)")
            return
        }
        manager.unblock([contact], in: session) { [weak account] result in
            if case .failure(let error) = result { account?.log(.error, "could not unblock \(contact): \(error)") }
        }
    }

    public static var commands: [CommandSpec] {
        [
            CommandSpec(
                "block",
                arguments: [ArgumentSpec("jid", completion: .contact), ArgumentSpec("report", optional: true)],
                summary: "block a contact (no messages, presence or requests from it); spam or abuse also reports it"
            ) { context throws(CommandError) in
                var report: BlockingManager.Report?
                switch context.argument("report") {
                case nil: report = nil
                case "spam": report = .spam
                case "abuse": report = .abuse
                case let other?: throw .usage("\"\(other)\" is not a report: spam or abuse")
                }
                let (jid, account) = try context.targetContact(context.required("jid"))
                try account.required(BlockingFeature.self).block(jid, report: report)
            },
            CommandSpec(
                "unblock", arguments: [ArgumentSpec("jid", completion: .contact)], summary: "unblock a contact"
            ) { context throws(CommandError) in
                let text = context.required("jid")
                let account = try context.account(for: text)
                guard let jid = JID(parsing: text) ?? context.model.resolveContact(text, on: account) else {
                    throw .usage("\"\(text)\" is not a JID")
                }
                try account.required(BlockingFeature.self).unblock(jid)
            },
            CommandSpec("blocked", summary: "list the blocked JIDs") { context throws(CommandError) in
                let blocked = try context.account().required(BlockingFeature.self).manager.blocked
                    .map(\.description).sorted()
                context.model.addNotice(
                    blocked.isEmpty ? "nobody is blocked" : "blocked: " + blocked.joined(separator: ", "))
            },
        ]
    }
}
