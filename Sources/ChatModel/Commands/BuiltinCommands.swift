import ChatStore
import XMPPCore
import XMPPExtensions

extension AppModel {
    /// The commands the model implements (the terminal UI adds /theme).
    public static var builtinCommands: [CommandSpec] {
        sessionCommands + windowCommands + rosterCommands + messagingCommands
    }

    func requireAccount() throws(CommandError) -> AccountController {
        guard let account else { throw .failed("no account is configured") }
        return account
    }

    func contact(_ text: String) throws(CommandError) -> JID {
        guard let jid = resolveContact(text) else {
            throw .usage("\"\(text)\" is neither a JID nor the name of a contact")
        }
        return jid
    }
}

// MARK: Session

extension AppModel {
    static var sessionCommands: [CommandSpec] {
        [
            CommandSpec(
                "connect", arguments: [ArgumentSpec("account", optional: true, completion: .account)],
                summary: "connect (an account by name; default: the first)"
            ) { context throws(CommandError) in
                let model = context.model
                let account: AccountController
                if let name = context.argument("account") {
                    guard let named = model.accounts.first(where: { $0.name == name }) else {
                        throw .failed("no account named \(name)")
                    }
                    account = named
                } else {
                    account = try model.requireAccount()
                }
                model.addNotice(account.connectionSummary(asked: "connect"))
                account.connect()
            },
            CommandSpec("disconnect", summary: "log out and stay offline") { context throws(CommandError) in
                let account = try context.model.requireAccount()
                if account.status == .offline { context.model.addNotice("\(account.jid) is already offline") }
                account.disconnect()
            },
            CommandSpec("reconnect", summary: "reconnect now instead of waiting") { context throws(CommandError) in
                let account = try context.model.requireAccount()
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
                try context.model.requireAccount().setPresence(availability, status: context.argument("message"))
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
            CommandSpec("quit", summary: "leave Tern") { context throws(CommandError) in
                context.model.account?.disconnect()
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
                let jid = try model.contact(context.required("jid"))
                model.openChat(jid, focus: true)
                if let text = context.argument("text"), !text.isEmpty {
                    try model.requireAccount().send(text, to: jid)
                }
            },
            CommandSpec(
                "me", arguments: [ArgumentSpec("action", rest: true)], summary: "send an action (/me waves)"
            ) { context throws(CommandError) in
                let model = context.model
                guard let contact = model.currentWindow.jid else { throw .failed("/me works in a chat window") }
                try model.requireAccount().send("/me " + context.required("action"), to: contact)
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
                let account = try model.requireAccount()
                let text = context.required("text")
                let hits: [SearchHit]
                do {
                    hits = try account.store.search(
                        text, account: account.accountID, conversation: model.currentWindow.jid)
                } catch {
                    throw .failed("search failed: \(error)")
                }
                guard !hits.isEmpty else {
                    model.addNotice("no messages contain \"\(text)\"")
                    return
                }
                model.addNotice("\(hits.count) message\(hits.count == 1 ? "" : "s") contain \"\(text)\" (newest last):")
                for hit in hits.reversed() {
                    let who = hit.message.outgoing ? "me" : hit.message.sender
                    let place = model.currentWindow.jid == nil ? "\(hit.message.conversation) " : ""
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
                        try context.model.requireAccount().addContact(jid, name: context.argument("name"))
                    },
                    CommandSpec(
                        "remove", arguments: [ArgumentSpec("jid", completion: .contact)],
                        summary: "remove a contact (and both subscriptions)"
                    ) { context throws(CommandError) in
                        let model = context.model
                        try model.requireAccount().removeContact(try model.contact(context.required("jid")))
                    },
                    CommandSpec(
                        "rename",
                        arguments: [ArgumentSpec("jid", completion: .contact), ArgumentSpec("name", rest: true)],
                        summary: "rename a contact"
                    ) { context throws(CommandError) in
                        let model = context.model
                        let jid = try model.contact(context.required("jid"))
                        try model.requireAccount().updateContact(jid, name: .some(context.required("name")))
                    },
                    CommandSpec(
                        "group",
                        arguments: [
                            ArgumentSpec("jid", completion: .contact),
                            ArgumentSpec("group", optional: true, repeated: true, completion: .group),
                        ],
                        summary: "put a contact in these groups (none: no group)"
                    ) { context throws(CommandError) in
                        let model = context.model
                        let jid = try model.contact(context.required("jid"))
                        try model.requireAccount().updateContact(jid, groups: context.repeated)
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
                let model = context.model
                guard
                    let action = PresenceManager.SubscriptionAction(
                        rawValue: context.required("allow|deny|request|cancel"))
                else { throw .usage("choose allow, deny, request or cancel") }
                try model.requireAccount().subscription(action, try model.contact(context.required("jid")))
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
                guard let contact = model.currentWindow.jid else { throw .failed("/correct works in a chat window") }
                guard try model.requireAccount().correctLastMessage(to: contact, with: context.required("text")) != nil
                else {
                    throw .failed("there is no message of yours here to correct")
                }
            },
            CommandSpec(
                "block",
                arguments: [ArgumentSpec("jid", completion: .contact), ArgumentSpec("report", optional: true)],
                summary: "block a contact (no messages, presence or requests from it); spam or abuse also reports it"
            ) { context throws(CommandError) in
                let model = context.model
                var report: BlockingManager.Report?
                switch context.argument("report") {
                case nil: report = nil
                case "spam": report = .spam
                case "abuse": report = .abuse
                case let other?: throw .usage("\"\(other)\" is not a report: spam or abuse")
                }
                try model.requireAccount().block(try model.contact(context.required("jid")), report: report)
            },
            CommandSpec(
                "unblock", arguments: [ArgumentSpec("jid", completion: .contact)], summary: "unblock a contact"
            ) { context throws(CommandError) in
                let model = context.model
                guard let jid = JID(parsing: context.required("jid")) ?? model.resolveContact(context.required("jid"))
                else {
                    throw .usage("\"\(context.required("jid"))\" is not a JID")
                }
                try model.requireAccount().unblock(jid)
            },
            CommandSpec("blocked", summary: "list the blocked JIDs") { context throws(CommandError) in
                let model = context.model
                let blocked = try model.requireAccount().blocking.blocked.map(\.description).sorted()
                model.addNotice(blocked.isEmpty ? "nobody is blocked" : "blocked: " + blocked.joined(separator: ", "))
            },
            CommandSpec(
                "info", arguments: [ArgumentSpec("jid", optional: true, completion: .contact)],
                summary: "what a contact or server supports, and its software (default: this chat)"
            ) { context throws(CommandError) in
                let model = context.model
                let target: JID
                if let text = context.argument("jid") {
                    guard let jid = model.resolveContact(text) ?? JID(parsing: text) else {
                        throw .usage("\"\(text)\" is not a JID")
                    }
                    target = jid
                } else {
                    guard let jid = model.currentWindow.jid else { throw .usage("which JID?") }
                    target = jid
                }
                let window = model.currentWindow
                try model.requireAccount().information(about: target) { [weak model, weak window] lines in
                    for line in lines { model?.addNotice(line, window: window) }
                }
            },
            CommandSpec(
                "mute", arguments: [ArgumentSpec("jid", optional: true, completion: .contact)],
                summary: "no notifications for a contact (default: this chat)"
            ) { context throws(CommandError) in
                let model = context.model
                let contact = try model.targetContact(context.argument("jid"))
                try model.requireAccount().setMuted(true, contact)
                model.addNotice("\(contact) is muted")
            },
            CommandSpec(
                "unmute", arguments: [ArgumentSpec("jid", optional: true, completion: .contact)],
                summary: "notifications for a contact again"
            ) { context throws(CommandError) in
                let model = context.model
                let contact = try model.targetContact(context.argument("jid"))
                try model.requireAccount().setMuted(false, contact)
                model.addNotice("\(contact) is no longer muted")
            },
        ]
    }

    /// The contact an optional argument names, else the current chat's.
    func targetContact(_ text: String?) throws(CommandError) -> JID {
        if let text { return try contact(text) }
        guard let jid = currentWindow.jid else { throw .usage("which contact?") }
        return jid
    }
}

/// Times in command output.
enum SearchTimeFormat {
    static func format(_ milliseconds: Int64) -> String {
        TimeFormat.format(milliseconds, pattern: "%Y-%m-%d %H:%M")
    }
}
