import ChatStore
import XMPPCore
import XMPPExtensions

/// Blocking, service discovery and software version, muting, client state.
extension AccountController {
    // MARK: Blocking (XEP-0191)

    /// Blocks `contact`, reporting it to the server's operator as spam or abuse when `report` is
    /// given (XEP-0377); a request it made is dropped.
    public func block(_ contact: JID, report: BlockingManager.Report? = nil) {
        guard let session else {
            log(.warning, "not connected: cannot block \(contact)")
            return
        }
        blocking.block([contact], report: report, in: session) { [weak self] result in
            guard let self else { return }
            switch result {
            case .success:
                if subscriptionRequests.remove(contact.bare) != nil { onEvent(.rosterChanged) }
                if let report {
                    log(.info, "blocked \(contact) and reported it as \(report == .spam ? "spam" : "abuse")")
                }
            case .failure(let error):
                log(.error, "could not block \(contact): \(error)")
            }
        }
    }

    public func unblock(_ contact: JID) {
        guard let session else {
            log(.warning, "not connected: cannot unblock \(contact)")
            return
        }
        blocking.unblock([contact], in: session) { [weak self] result in
            if case .failure(let error) = result { self?.log(.error, "could not unblock \(contact): \(error)") }
        }
    }

    // MARK: Information (XEP-0030, XEP-0092)

    /// What an entity says about itself: identities, features, and its software for a client.
    public func information(about entity: JID, completion: @escaping ([String]) -> Void) {
        guard let session else {
            completion(["not connected"])
            return
        }
        // A contact's bare JID is answered by the server; ask its best resource instead.
        var target = entity
        if entity.isBare, entity.localpart != nil, let best = presenceManager.best(for: entity), !best.resource.isEmpty
        {
            target = (try? entity.with(resource: best.resource)) ?? entity
        }
        disco.info(target, in: session) { [weak self] result in
            guard let self else { return }
            var lines: [String] = []
            switch result {
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
            guard let session = self.session, target.resourcepart != nil || target.localpart == nil else {
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

    // MARK: Muting

    public func setMuted(_ muted: Bool, _ contact: JID) {
        do {
            try store.setMuted(muted, contact: contact, account: accountID)
            if muted {
                self.muted.insert(contact.bare.description)
            } else {
                self.muted.remove(contact.bare.description)
            }
        } catch {
            log(.error, "could not save the setting: \(error)")
        }
    }

    // MARK: Client state (XEP-0352)

    /// The user is (not) looking: lets the server hold back unimportant traffic.
    public func setUserActive(_ active: Bool) {
        clientState.setActive(active, in: session)
    }
}
