import XMPPCore
import XMPPExtensions

/// Service discovery (XEP-0030) both ways, software version (XEP-0092) and ping answers
/// (XEP-0199); `/info`.
public final class DiscoFeature: AccountFeature {
    public static let name = "disco"
    public let client = DiscoClient()
    public let responder = DiscoInfoResponder()
    let version = SoftwareVersion(version: TernVersion.current)
    let ping = PingResponder()
    unowned let account: AccountController

    public init(account: AccountController) throws(FeatureError) {
        self.account = account
    }

    public var extensions: [any SessionExtension] { [client, ping, responder, version] }

    /// What an entity says about itself: identities, features, and its software for a client.
    public func information(about entity: JID, completion: @escaping ([String]) -> Void) {
        guard let session = account.session else {
            completion(["not connected"])
            return
        }
        // A contact's bare JID is answered by the server; ask its best resource instead.
        var target = entity
        if entity.isBare, entity.localpart != nil,
            let best = account.feature(PresenceFeature.self)?.manager.best(for: entity), !best.resource.isEmpty
        {
            target = (try? entity.with(resource: best.resource)) ?? entity
        }
        // Asked by the user: a fresh answer (a room's occupants and subject change).
        client.info(target, fresh: true, in: session) { [weak self] result in
            guard let self else { return }
            var lines: [String] = []
            switch result {
            case .success(let info) where target.resourcepart == nil && MUCRoomInfo(info) != nil:
                lines.append("\(target) is a room:")
                lines += MUCRoomInfo(info)?.summary ?? []
            case .success(let info):
                lines.append("\(target):")
                for identity in info.identities {
                    lines.append(
                        "  identity: \(identity.category)/\(identity.type)" + (identity.name.map { " “\($0)”" } ?? ""))
                }
                lines.append("  features: " + info.features.sorted().joined(separator: ", "))
            case .failure(let failure):
                lines.append("\(target): no service discovery answer (\(failure))")
            }
            guard let session = self.account.session, target.resourcepart != nil || target.localpart == nil else {
                completion(lines)
                return
            }
            SoftwareVersion.query(target, in: session) { version in
                if case .success(let (name, number, os)) = version {
                    lines.append("  software: \(name) \(number)" + (os.map { " on \($0)" } ?? ""))
                }
                completion(lines)
            }
        }
    }

    public static var commands: [CommandSpec] {
        [
            CommandSpec(
                "info", arguments: [ArgumentSpec("jid", optional: true, completion: .contact)],
                summary: "what a contact, room or server supports, and its software (default: this chat)"
            ) { context throws(CommandError) in
                let model = context.model
                let target: JID
                let account: AccountController
                if let text = context.argument("jid") {
                    account = try context.account(for: text)
                    guard let jid = model.resolveContact(text, on: account) ?? JID(parsing: text) else {
                        throw .usage("\"\(text)\" is not a JID")
                    }
                    target = jid
                } else {
                    guard let key = model.currentWindow.conversation else { throw .usage("which JID?") }
                    account = try context.account()
                    target = key.jid
                }
                let window = model.currentWindow
                try account.required(DiscoFeature.self).information(about: target) { [weak model, weak window] lines in
                    for line in lines { model?.addNotice(line, window: window) }
                }
            }
        ]
    }
}
