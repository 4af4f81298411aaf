import XMPPCore

/// A message the user has not seen, for the bell and the notify command.
public struct Notification: Sendable, Hashable {
    /// The account's name (its table in config.toml).
    public var account: String
    public var conversation: JID
    /// The contact's name as shown.
    public var sender: String
    public var text: String

    public init(account: String, conversation: JID, sender: String, text: String) {
        self.account = account
        self.conversation = conversation
        self.sender = sender
        self.text = text
    }
}
