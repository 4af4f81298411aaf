import ChatStore
import XMPPCore
import XMPPExtensions

/// What changed in an account, for the windows and panes that show it.
public enum AccountEvent: Sendable, Hashable {
    case statusChanged(ConnectionStatus)
    case rosterChanged
    case presenceChanged(JID)
    /// A message was stored (or an existing one changed: correction, delivery state, error).
    case messageStored(conversation: JID, messageID: Int64, isNew: Bool, outgoing: Bool)
    case subscriptionRequest(JID)
    case chatStateChanged(JID, ChatState?)
    case log(LogEntry)
}
