import ChatStore
import XMPPCore
import XMPPExtensions

extension AppModel {
    /// The commands of the model itself (each account feature brings its own; the terminal UI
    /// adds /theme).
    public static var builtinCommands: [CommandSpec] {
        sessionCommands + windowCommands
    }
}

// MARK: Session

extension AppModel {
    static var sessionCommands: [CommandSpec] {
        [
            CommandSpec(
                "account", summary: "list the accounts and their state",
                help: "Every command takes --account NAME before its arguments to act on that account\n"
                    + "instead of the current window's (the console's: the default account)."
            ) { context throws(CommandError) in
                let model = context.model
                for row in model.accountRows {
                    let current = row.name == model.currentAccount?.name ? " (current)" : ""
                    model.addNotice("\(row.name): \(row.address) — \(row.status.summary(now: model.now))\(current)")
                }
            },
            CommandSpec(
                "connect", arguments: [ArgumentSpec("account", optional: true, completion: .account)],
                summary: "connect an account (default: the current window's)"
            ) { context throws(CommandError) in
                let account = try context.namedAccount(context.argument("account"))
                context.model.addNotice(account.connectionSummary(asked: "connect"))
                account.connect()
            },
            CommandSpec(
                "disconnect", arguments: [ArgumentSpec("account", optional: true, completion: .account)],
                summary: "log out an account and keep it offline (default: the current window's)"
            ) { context throws(CommandError) in
                let account = try context.namedAccount(context.argument("account"))
                if account.status == .offline { context.model.addNotice("\(account.jid) is already offline") }
                account.disconnect()
            },
            CommandSpec(
                "reconnect", arguments: [ArgumentSpec("account", optional: true, completion: .account)],
                summary: "reconnect now instead of waiting"
            ) { context throws(CommandError) in
                let account = try context.namedAccount(context.argument("account"))
                context.model.addNotice(account.connectionSummary(asked: "reconnect"))
                account.reconnectNow()
            },
            CommandSpec(
                "set",
                arguments: [
                    ArgumentSpec("key", optional: true, completion: .setting),
                    ArgumentSpec("value", optional: true, rest: true),
                ],
                summary: "show or change a setting (/set alone lists them); changes are kept for the next start",
                help:
                    "A changed setting is saved in the database and applies at the next start too, over\n"
                    + "config.toml's [ui] table; /unset KEY goes back to the configured value."
            ) { context throws(CommandError) in
                let model = context.model
                guard let key = context.argument("key") else {
                    for (key, values) in UISettings.keys {
                        let saved = model.savedSettings.contains(key) ? ", saved" : ""
                        model.addNotice("\(key) = \(model.settings.value(of: key) ?? "") (\(values)\(saved))")
                    }
                    return
                }
                guard let value = context.argument("value") else {
                    guard let current = model.settings.value(of: key) else {
                        throw .failed(
                            "unknown setting \(key) (known: \(UISettings.keys.map(\.key).joined(separator: ", ")))")
                    }
                    model.addNotice("\(key) = \(current)\(model.savedSettings.contains(key) ? " (saved)" : "")")
                    return
                }
                if let problem = model.changeSetting(key, to: value) { throw .failed(problem) }
                model.addNotice("\(key) = \(model.settings.value(of: key) ?? value) (saved for the next start)")
            },
            CommandSpec(
                "unset", arguments: [ArgumentSpec("key", completion: .setting)],
                summary: "forget a changed setting: back to config.toml's value or the default"
            ) { context throws(CommandError) in
                let model = context.model
                let key = context.required("key")
                if let problem = model.resetSetting(key) { throw .failed(problem) }
                model.addNotice("\(key) = \(model.settings.value(of: key) ?? "") (as configured)")
            },
            CommandSpec(
                "help", arguments: [ArgumentSpec("command", optional: true, completion: .command)],
                summary: "list the commands, or explain one"
            ) { context throws(CommandError) in
                let model = context.model
                if let name = context.argument("command") {
                    guard let lines = model.commands.help(for: name) else { throw .failed("no command /\(name)") }
                    for line in lines { model.addNotice(line) }
                } else {
                    for line in model.commands.overview() { model.addNotice(line) }
                }
            },
            CommandSpec("quit", summary: "leave Tern (every account logs out)") { context throws(CommandError) in
                for account in context.model.accounts { account.disconnect() }
                context.model.requestQuit()
            },
        ]
    }
}

// MARK: Windows and messages

extension AppModel {
    static var windowCommands: [CommandSpec] {
        [
            CommandSpec(
                "win", arguments: [ArgumentSpec("number")], summary: "go to window N (also Alt-1...Alt-0)"
            ) { context throws(CommandError) in
                guard let number = Int(context.required("number")), context.model.windows.indices.contains(number - 1)
                else {
                    throw .failed("no window \(context.required("number")) (there are \(context.model.windows.count))")
                }
                context.model.switchTo(number - 1)
            },
            CommandSpec("close", summary: "close the current window") { context throws(CommandError) in
                guard context.model.currentIndex > 0 else { throw .failed("the console cannot be closed") }
                context.model.closeWindow(context.model.currentIndex)
            },
            CommandSpec("clear", summary: "clear the window (the history stays)") { context throws(CommandError) in
                context.model.clearWindow(context.model.currentWindow)
            },
            CommandSpec(
                "search", arguments: [ArgumentSpec("text", rest: true)],
                summary: "search the history (of this chat, or of all in the console)"
            ) { context throws(CommandError) in
                let model = context.model
                let text = context.required("text")
                let window = model.currentWindow
                // The console searches every account (or the one --account names).
                let accounts =
                    window.conversation == nil && context.accountName == nil ? model.accounts : [try context.account()]
                var hits: [(account: String, hit: SearchHit)] = []
                do {
                    for account in accounts {
                        hits += try account.store.search(text, account: account.accountID, conversation: window.jid)
                            .map { (account.name, $0) }
                    }
                } catch {
                    throw .failed("search failed: \(error)")
                }
                hits.sort {
                    ($0.hit.message.timestamp, $0.hit.message.id) > ($1.hit.message.timestamp, $1.hit.message.id)
                }
                guard !hits.isEmpty else {
                    model.addNotice("no messages contain \"\(text)\"")
                    return
                }
                model.addNotice(
                    (hits.count == 1 ? "1 message contains" : "\(hits.count) messages contain")
                        + " \"\(text)\" (newest last):")
                for (account, hit) in hits.reversed() {
                    let who = hit.message.outgoing ? "me" : hit.message.sender
                    var place = window.conversation == nil ? "\(hit.message.conversation) " : ""
                    if accounts.count > 1 { place = "[\(account)] " + place }
                    model.addNotice(
                        "\(SearchTimeFormat.format(hit.message.timestamp)) \(place)\(who): "
                            + hit.snippet.rendered(open: "«", close: "»"))
                }
            },
        ]
    }
}

/// Times in command output.
enum SearchTimeFormat {
    static func format(_ milliseconds: Int64) -> String {
        TimeFormat.format(milliseconds, pattern: "%Y-%m-%d %H:%M")
    }
}
