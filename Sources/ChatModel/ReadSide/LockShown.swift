/// How an end-to-end encrypted message is marked in the chat pane: the lock, coloured by how far
/// the user trusts the device that sent it.
public enum LockShown: Sendable, Hashable {
    /// Sent encrypted by us.
    case sent
    /// From a device the user verified.
    case verified
    /// From a device trusted blindly (not verified yet).
    case blindTrust
    /// From a device the user distrusts, or has not decided on in strict mode.
    case untrusted

    /// The mark for a stored message's encryption (`OMEMO 2; verified`, as OMEMOFeature records it).
    init?(_ encryption: String?) {
        guard let encryption else { return nil }
        switch encryption.split(separator: ";").last?.trimmingCharacters(in: .whitespaces) {
        case "verified": self = .verified
        case "blind": self = .blindTrust
        case "untrusted", "undecided": self = .untrusted
        default: self = .sent
        }
    }
}

extension AppModel {
    /// Whether a chat is end-to-end encrypted now (OMEMO on): the title line shows a lock.
    public func isEncrypted(_ key: ConversationKey) -> Bool {
        account(of: key)?.feature(OMEMOFeature.self)?.isOn(for: key.jid) == true
    }
}
