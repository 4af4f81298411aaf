import XMPPCore

/// A message the user has not seen, for the bell and the notify command.
public struct Notification: Sendable, Hashable {
    public var conversation: JID
    /// The contact's name as shown.
    public var sender: String
    public var text: String
}
