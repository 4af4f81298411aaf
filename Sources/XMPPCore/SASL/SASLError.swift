/// SASL failure conditions, RFC 6120 §6.5.
public enum SASLFailureCondition: String, Sendable, Hashable, CaseIterable {
    case aborted
    case accountDisabled = "account-disabled"
    case credentialsExpired = "credentials-expired"
    case encryptionRequired = "encryption-required"
    case incorrectEncoding = "incorrect-encoding"
    case invalidAuthzid = "invalid-authzid"
    case invalidMechanism = "invalid-mechanism"
    case malformedRequest = "malformed-request"
    case mechanismTooWeak = "mechanism-too-weak"
    case notAuthorized = "not-authorized"
    case temporaryAuthFailure = "temporary-auth-failure"
}

/// Why authentication did not succeed.
public enum SASLError: Error, Sendable, Hashable {
    /// The server answered `<failure/>`.
    case failure(condition: SASLFailureCondition?, text: String?)
    case malformedChallenge(String)
    case nonceMismatch
    /// The server asked for an iteration count outside 4096...`maximum` (the account's ceiling).
    case iterationCountOutOfRange(String, maximum: Int)
    case serverSignatureMismatch
    case serverSignatureMissing
    case serverRejected(String)
    /// None of the offered mechanisms is acceptable (PLAIN is refused when SCRAM is offered).
    case noAcceptableMechanism(offered: [String])
    /// The server offers channel binding but refused every type this TLS session allows; Tern
    /// does not fall back to authenticating without it.
    case channelBindingRefused(types: [ChannelBindingType], text: String?)
    /// The best mechanism offered now is weaker than `pinned`, which worked for this account
    /// before (mechanism pinning): someone between Tern and the server may have removed the
    /// stronger ones.
    case downgradeRefused(pinned: String, offered: [String])
}

extension SASLError {
    /// Whether a `<failure/>` blames the channel binding (ejabberd: "Invalid channel binding").
    var blamesChannelBinding: Bool {
        guard case .failure(let condition, let text) = self,
            condition == nil || condition == .notAuthorized || condition == .malformedRequest
        else { return false }
        return text?.lowercased().contains("binding") == true
    }
}

extension SASLError: CustomStringConvertible {
    public var description: String {
        switch self {
        case .failure(let condition, let text):
            var result: String
            switch condition {
            case .notAuthorized: result = "wrong user name or password (not-authorized)"
            case .accountDisabled: result = "the account is disabled (account-disabled)"
            case .credentialsExpired: result = "the password has expired (credentials-expired)"
            case .temporaryAuthFailure: result = "the server could not check the password now (temporary-auth-failure)"
            case .encryptionRequired: result = "the server requires encryption for this mechanism (encryption-required)"
            case .mechanismTooWeak: result = "the server considers the mechanism too weak (mechanism-too-weak)"
            case .some(let other): result = "authentication failed (\(other.rawValue))"
            case nil: result = "authentication failed"
            }
            if let text, !text.isEmpty { result += ": \(text)" }
            return result
        case .malformedChallenge(let detail): return "authentication failed: \(detail)"
        case .nonceMismatch: return "authentication failed: the server's SCRAM nonce does not extend ours"
        case .iterationCountOutOfRange(let count, let maximum):
            return
                "authentication refused: the server asked for \(count) SCRAM iterations (accepted: 4096 to \(maximum);"
                + " scram_max_iterations in the account's configuration raises the ceiling)"
        case .serverSignatureMismatch:
            return "authentication failed: the server could not prove it knows the password (wrong server signature)"
        case .serverSignatureMissing: return "authentication failed: the server did not send its SCRAM signature"
        case .serverRejected(let error): return "authentication failed: the server rejected the SCRAM proof (\(error))"
        case .noAcceptableMechanism(let offered):
            let list = offered.isEmpty ? "none" : offered.joined(separator: ", ")
            return "no acceptable authentication mechanism (the server offers: \(list))"
        case .channelBindingRefused(let types, let text):
            let list = types.map(\.rawValue).joined(separator: ", ")
            return "the server refused every TLS channel binding this connection allows (\(list))"
                + (text.map { ": \($0)" } ?? "")
                + "; Tern does not log in without channel binding when the server offers it"
        case .downgradeRefused(let pinned, let offered):
            let list = offered.isEmpty ? "none" : offered.joined(separator: ", ")
            return "authentication refused: this account logged in with \(pinned) before, and the server now offers"
                + " only weaker mechanisms (\(list)); someone may be tampering with the connection."
                + " If the server was changed on purpose, set allow_mechanism_downgrade = true for the account"
        }
    }
}
