import TestSupport
import Testing
import XMPPCore

/// The error conditions' wire strings against the RFC's own lists, read and written back.
@Suite struct ErrorConditionTests {
    /// RFC 6120 §8.3.3, in its order, with the error type each subsection says the condition SHOULD
    /// carry (the first where it names two; `undefined-condition` allows any).
    static let stanzaConditions: [(String, StanzaErrorType)] = [
        ("bad-request", .modify), ("conflict", .cancel), ("feature-not-implemented", .cancel), ("forbidden", .auth),
        ("gone", .cancel), ("internal-server-error", .cancel), ("item-not-found", .cancel),
        ("jid-malformed", .modify), ("not-acceptable", .modify), ("not-allowed", .cancel),
        ("not-authorized", .auth), ("policy-violation", .modify), ("recipient-unavailable", .wait),
        ("redirect", .modify), ("registration-required", .auth), ("remote-server-not-found", .cancel),
        ("remote-server-timeout", .wait), ("resource-constraint", .wait), ("service-unavailable", .cancel),
        ("subscription-required", .auth), ("undefined-condition", .cancel), ("unexpected-request", .wait),
    ]

    /// RFC 6120 §4.9.3.1-§4.9.3.25.
    static let streamConditions = [
        "bad-format", "bad-namespace-prefix", "conflict", "connection-timeout", "host-gone", "host-unknown",
        "improper-addressing", "internal-server-error", "invalid-from", "invalid-namespace", "invalid-xml",
        "not-authorized", "not-well-formed", "policy-violation", "remote-connection-failed", "reset",
        "resource-constraint", "restricted-xml", "see-other-host", "system-shutdown", "undefined-condition",
        "unsupported-encoding", "unsupported-feature", "unsupported-stanza-type", "unsupported-version",
    ]

    /// RFC 6120 §6.5.1-§6.5.11.
    static let saslConditions = [
        "aborted", "account-disabled", "credentials-expired", "encryption-required", "incorrect-encoding",
        "invalid-authzid", "invalid-mechanism", "malformed-request", "mechanism-too-weak", "not-authorized",
        "temporary-auth-failure",
    ]

    @Test func everyConditionIsSpelledAsInTheRFC() {
        #expect(StanzaErrorCondition.allCases.map(\.rawValue) == Self.stanzaConditions.map(\.0))
        #expect(StreamErrorCondition.allCases.map(\.rawValue) == Self.streamConditions)
        #expect(SASLFailureCondition.allCases.map(\.rawValue) == Self.saslConditions)
        #expect(StanzaErrorType.allCases.map(\.rawValue) == ["auth", "cancel", "continue", "modify", "wait"])
    }

    @Test(arguments: stanzaConditions)
    func aStanzaErrorCarriesTheTypeTheRFCNames(name: String, type: StanzaErrorType) throws {
        let condition = try #require(StanzaErrorCondition(rawValue: name))
        #expect(condition.defaultType == type)
        #expect(StanzaError(condition).type == type)
    }

    @Test(arguments: StanzaErrorCondition.allCases)
    func aStanzaErrorRoundTripsThroughTheWire(condition: StanzaErrorCondition) throws {
        let request = try #require(XMLElement.parse("<iq type='set' id='e1' from='romeo@example.net/orchard'/>"))
        let error = StanzaError(condition, text: "why: <\(condition.rawValue)> & more")
        let wire = request.errorReply(error).serialized(parentNamespace: Namespace.client)
        #expect(wire.contains("<\(condition.rawValue) xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/>"))
        let parsed = try #require(XMLElement.parse(wire))
        #expect(StanzaError(stanza: parsed) == error)
    }

    @Test(arguments: StreamErrorCondition.allCases)
    func aStreamErrorRoundTripsThroughTheWire(condition: StreamErrorCondition) throws {
        let error = StreamError(
            condition: condition, text: "see <the> log",
            otherHost: condition == .seeOtherHost ? "[2001:db8::1]:5222" : nil)
        let parsed = try #require(XMLElement.parse(error.element.serialized()))
        #expect(StreamError(element: parsed) == error)
    }

