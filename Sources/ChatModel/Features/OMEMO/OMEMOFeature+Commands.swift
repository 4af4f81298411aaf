import XMPPCore
import XMPPExtensions

extension OMEMOFeature {
    public static var commands: [CommandSpec] {
        let contact = ArgumentSpec("jid", optional: true, completion: .contact)
        return [
            CommandSpec(
                "omemo",
                summary: "end-to-end encryption (OMEMO): turn it on or off for a chat, see and trust devices",
                help: """
                    /omemo alone says whether the current chat is encrypted. Once on, a chat stays
                    encrypted until you turn it off: a message that cannot be encrypted to every device
                    you trust is not sent, and you are told why. A contact's new devices are trusted
                    blindly until you verify one of their devices (compare the fingerprint with the one
                    their client shows, then /omemo trust); in strict mode only verified devices get
                    your messages.
                    """,
                subcommands: [
                    CommandSpec("on", arguments: [contact], summary: "encrypt this chat from now on") {
                        context throws(CommandError) in
                        let (jid, omemo) = try target(context)
                        try omemo.checkCanTurnOn(jid)
                        omemo.set(jid, on: true)
                        context.model.addNotice("OMEMO is on for \(jid): messages are encrypted from now on")
                    },
                    CommandSpec("off", arguments: [contact], summary: "send this chat in plaintext from now on") {
                        context throws(CommandError) in
                        let (jid, omemo) = try target(context)
                        omemo.set(jid, on: false)
                        context.model.addNotice("OMEMO is off for \(jid): messages go in plaintext from now on")
                    },
                    CommandSpec(
                        "status", arguments: [contact], summary: "whether a chat is encrypted, and to which devices"
                    ) {
                        context throws(CommandError) in
                        let (jid, omemo) = try target(context)
                        for line in omemo.status(of: jid) { context.model.addNotice(line) }
                    },
                    CommandSpec(
                        "fingerprint", arguments: [contact],
                        summary: "this device's fingerprint, or a contact's devices' fingerprints"
                    ) { context throws(CommandError) in
                        let account = try context.account()
                        let omemo = try account.required(OMEMOFeature.self)
                        guard let text = context.argument("jid") else {
                            for line in omemo.ownFingerprints() { context.model.addNotice(line) }
                            return
                        }
                        let jid = try context.contact(text, on: account)
                        for line in omemo.deviceLines(of: jid) { context.model.addNotice(line) }
                    },
                    CommandSpec("devices", arguments: [contact], summary: "a contact's devices with their trust") {
                        context throws(CommandError) in
                        let (jid, omemo) = try target(context)
                        omemo.fetchDeviceLists(of: jid)
                        for line in omemo.deviceLines(of: jid) { context.model.addNotice(line) }
                    },
                    trustCommand("trust", .verified, summary: "trust a device after comparing its fingerprint"),
                    trustCommand("untrust", .untrusted, summary: "never encrypt to a device; mark its messages"),
                    CommandSpec(
                        "clear-device", arguments: [ArgumentSpec("device"), contact],
                        summary: "forget a device and its session (it starts a new one when it is still used)"
                    ) { context throws(CommandError) in
                        let (jid, omemo) = try target(context)
                        let device = try omemo.device(context.required("device"), of: jid)
                        try omemo.forget(device, of: jid)
                        context.model.addNotice("forgot \(jid)'s OMEMO device \(device)")
                    },
                    CommandSpec(
                        "strict", arguments: [ArgumentSpec("on|off", completion: .choice(["on", "off"]))],
                        summary: "encrypt only to devices you verified (on), or trust new ones blindly (off)"
                    ) { context throws(CommandError) in
                        let omemo = try context.account().required(OMEMOFeature.self)
                        switch context.required("on|off").lowercased() {
                        case "on": try omemo.setStrict(true)
                        case "off": try omemo.setStrict(false)
                        case let other: throw .usage("\"\(other)\" is neither on nor off")
                        }
                        context.model.addNotice(
                            omemo.strict
                                ? "OMEMO strict mode: only devices you verified get your messages"
                                : "OMEMO strict mode off: new devices are trusted until you verify one of a contact's")
                    },
                ],
                alone: { context throws(CommandError) in
                    let (jid, omemo) = try target(context)
                    for line in omemo.status(of: jid) { context.model.addNotice(line) }
                })
        ]
    }

    private static func trustCommand(_ name: String, _ trust: OMEMOTrust, summary: String) -> CommandSpec {
        CommandSpec(
            name,
            arguments: [ArgumentSpec("device|fingerprint [jid]", rest: true)],
            summary: summary
        ) { context throws(CommandError) in
            // A fingerprint is pasted with its spaces; a last word with an @ names the contact.
            var words = context.required("device|fingerprint [jid]").split(separator: " ").map(String.init)
            let named = words.count > 1 && words.last?.contains("@") == true ? words.removeLast() : nil
            let (contact, account) = try context.targetContact(named)
            let (jid, omemo) = (contact.bare, try account.required(OMEMOFeature.self))
            let device = try omemo.device(words.joined(separator: " "), of: jid)
            try omemo.setTrust(trust, of: jid, device: device)
            context.model.addNotice(
                "\(jid)'s OMEMO device \(device) is now \(trust == .verified ? "verified" : "untrusted")")
        }
    }

    /// The chat a subcommand names (`jid`), else the current chat's, with its account's feature.
    static func target(_ context: CommandContext) throws(CommandError) -> (JID, OMEMOFeature) {
        let (jid, account) = try context.targetContact(context.argument("jid"))
        return (jid.bare, try account.required(OMEMOFeature.self))
    }
}
