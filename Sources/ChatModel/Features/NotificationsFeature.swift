import XMPPCore

/// How much each conversation calls for attention, and which messages are highlights.
///
/// A conversation's level (`NotificationLevel`) is the one chosen with `/notify` (kept in the
/// store), else config.toml's for its JID, else the default for rooms (`mentions`) or for chats
/// (`all`; a private chat through a room is a chat). The level decides the bell and the notify
/// command, nothing else: unread messages count at every level. A message from someone else is a
/// highlight when it names us as a word (our nick in a room, the account's name elsewhere) or a
/// configured keyword; the flag is stored with it, so rooms count unread highlights across runs.
/// A feature with no session extension: it only decides what the model tells the user.
public final class NotificationsFeature: AccountFeature {
    public static let name = "notifications"

    /// Where a conversation's level comes from.
    public enum LevelSource: Sendable, Hashable {
        /// `/notify` (or `/mute`).
        case chosen
        /// config.toml's `[notifications.levels]`.
        case configured
        /// `[notifications] rooms`, else `mentions`.
        case roomDefault
        /// `[notifications] chats`, else `all`.
        case chatDefault
    }

    /// The levels chosen with `/notify`, by conversation (a bare JID, or an occupant's full JID).
    public private(set) var chosen: [String: NotificationLevel] = [:]
    private lazy var rooms = account.feature(RoomsFeature.self)
    unowned let account: AccountController

    public init(account: AccountController) throws(FeatureError) {
        self.account = account
        do {
            for (address, level) in try account.store.notificationLevels(account: account.accountID) {
                chosen[address] = NotificationLevel(rawValue: level)
            }
        } catch {
            account.log(.error, "could not read your notification settings: \(error)")
        }
    }

    /// A conversation's level, and where it comes from.
    public func level(of conversation: JID) -> (level: NotificationLevel, source: LevelSource) {
        if let level = chosen[conversation.description] { return (level, .chosen) }
        return configuredLevel(of: conversation)
    }

    /// The level config.toml gives a conversation (what `/notify default` goes back to).
    public func configuredLevel(of conversation: JID) -> (level: NotificationLevel, source: LevelSource) {
        let rules = account.behaviour.notifications
        if let level = rules.levels[conversation.description] { return (level, .configured) }
        let room = conversation.resourcepart == nil && rooms?.knows(conversation) == true
        return room ? (rules.rooms, .roomDefault) : (rules.chats, .chatDefault)
    }

    /// Chooses a conversation's level, kept for the next start (nil: back to config.toml's).
    public func setLevel(_ level: NotificationLevel?, for conversation: JID) throws(CommandError) {
        do {
            try account.store.setNotificationLevel(
                level?.rawValue, conversation: conversation, account: account.accountID)
        } catch {
            throw .failed("could not save the setting: \(error)")
        }
        chosen[conversation.description] = level
    }

    /// Whether a message someone else sent names `ownName` (our nick in a room, the account's
    /// name elsewhere) or a configured keyword, as a word.
    func highlights(_ body: String, ownName: String?) -> Bool {
        let keywords = account.behaviour.notifications.keywords
        guard let ownName else { return Mentions.mention(keywords, in: body) }
        return Mentions.mention([ownName] + keywords, in: body)
    }

    /// Whether a new message from someone else in `conversation` rings the bell and runs the
    /// notify command (when it is not on screen).
    func notifies(highlight: Bool, in conversation: JID) -> Bool {
        switch level(of: conversation).level {
        case .all: true
        case .mentions: highlight
        case .none: false
        }
    }

    /// "mentions (the default for rooms, [notifications] rooms)".
    func describeLevel(of conversation: JID) -> String {
        let (level, source) = level(of: conversation)
        guard source == .chosen else { return "\(level.rawValue) (\(Self.describe(source)))" }
        let configured = configuredLevel(of: conversation)
        return "\(level.rawValue) (set with /notify; /notify default goes back to \(configured.level.rawValue), "
            + "\(Self.describe(configured.source)))"
    }

    static func describe(_ source: LevelSource) -> String {
        switch source {
        case .chosen: "set with /notify"
        case .configured: "config.toml's [notifications.levels]"
        case .roomDefault: "the default for rooms, [notifications] rooms"
        case .chatDefault: "the default for chats, [notifications] chats"
        }
    }
}