    /// RFC 6120 §8.3.3.5's example: the new address of a `gone` entity, in its type.
    @Test func theGoneExampleOfTheRFC() throws {
        let stanza = try #require(
            XMLElement.parse(
                "<message from='romeo@example.net' id='sj2b371v' to='juliet@im.example.com/churchyard' type='error'>"
                    + "<error by='example.net' type='cancel'><gone xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'>"
                    + "xmpp:romeo@afterlife.example.net</gone></error></message>"))
        let error = try #require(StanzaError(stanza: stanza))
        #expect(error == StanzaError(.gone, type: .cancel))
        #expect(error.description == "gone")
    }

    @Test func aConditionOutsideTheListIsUndefinedAndAMissingTypeIsTheDefault() throws {
        let unknown = try #require(
            XMLElement.parse(
                "<iq type='error' id='x'><error type='bogus'><payment-required xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/>"
                    + "</error></iq>"))
        #expect(StanzaError(stanza: unknown) == StanzaError(.undefinedCondition, type: .cancel))
        let untyped = try #require(
            XMLElement.parse(
                "<iq type='error' id='x'><error><not-authorized xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/>"
                    + "<text xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'>log in first</text></error></iq>"))
        let error = try #require(StanzaError(stanza: untyped))
        #expect(error.type == .auth)
        #expect(error.description == "not-authorized: log in first")
        #expect(StanzaError(stanza: try #require(XMLElement.parse("<iq type='error' id='x'/>"))) == nil)
    }

    @Test func aConditionInAnotherNamespaceIsNotTakenForADefinedOne() throws {
        let stanza = try #require(
            XMLElement.parse(
                "<iq type='error' id='x'><error type='cancel'><forbidden xmlns='urn:example:app'/>"
                    + "<item-not-found xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></iq>"))
        let error = try #require(StanzaError(stanza: stanza))
        #expect(error.condition == .itemNotFound)
        #expect(error.applicationCondition?.namespace == "urn:example:app")
    }

    @Test func errorRepliesKeepTheStanzaKindAndAddressTheSender() throws {
        let message = try #require(
            XMLElement.parse("<message from='romeo@example.net/orchard' to='juliet@example.org/tern' id='m1'/>"))
        let reply = message.errorReply(StanzaError(.recipientUnavailable))
        #expect(
            reply.matches(
                "<message type='error' id='m1' to='romeo@example.net/orchard'><error type='wait'>"
                    + "<recipient-unavailable xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></message>"))
        let anonymous = try #require(XMLElement.parse("<presence/>")).errorReply(StanzaError(.forbidden))
        #expect(anonymous[attribute: "to"] == nil && anonymous.id == nil)
    }

    /// RFC 6120 §4.9.4's example: an application-specific condition beside the defined one.
    @Test func aStreamErrorWithAnApplicationConditionKeepsTheDefinedOne() throws {
        let error = try #require(
            XMLElement.parse(
                "<stream:error><not-well-formed xmlns='urn:ietf:params:xml:ns:xmpp-streams'/>"
                    + "<text xml:lang='en' xmlns='urn:ietf:params:xml:ns:xmpp-streams'>"
                    + "Some special application diagnostic information!</text>"
                    + "<escape-your-data xmlns='http://example.org/ns'/></stream:error>"))
        #expect(
            StreamError(element: error)
                == StreamError(condition: .notWellFormed, text: "Some special application diagnostic information!"))
        let unknown = try #require(
            XMLElement.parse(
                "<stream:error><xml-not-well-formed xmlns='urn:ietf:params:xml:ns:xmpp-streams'/></stream:error>"))
        #expect(StreamError(element: unknown).condition == .undefinedCondition)
    }

    @Test func onlySeeOtherHostNamesAHost() throws {
        let error = try #require(
            XMLElement.parse(
                "<stream:error><host-gone xmlns='urn:ietf:params:xml:ns:xmpp-streams'>elsewhere.example</host-gone>"
                    + "</stream:error>"))
        #expect(StreamError(element: error) == StreamError(condition: .hostGone))
        #expect(
            StreamError(condition: .seeOtherHost, text: "moving", otherHost: "[2001:db8::1]:9222").description
                == "stream error see-other-host ([2001:db8::1]:9222): moving")
    }

    /// RFC 6120 §4.9.3: what the parser's refusals are called on the wire.
    @Test func parserFailuresMapToTheirStreamConditions() {
        let mapping: [(XMLStreamParseError, StreamErrorCondition)] = [
            (.notWellFormed("x"), .notWellFormed), (.restrictedXML("a comment"), .restrictedXML),
            (.stanzaTooLarge(limit: 10), .policyViolation), (.unsupportedEncoding("UTF-16"), .unsupportedEncoding),
            (.invalidNamespace("root"), .invalidNamespace), (.badNamespacePrefix("foo"), .badNamespacePrefix),
        ]
        for (error, condition) in mapping { #expect(error.streamErrorCondition == condition) }
        #expect(
            XMLStreamParseError.stanzaTooLarge(limit: 65536).description
                == "the server sent a stanza larger than the 65536-byte limit")
    }

    @Test func onlyPolicyAndCredentialFailuresAreFinal() {
        let final: Set<StreamErrorCondition> = [
            .notAuthorized, .hostUnknown, .invalidNamespace, .unsupportedVersion, .policyViolation,
        ]
        for condition in StreamErrorCondition.allCases {
            let error = SessionError.streamError(StreamError(condition: condition))
            #expect(error.isRetryable == !final.contains(condition), "\(condition)")
        }
        #expect(SessionError.authentication(.failure(condition: .temporaryAuthFailure, text: nil)).isRetryable)
        #expect(!SessionError.authentication(.failure(condition: .accountDisabled, text: nil)).isRetryable)
        #expect(!SessionError.authentication(.serverSignatureMismatch).isRetryable)
        #expect(!SessionError.bindFailed(nil).isRetryable)
        #expect(SessionError.pingTimeout.isRetryable && SessionError.timeout("binding").isRetryable)
    }

    @Test func saslFailuresAreExplainedWithTheirCondition() {
        let cases: [(SASLFailureCondition?, String)] = [
            (.accountDisabled, "the account is disabled (account-disabled)"),
            (.credentialsExpired, "the password has expired (credentials-expired)"),
            (.encryptionRequired, "the server requires encryption for this mechanism (encryption-required)"),
            (.invalidAuthzid, "authentication failed (invalid-authzid)"),
            (nil, "authentication failed"),
        ]
        for (condition, expected) in cases {
            #expect(SASLError.failure(condition: condition, text: nil).description == expected)
        }
        #expect(
            SASLError.failure(condition: .aborted, text: "bye").description == "authentication failed (aborted): bye")
    }
}
