import XMPPCore

/// Contacts whose notifications are off (kept in the store): `/mute`, `/unmute`. A feature with no
/// session extension: it only decides what the model tells the user.
public final class MutingFeature: AccountFeature {
    public static let name = "muting"
    /// Bare JIDs, as text.
    public private(set) var muted: Set<String> = []
    unowned let account: AccountController

    public init(account: AccountController) throws(FeatureError) {
        self.account = account
        muted = (try? account.store.mutedContacts(account: account.accountID)) ?? []
    }

    public func setMuted(_ muted: Bool, _ contact: JID) {
        do {
            try account.store.setMuted(muted, contact: contact, account: account.accountID)
            if muted {
                self.muted.insert(contact.bare.description)
            } else {
                self.muted.remove(contact.bare.description)
            }
        } catch {
            account.log(.error, "could not save the setting: \(error)")
        }
    }

    public static var commands: [CommandSpec] {
        [
            CommandSpec(
                "mute", arguments: [ArgumentSpec("jid", optional: true, completion: .contact)],
                summary: "no notifications for a contact (default: this chat)"
            ) { context throws(CommandError) in
                let (contact, account) = try context.targetContact(context.argument("jid"))
                try account.required(MutingFeature.self).setMuted(true, contact)
                context.model.addNotice("\(contact) is muted")
            },
            CommandSpec(
                "unmute", arguments: [ArgumentSpec("jid", optional: true, completion: .contact)],
                summary: "notifications for a contact again"
            ) { context throws(CommandError) in
                let (contact, account) = try context.targetContact(context.argument("jid"))
                try account.required(MutingFeature.self).setMuted(false, contact)
                context.model.addNotice("\(contact) is no longer muted")
            },
        ]
    }
}
