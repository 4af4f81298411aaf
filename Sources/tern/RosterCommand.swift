import ArgumentParser
import ChatStore
import Foundation
import SafeText
import XMPPCore

/// `tern roster`: the stored roster.
struct RosterCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "roster",
        abstract: "Print the roster as last synchronised (name, JID, groups, subscription)."
    )

    @OptionGroup var store: StoreOptions

    @Flag(help: "One JSON object per line.")
    var json = false

    func run() throws {
        let access = StoreAccess(options: store)
        guard let account = access.account else { return }
        let items: [RosterItem]
        do {
            items = try access.store.roster(account: account.id)
        } catch {
            exitWithFailure(String(describing: error))
        }
        for item in items.sorted(by: {
            ($0.name ?? $0.jid.description).lowercased() < ($1.name ?? $1.jid.description).lowercased()
        }) {
            if json {
                var object: [String: Any] = [
                    "jid": item.jid.description, "groups": item.groups, "subscription": item.subscription.rawValue,
                    "pending": item.pendingOut,
                ]
                object["name"] = item.name ?? NSNull()
                let data = try JSONSerialization.data(
                    withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
                print(String(decoding: data, as: UTF8.self))
            } else {
                let name = TerminalSafe.sanitize(item.name ?? "")
                let groups = TerminalSafe.sanitize(item.groups.joined(separator: ", "))
                print(
                    "\(name.isEmpty ? "-" : name)\t\(item.jid)\t\(groups.isEmpty ? "-" : groups)\t\(item.subscription.rawValue)"
                        + (item.pendingOut ? " (pending)" : ""))
            }
        }
    }
}
