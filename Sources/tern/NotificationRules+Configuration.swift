import ChatModel
import TernConfig

extension NotificationRules {
    /// config.toml's `[notifications]` levels and keywords.
    init(_ configuration: NotificationConfiguration) {
        func level(_ level: NotificationConfiguration.Level) -> NotificationLevel {
            NotificationLevel(rawValue: level.rawValue) ?? .all
        }
        self.init()
        rooms = level(configuration.rooms)
        chats = level(configuration.chats)
        levels = configuration.levels.mapValues(level)
        keywords = configuration.keywords
    }
}
