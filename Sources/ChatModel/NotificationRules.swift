/// How much a conversation's messages call for attention: the bell and the notify command.
public enum NotificationLevel: String, Sendable, Hashable, CaseIterable {
    /// Every message from someone else.
    case all
    /// Only messages that name us (our nick in a room, the account's name in a chat) or a
    /// configured keyword.
    case mentions
    /// None (unread messages are still counted, and highlights still stand out).
    case none
}

/// config.toml's `[notifications]`: the default level of rooms and of one-to-one chats (private
/// chats through a room are chats), levels for some conversations, and the keywords that
/// highlight like a mention of our name.
public struct NotificationRules: Sendable, Hashable {
    public var rooms = NotificationLevel.mentions
    public var chats = NotificationLevel.all
    /// By conversation: a bare JID, or `room@service/nick` for a private chat through a room.
    public var levels: [String: NotificationLevel] = [:]
    public var keywords: [String] = []

    public init() {}
}
