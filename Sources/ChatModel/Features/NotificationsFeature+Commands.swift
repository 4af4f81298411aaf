import XMPPCore

extension NotificationsFeature {
    /// The first argument of /notify: a level, or `default` (back to config.toml's).
    static let levelArgument = "all|mentions|none|default"

    public static var commands: [CommandSpec] {
        [
            CommandSpec(
                "notify",
                arguments: [
                    ArgumentSpec(
                        levelArgument, optional: true,
                        completion: .choice(NotificationLevel.allCases.map(\.rawValue) + ["default"])),
                    ArgumentSpec("jid", optional: true, completion: .conversation),
                ],
                summary: "show or set what rings for a chat or room (default: this window's)",
                help: """
                    all: every message rings the bell and runs the notify command; mentions: only those
                    that name you (your nick in a room, your account's name in a chat) or a keyword;
                    none: nothing rings, unread messages are still counted. The level is kept for the
                    next start; default goes back to config.toml's ([notifications] rooms, chats and
                    levels; rooms are mentions and chats all unless it says otherwise). Without a
                    level, /notify says the current one and where it comes from.
                    """
            ) { context throws(CommandError) in
                var word = context.argument(levelArgument)?.lowercased()
                var target = context.argument("jid")
                if let typed = word, target == nil, NotificationLevel(rawValue: typed) == nil, typed != "default" {
                    // `/notify JID`: show that conversation's level.
                    target = context.argument(levelArgument)
                    word = nil
                }
                let (conversation, account) = try context.targetContact(target)
                let notifications = try account.required(NotificationsFeature.self)
                guard let word else {
                    context.model.addNotice(
                        "notifications for \(conversation): \(notifications.describeLevel(of: conversation))")
                    return
                }
                guard word == "default" || NotificationLevel(rawValue: word) != nil else {
                    throw .usage("\"\(word)\" is not a level")
                }
                try notifications.change(conversation, to: NotificationLevel(rawValue: word), context.model)
            },
            CommandSpec(
                "mute", arguments: [ArgumentSpec("jid", optional: true, completion: .conversation)],
                summary: "nothing rings for a chat or room (/notify none; default: this window's)"
            ) { context throws(CommandError) in
                let (conversation, account) = try context.targetContact(context.argument("jid"))
                try account.required(NotificationsFeature.self).change(
                    conversation, to: NotificationLevel.none,
                    context.model)
            },
            CommandSpec(
                "unmute", arguments: [ArgumentSpec("jid", optional: true, completion: .conversation)],
                summary: "back to config.toml's notification level (/notify default)"
            ) { context throws(CommandError) in
                let (conversation, account) = try context.targetContact(context.argument("jid"))
                try account.required(NotificationsFeature.self).change(conversation, to: nil, context.model)
            },
        ]
    }

    /// Sets a level (nil: config.toml's) and says what it is now.
    private func change(_ conversation: JID, to level: NotificationLevel?, _ model: AppModel) throws(CommandError) {
        try setLevel(level, for: conversation)
        model.addNotice("notifications for \(conversation): \(describeLevel(of: conversation))")
        // The roster marks muted contacts.
        model.onChange(.roster)
    }
}
