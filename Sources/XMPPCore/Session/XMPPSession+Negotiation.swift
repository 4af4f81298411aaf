import Foundation

/// Stream negotiation, RFC 6120 §4-§7: header, STARTTLS, SASL, restart, bind.
extension XMPPSession {
    func openStream() {
        streamID = nil
        phase = .awaitingStreamHeader
        phaseDeadline = now + configuration.negotiationTimeout
        var header = "<?xml version='1.0'?><stream:stream xmlns='jabber:client' xmlns:stream='\(Namespace.streams)'"
        header += " to='\(XMLEscaping.escapedAttribute(configuration.jid.domainpart))'"
        if tls != nil {
            // RFC 6120 §4.7.1: include `from` once the stream is encrypted.
            header += " from='\(XMLEscaping.escapedAttribute(configuration.jid.bare.description))'"
        }
        header += " version='1.0' xml:lang='\(XMLEscaping.escapedAttribute(configuration.language))'>"
        actions.append(.write(header))
    }

    func handleStreamHeader(_ attributes: [String: String]) {
        guard phase == .awaitingStreamHeader else {
            fail(.protocolViolation("a second stream header"), sending: StreamError(condition: .invalidXML))
            return
        }
        guard let version = attributes["version"], version.split(separator: ".").first.flatMap({ Int($0) }) == 1 else {
            fail(
                .protocolViolation("the server speaks stream version \(attributes["version"] ?? "0.9"), not 1.0"),
                sending: StreamError(condition: .unsupportedVersion))
            return
        }
        streamID = attributes["id"]
        phase = .awaitingFeatures
    }

    func negotiate(_ element: XMLElement) {
        switch (phase, element.name, element.namespace) {
        case (.awaitingFeatures, "features", Namespace.streams):
            handleFeatures(element)
        case (.awaitingTLSProceed, "proceed", Namespace.tls):
            phase = .tlsHandshake
            actions.append(.resetParser)
            actions.append(.startTLS(serverName: configuration.jid.domainpart))
        case (.awaitingTLSProceed, "failure", Namespace.tls):
            fail(.startTLSRefused)
        case (.authenticating, _, Namespace.sasl):
            handleSASL(element)
        case (.binding, "iq", _), (.startingLegacySession, "iq", _):
            handleBindingResponse(element)
        case (.resuming, _, Namespace.streamManagement):
            guard let previous = configuration.resumption else { return }
            handleResumptionAnswer(element, previous: previous)
        default:
            fail(
                .protocolViolation("unexpected <\(element.name)/> while \(phase)"),
                sending: StreamError(condition: .unsupportedStanzaType))
        }
    }

    private func handleFeatures(_ features: XMLElement) {
        serverFeatures = features
        phaseDeadline = now + configuration.negotiationTimeout
        if tls == nil {
            guard features.child("starttls", namespace: Namespace.tls) != nil else {
                fail(.startTLSNotOffered, sending: StreamError(condition: .policyViolation))
                return
            }
            phase = .awaitingTLSProceed
            write(XMLElement("starttls", namespace: Namespace.tls))
            return
        }
        if !isAuthenticated {
            startAuthentication(features)
            return
        }
        if let previous = configuration.resumption, configuration.streamManagement,
            features.child("sm", namespace: Namespace.streamManagement) != nil
        {
            startResumption(previous)
            return
        }
        guard features.child("bind", namespace: Namespace.bind) != nil else {
            fail(.protocolViolation("the server offers no resource binding"))
            return
        }
        if configuration.resumption != nil {
            emit(.streamManagement(.resumeFailed(acknowledged: nil)))
        }
        bindNewSession()
    }

    func bindNewSession() {
        bind(resource: configuration.resource)
    }

    // MARK: SASL

    private func startAuthentication(_ features: XMLElement) {
        let offered = features.child("mechanisms", namespace: Namespace.sasl)?.children("mechanism").map(\.text) ?? []
        let channelBindings = features.child("sasl-channel-binding", namespace: Namespace.saslChannelBinding)
            .map { list in
                list.children("channel-binding").compactMap {
                    ChannelBindingType(rawValue: $0[attribute: "type"] ?? "")
                }
            }
        authenticate(SASLState(offered: offered, serverChannelBindings: channelBindings))
    }

    /// Sends `<auth/>` with the best mechanism, skipping the binding types already refused.
    private func authenticate(_ state: SASLState) {
        guard let tls else { return }
        do throws(SASLError) {
            var state = state
            var choice = try SASLAuthenticator.select(
                offered: state.offered, serverChannelBindings: state.serverChannelBindings, tls: tls,
                preferredChannelBinding: configuration.channelBinding,
                excludedChannelBindings: Set(state.refusedChannelBindings),
                pinnedMechanism: configuration.pinnedMechanism,
                allowDowngrade: configuration.allowMechanismDowngrade,
                maximumIterations: configuration.maximumSCRAMIterations,
                username: configuration.jid.localpart ?? "", password: configuration.password, crypto: crypto)
            if !state.refusedChannelBindings.isEmpty && choice.channelBinding == nil {
                // Never a retry without binding: that would let a refusal downgrade the login.
                throw .channelBindingRefused(types: state.refusedChannelBindings, text: state.lastFailureText)
            }
            let initial = choice.authenticator.initialResponse()
            state.choice = choice
            saslState = state
            phase = .authenticating
            phaseDeadline = now + configuration.negotiationTimeout
            write(
                XMLElement(
                    "auth", namespace: Namespace.sasl, ["mechanism": choice.mechanism],
                    text: XMPPSession.base64(initial)))
        } catch {
            saslState = nil
            actions.append(.write("</stream:stream>"))
            finish(with: .authentication(error), closeTransport: true)
        }
    }

