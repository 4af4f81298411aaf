import XMPPCore

/// What changed in an account, for the windows and panes that show it. What the account's
/// features report comes as `.feature`, with its own effect on the model.
public enum AccountEvent: Sendable {
    case statusChanged(ConnectionStatus)
    /// A message was stored (or an existing one changed: correction, delivery state, error).
    /// `markable` is the id to acknowledge with a displayed marker once the user has seen it.
    case messageStored(conversation: JID, messageID: Int64, isNew: Bool, outgoing: Bool, markable: String?)
    /// A page of archived messages was stored: new message ids by conversation. `older`: the page
    /// extends the history backward (never new messages).
    case archiveStored([JID: [Int64]], older: Bool)
    case feature(any FeatureEvent)
    case log(LogEntry)
}
