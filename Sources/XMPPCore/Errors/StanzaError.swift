/// Stanza error conditions, RFC 6120 §8.3.3.
public enum StanzaErrorCondition: String, Sendable, Hashable, CaseIterable {
    case badRequest = "bad-request"
    case conflict
    case featureNotImplemented = "feature-not-implemented"
    case forbidden
    case gone
    case internalServerError = "internal-server-error"
    case itemNotFound = "item-not-found"
    case jidMalformed = "jid-malformed"
    case notAcceptable = "not-acceptable"
    case notAllowed = "not-allowed"
    case notAuthorized = "not-authorized"
    case policyViolation = "policy-violation"
    case recipientUnavailable = "recipient-unavailable"
    case redirect
    case registrationRequired = "registration-required"
    case remoteServerNotFound = "remote-server-not-found"
    case remoteServerTimeout = "remote-server-timeout"
    case resourceConstraint = "resource-constraint"
    case serviceUnavailable = "service-unavailable"
    case subscriptionRequired = "subscription-required"
    case undefinedCondition = "undefined-condition"
    case unexpectedRequest = "unexpected-request"

    /// The error type RFC 6120 §8.3.3 suggests for the condition.
    public var defaultType: StanzaErrorType {
        switch self {
        case .badRequest, .jidMalformed, .notAcceptable, .policyViolation, .redirect: .modify
        case .conflict, .featureNotImplemented, .gone, .internalServerError, .itemNotFound, .notAllowed,
            .remoteServerNotFound, .serviceUnavailable, .undefinedCondition:
            .cancel
        case .forbidden, .notAuthorized, .registrationRequired, .subscriptionRequired: .auth
        case .recipientUnavailable, .remoteServerTimeout, .resourceConstraint, .unexpectedRequest: .wait
        }
    }
}

public enum StanzaErrorType: String, Sendable, Hashable, CaseIterable {
    case auth, cancel, `continue`, modify, wait
}

/// An `<error/>` inside a stanza of type `error`.
public struct StanzaError: Error, Sendable, Hashable {
    public var type: StanzaErrorType
    public var condition: StanzaErrorCondition
    public var text: String?
    /// RFC 6120 §8.4: an application-specific condition, the `<error/>` child in another
    /// namespace (XEP-0060's `<precondition-not-met/>`, for one).
    public var applicationCondition: XMLElement?

    public init(
        _ condition: StanzaErrorCondition, type: StanzaErrorType? = nil, text: String? = nil,
        applicationCondition: XMLElement? = nil
    ) {
        self.condition = condition
        self.type = type ?? condition.defaultType
        self.text = text
        self.applicationCondition = applicationCondition
    }

    /// Reads the `<error/>` child of a stanza; `nil` when there is none.
    public init?(stanza: XMLElement) {
        guard let error = stanza.child("error") else { return nil }
        var condition = StanzaErrorCondition.undefinedCondition
        var text: String?
        var application: XMLElement?
        for child in error.elements {
            if child.namespace != Namespace.stanzaErrors {
                application = application ?? child
            } else if child.name == "text" {
                text = child.text
            } else if let known = StanzaErrorCondition(rawValue: child.name) {
                condition = known
            }
        }
        self.init(
            condition, type: error[attribute: "type"].flatMap(StanzaErrorType.init(rawValue:)), text: text,
            applicationCondition: application)
    }

    public var element: XMLElement {
        var error = XMLElement("error", ["type": type.rawValue])
        error.append(XMLElement(condition.rawValue, namespace: Namespace.stanzaErrors))
        if let text {
            error.append(XMLElement("text", namespace: Namespace.stanzaErrors, ["xml:lang": "en"], text: text))
        }
        if let applicationCondition { error.append(applicationCondition) }
        return error
    }
}

extension StanzaError: CustomStringConvertible {
    public var description: String {
        if let text, !text.isEmpty { return "\(condition.rawValue): \(text)" }
        return condition.rawValue
    }
}