    private func handleSASL(_ element: XMLElement) {
        guard var state = saslState, var choice = state.choice else { return }
        do throws(SASLError) {
            switch element.name {
            case "challenge":
                let response = try choice.authenticator.respond(to: try XMPPSession.decodeBase64(element.text))
                state.choice = choice
                saslState = state
                write(XMLElement("response", namespace: Namespace.sasl, [:], text: XMPPSession.base64(response)))
                phaseDeadline = now + configuration.negotiationTimeout
            case "success":
                try choice.authenticator.complete(withSuccessData: try XMPPSession.decodeBase64(element.text))
                saslState = nil
                isAuthenticated = true
                emit(
                    .authenticated(
                        Authentication(
                            mechanism: choice.mechanism, channelBinding: choice.channelBinding,
                            refusedChannelBindings: state.refusedChannelBindings)))
                actions.append(.resetParser)
                openStream()
            case "failure":
                let condition = element.elements.lazy.compactMap { SASLFailureCondition(rawValue: $0.name) }.first
                let failure = SASLError.failure(condition: condition, text: element.childText("text"))
                if let binding = choice.channelBinding, choice.channelBindingGuessed, failure.blamesChannelBinding {
                    // A server without XEP-0440 that does not take this type: another one may do
                    // (RFC 6120 §6.4.5 allows retries on the same stream).
                    state.refusedChannelBindings.append(binding)
                    state.lastFailureText = element.childText("text")
                    state.choice = nil
                    authenticate(state)
                    return
                }
                throw failure
            default:
                throw .malformedChallenge("unexpected <\(element.name)/>")
            }
        } catch {
            saslState = nil
            if case .failure = error {
                actions.append(.write("</stream:stream>"))
            } else {
                write(XMLElement("abort", namespace: Namespace.sasl))
                actions.append(.write("</stream:stream>"))
            }
            finish(with: .authentication(error), closeTransport: true)
        }
    }

    static func base64(_ bytes: [UInt8]) -> String {
        bytes.isEmpty ? "=" : Data(bytes).base64EncodedString()
    }

    static func decodeBase64(_ text: String) throws(SASLError) -> [UInt8] {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.isEmpty || trimmed == "=" { return [] }
        guard let data = Data(base64Encoded: trimmed) else {
            throw .malformedChallenge("the server's SASL data is not valid base64")
        }
        return Array(data)
    }

    // MARK: Binding

    private func bind(resource: String?) {
        phase = .binding
        var bind = XMLElement("bind", namespace: Namespace.bind)
        if let resource { bind.append(XMLElement("resource", namespace: Namespace.bind, [:], text: resource)) }
        bindRequestID = makeID()
        write(XMLElement.iq(.set, id: bindRequestID ?? "", payload: bind))
    }

    private func handleBindingResponse(_ iq: XMLElement) {
        guard iq.id == bindRequestID, let type = iq.iqType, type == .result || type == .error else {
            return
        }
        if type == .error {
            let error = StanzaError(stanza: iq)
            if phase == .binding, error?.condition == .conflict, !boundResourceRetried {
                boundResourceRetried = true
                bind(resource: nil)
                return
            }
            if phase == .startingLegacySession {
                fail(.protocolViolation("the server refused to start the session: \(error?.description ?? "error")"))
            } else {
                fail(.bindFailed(error))
            }
            return
        }
        if phase == .binding {
            guard let text = iq.child("bind", namespace: Namespace.bind)?.childText("jid"),
                let jid = JID(parsing: text), jid.bare == configuration.jid.bare, jid.resourcepart != nil
            else {
                fail(.protocolViolation("the server bound an address that is not this account's"))
                return
            }
            boundJID = jid
            if let session = serverFeatures?.child("session", namespace: Namespace.session),
                session.child("optional") == nil
            {
                phase = .startingLegacySession
                bindRequestID = makeID()
                write(.iq(.set, id: bindRequestID ?? "", payload: XMLElement("session", namespace: Namespace.session)))
                return
            }
        }
        becomeEstablished()
    }

    private func becomeEstablished() {
        phase = .established
        phaseDeadline = nil
        bindRequestID = nil
        lastInbound = now
        enableStreamManagement()
        // Extensions first (the roster request goes out before anything the owner sends in
        // response to the event, such as initial presence).
        for ext in extensions { ext.sessionEstablished(self) }
        emit(.established(jid: boundJID))
    }
}

/// The SASL exchange in progress: what the server offered, the mechanism running, and the
/// channel-binding types the server refused on this stream.
struct SASLState {
    var offered: [String]
    var serverChannelBindings: [ChannelBindingType]?
    var choice: SASLChoice?
    var refusedChannelBindings: [ChannelBindingType] = []
    var lastFailureText: String?

    init(offered: [String], serverChannelBindings: [ChannelBindingType]?) {
        self.offered = offered
        self.serverChannelBindings = serverChannelBindings
    }
}

extension XMLEscaping {
    static func escapedAttribute(_ value: String) -> String {
        var output = ""
        appendAttributeValue(value, to: &output)
        return output
    }
}
