import ChatStore
import XMPPCore
import XMPPExtensions

extension AppModel {
    /// The commands the model implements (the terminal UI adds /theme).
    public static var builtinCommands: [CommandSpec] {
        sessionCommands + windowCommands + rosterCommands + messagingCommands
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
                "status",
                arguments: [
                    ArgumentSpec(
                        "online|chat|away|xa|dnd", completion: .choice(["online", "chat", "away", "xa", "dnd"])),
                    ArgumentSpec("message", optional: true, rest: true),
                ],
                summary: "set your presence and status message"
            ) { context throws(CommandError) in
                guard let availability = Availability(rawValue: context.required("online|chat|away|xa|dnd")),
                    availability != .offline
                else { throw .usage("unknown presence") }
                try context.account().setPresence(availability, status: context.argument("message"))
                context.model.onChange(.status)
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
                "msg",
                arguments: [
                    ArgumentSpec("jid", completion: .contact), ArgumentSpec("text", optional: true, rest: true),
                ],
                summary: "open a chat (and send a message)"
            ) { context throws(CommandError) in
                let model = context.model
                let account = try context.account(for: context.required("jid"))
                let jid = try context.contact(context.required("jid"), on: account)
                model.openChat(model.conversation(jid, on: account), focus: true)
                if let text = context.argument("text"), !text.isEmpty { account.send(text, to: jid) }
            },
            CommandSpec(
                "me", arguments: [ArgumentSpec("action", rest: true)], summary: "send an action (/me waves)"
            ) { context throws(CommandError) in
                let model = context.model
                guard let key = model.currentWindow.conversation, let account = model.account(of: key) else {
                    throw .failed("/me works in a chat window")
                }
                account.send("/me " + context.required("action"), to: key.jid)
            },
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
                model.addNotice("\(hits.count) message\(hits.count == 1 ? "" : "s") contain \"\(text)\" (newest last):")
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

// MARK: Roster and subscriptions

extension AppModel {
    static var rosterCommands: [CommandSpec] {
        [
            CommandSpec(
                "roster", summary: "manage contacts",
                subcommands: [
                    CommandSpec(
                        "add",
                        arguments: [
                            ArgumentSpec("jid", completion: .contact), ArgumentSpec("name", optional: true, rest: true),
                        ],
                        summary: "add a contact and ask to see its presence"
                    ) { context throws(CommandError) in
                        guard let jid = JID(parsing: context.required("jid")), jid.localpart != nil else {
                            throw .usage("\"\(context.required("jid"))\" is not a JID (user@domain)")
                        }
                        try context.account().addContact(jid, name: context.argument("name"))
                    },
                    CommandSpec(
                        "remove", arguments: [ArgumentSpec("jid", completion: .contact)],
                        summary: "remove a contact (and both subscriptions)"
                    ) { context throws(CommandError) in
                        let (jid, account) = try context.targetContact(context.required("jid"))
                        account.removeContact(jid)
                    },
                    CommandSpec(
                        "rename",
                        arguments: [ArgumentSpec("jid", completion: .contact), ArgumentSpec("name", rest: true)],
                        summary: "rename a contact"
                    ) { context throws(CommandError) in
                        let (jid, account) = try context.targetContact(context.required("jid"))
                        account.updateContact(jid, name: .some(context.required("name")))
                    },
                    CommandSpec(
                        "group",
                        arguments: [
                            ArgumentSpec("jid", completion: .contact),
                            ArgumentSpec("group", optional: true, repeated: true, completion: .group),
                        ],
                        summary: "put a contact in these groups (none: no group)"
                    ) { context throws(CommandError) in
                        let (jid, account) = try context.targetContact(context.required("jid"))
                        account.updateContact(jid, groups: context.repeated)
                    },
                ]),
            CommandSpec(
                "sub",
                arguments: [
                    ArgumentSpec(
                        "allow|deny|request|cancel", completion: .choice(["allow", "deny", "request", "cancel"])),
                    ArgumentSpec("jid", completion: .contact),
                ],
                summary: "answer or ask for a presence subscription",
                help:
                    "allow: let the contact see your presence (also pre-approves; answering a request also asks to\n"
                    + "see theirs); deny: refuse or revoke;\n"
                    + "request: ask to see the contact's presence; cancel: stop seeing it"
            ) { context throws(CommandError) in
                guard
                    let action = PresenceManager.SubscriptionAction(
                        rawValue: context.required("allow|deny|request|cancel"))
                else { throw .usage("choose allow, deny, request or cancel") }
                let (jid, account) = try context.targetContact(context.required("jid"))
                account.subscription(action, jid)
            },
        ]
    }
}

// MARK: Corrections, blocking, information, notifications

extension AppModel {
    static var messagingCommands: [CommandSpec] {
        [
            CommandSpec(
                "correct", arguments: [ArgumentSpec("text", rest: true)],
                summary: "correct your last message here (Up on an empty line starts one)"
            ) { context throws(CommandError) in
                let model = context.model
                guard let key = model.currentWindow.conversation, let account = model.account(of: key) else {
                    throw .failed("/correct works in a chat window")
                }
                guard account.correctLastMessage(to: key.jid, with: context.required("text")) != nil else {
                    throw .failed("there is no message of yours here to correct")
                }
            },
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
                account.block(jid, report: report)
            },
            CommandSpec(
                "unblock", arguments: [ArgumentSpec("jid", completion: .contact)], summary: "unblock a contact"
            ) { context throws(CommandError) in
                let text = context.required("jid")
                let account = try context.account(for: text)
                guard let jid = JID(parsing: text) ?? context.model.resolveContact(text, on: account) else {
                    throw .usage("\"\(text)\" is not a JID")
                }
                account.unblock(jid)
            },
            CommandSpec("blocked", summary: "list the blocked JIDs") { context throws(CommandError) in
                let model = context.model
                let blocked = try context.account().blocking.blocked.map(\.description).sorted()
                model.addNotice(blocked.isEmpty ? "nobody is blocked" : "blocked: " + blocked.joined(separator: ", "))
            },
            CommandSpec(
                "info", arguments: [ArgumentSpec("jid", optional: true, completion: .contact)],
                summary: "what a contact or server supports, and its software (default: this chat)"
            ) { context throws(CommandError) in
                let model = context.model
                let target: JID
                let account: AccountController
                if let text = context.argument("jid") {
                    account = try context.account(for: text)
                    guard let jid = model.resolveContact(text, on: account) ?? JID(parsing: text) else {
                        throw .usage("\"\(text)\" is not a JID")
                    }
                    target = jid
                } else {
                    guard let key = model.currentWindow.conversation else { throw .usage("which JID?") }
                    account = try context.account()
                    target = key.jid
                }
                let window = model.currentWindow
                account.information(about: target) { [weak model, weak window] lines in
                    for line in lines { model?.addNotice(line, window: window) }
                }
            },
            CommandSpec(
                "mute", arguments: [ArgumentSpec("jid", optional: true, completion: .contact)],
                summary: "no notifications for a contact (default: this chat)"
            ) { context throws(CommandError) in
                let (contact, account) = try context.targetContact(context.argument("jid"))
                account.setMuted(true, contact)
                context.model.addNotice("\(contact) is muted")
            },
            CommandSpec(
                "unmute", arguments: [ArgumentSpec("jid", optional: true, completion: .contact)],
                summary: "notifications for a contact again"
            ) { context throws(CommandError) in
                let (contact, account) = try context.targetContact(context.argument("jid"))
                account.setMuted(false, contact)
                context.model.addNotice("\(contact) is no longer muted")
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
