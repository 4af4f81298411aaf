import ChatStore
import XMPPCore
import XMPPExtensions

/// What changed in an account, for the windows and panes that show it.
public enum AccountEvent: Sendable, Hashable {
    case statusChanged(ConnectionStatus)
    case rosterChanged
    case presenceChanged(JID)
    /// A message was stored (or an existing one changed: correction, delivery state, error).
    /// `markable` is the id to acknowledge with a displayed marker once the user has seen it.
    case messageStored(conversation: JID, messageID: Int64, isNew: Bool, outgoing: Bool, markable: String?)
    /// A page of archived messages was stored: new message ids by conversation. `older`: the page
    /// extends the history backward (never new messages).
    case archiveStored([JID: [Int64]], older: Bool)
    /// Another of our clients displayed this conversation.
    case readElsewhere(JID)
    case blockListChanged
    case subscriptionRequest(JID)
    case chatStateChanged(JID, ChatState?)
    case log(LogEntry)
}
