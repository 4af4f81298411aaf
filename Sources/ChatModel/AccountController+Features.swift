import XMPPCore
import XMPPExtensions

/// What several features and the model ask of the account's roster.
extension AccountController {
    /// The roster (empty without the roster feature).
    public var roster: [JID: RosterItem] { feature(RosterFeature.self)?.items ?? [:] }

    /// Someone in the roster, or our own account. Receipts, markers and chat states go only to
    /// them: to a stranger they would confirm that the account is read, and when.
    public func isContact(_ jid: JID) -> Bool {
        jid.bare == self.jid || feature(RosterFeature.self)?.items[jid.bare] != nil
    }

    /// The name to show for a contact: roster name, else the JID.
    public func displayName(_ contact: JID) -> String {
        feature(RosterFeature.self)?.items[contact.bare]?.name ?? contact.bare.description
    }

    /// An archive catch-up is running.
    public var isCatchingUp: Bool { feature(ArchiveFeature.self)?.isCatchingUp ?? false }
}
