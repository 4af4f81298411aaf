import ArgumentParser
import ChatStore
import Foundation
import XMPPCore

/// `tern history JID`: the local history of one conversation, readable while Tern runs.
struct HistoryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "history",
        abstract: "Print the local history of a conversation, oldest first."
    )

    @OptionGroup var store: StoreOptions

    @Argument(help: "The contact's or room's JID.")
    var jid: String

    @Option(help: "How many messages (the newest, unless --before is given).")
    var limit: Int = 50

    @Option(help: "Only messages before the one with this id (as printed by --json).")
    var before: Int64?

    @Option(help: "Only messages containing these words.")
    var search: String?

    @Flag(help: "One JSON object per line.")
    var json = false

    func validate() throws {
        guard JID(parsing: jid) != nil else { throw ValidationError("\"\(jid)\" is not a valid JID") }
        guard limit > 0 else { throw ValidationError("--limit must be positive") }
        if before != nil && search != nil { throw ValidationError("--before and --search cannot be combined") }
    }

    func run() throws {
        guard let typed = JID(parsing: jid) else { return }
        let access = StoreAccess(options: store)
        guard let account = access.account else { return }
        let printer = MessagePrinter(json: json)
        do {
            // A full JID names a private chat through a room (room@service/nick) when the store
            // has one; otherwise it means the contact's conversation.
            let known = try access.store.conversations(account: account.id).map(\.jid)
            let conversation = known.contains(typed.description) ? typed : typed.bare
            if let search {
                let hits = try access.store.search(
                    search, account: account.id, conversation: conversation, limit: limit)
                for hit in hits.reversed() { printer.print(hit.message, snippet: json ? hit.snippet : nil) }
                return
            }
            let messages: [StoredMessage]
            if let before {
                guard let anchor = try access.store.message(id: before),
                    anchor.conversation == conversation.description
                else { return }
                messages = try access.store.messages(before: anchor.id, limit: limit)
            } else {
                messages = try access.store.lastMessages(account: account.id, conversation: conversation, limit: limit)
            }
            for message in messages { printer.print(message) }
        } catch {
            exitWithFailure(String(describing: error))
        }
    }
}

/// `tern search TEXT`: search every conversation.
struct SearchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "search",
        abstract: "Search the local history of every conversation (newest last)."
    )

    @OptionGroup var store: StoreOptions

    @Argument(help: "The words to look for (each must appear; word prefixes match).")
    var text: String

    @Option(help: "At most this many results.")
    var limit: Int = 50

    @Flag(help: "One JSON object per line.")
    var json = false

    func validate() throws {
        guard limit > 0 else { throw ValidationError("--limit must be positive") }
        guard !text.trimmingCharacters(in: .whitespaces).isEmpty else { throw ValidationError("nothing to search for") }
    }

    func run() throws {
        let access = StoreAccess(options: store, requireAccount: false)
        let printer = MessagePrinter(json: json)
        do {
            let hits = try access.store.search(
                text, account: store.account == nil ? nil : access.account?.id, limit: limit)
            for hit in hits.reversed() { printer.print(hit.message, snippet: hit.snippet) }
        } catch {
            exitWithFailure(String(describing: error))
        }
    }
}
