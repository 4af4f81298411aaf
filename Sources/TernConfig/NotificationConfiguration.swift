import Foundation
import XMPPCore

/// The `[notifications]` table: how Tern calls for attention, and for what.
///
///     [notifications]
///     bell = true                                          # ring the terminal bell
///     command = "notify-send \"$TERN_SENDER\" \"$TERN_TEXT\""  # run for each message not on screen
///     rooms = "mentions"                                   # default level for rooms
///     chats = "all"                                        # default level for one-to-one chats
///     keywords = ["deploy", "tern"]                        # highlight and notify like a mention
///     [notifications.levels]
///     "room@conference.example.org" = "all"
///     "noisy@example.org" = "none"
///
/// The command runs with `/bin/sh -c`; the message is passed in the environment (TERN_FROM,
/// TERN_SENDER, TERN_TEXT), never pasted into the command line.
public struct NotificationConfiguration: Sendable, Hashable {
    /// How much a conversation rings: every message, only those that name us or a keyword, or
    /// none.
    public enum Level: String, Sendable, Hashable, CaseIterable {
        case all, mentions, none
    }

    public var bell = true
    public var command: String?
    public var rooms = Level.mentions
    public var chats = Level.all
    /// Words that highlight a message (as whole words, case-insensitively), like our name.
    public var keywords: [String] = []
    /// Levels of some conversations, by JID as written in `JID.description` (a bare JID, or
    /// `room@service/nick` for a private chat through a room).
    public var levels: [String: Level] = [:]

    public init() {}

    init(reader: ConfigReader) throws(ConfigError) {
        try reader.rejectUnknownKeys(allowed: ["bell", "command", "rooms", "chats", "keywords", "levels"])
        bell = try reader.bool("bell") ?? bell
        command = try reader.string("command")
        rooms = try Self.level("rooms", reader) ?? rooms
        chats = try Self.level("chats", reader) ?? chats
        keywords = try reader.strings("keywords") ?? []
        if keywords.contains(where: { $0.trimmingCharacters(in: .whitespaces).isEmpty }) {
            throw reader.error("keywords", "a keyword cannot be empty")
        }
        if let table = try reader.table("levels") {
            for key in table.table.keys.sorted() {
                guard let jid = JID(parsing: key) else { throw table.error(key, "\"\(key)\" is not a JID") }
                levels[jid.description] = try Self.level(key, table)
            }
        }
    }

    private static func level(_ key: String, _ reader: ConfigReader) throws(ConfigError) -> Level? {
        try reader.choice(key, of: Level.allCases.map(\.rawValue)).flatMap(Level.init(rawValue:))
    }
}
