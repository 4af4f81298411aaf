import Networking
import TestServers
import XMPPClient
import XMPPCore
import XMPPExtensions

/// A connection for integration tests: logs in, records what arrives, and waits with bounds.
public final class TestClient {
    public let loop: EventLoop
    public let connection: XMPPConnection
    public private(set) var events: [ConnectionEvent] = []
    public private(set) var stanzas: [XMLElement] = []

    public init(
        loop: EventLoop,
        server: any XMPPTestServer,
        user: String,
        password: String? = nil,
        resource: String? = nil,
        tls: ConnectionSettings.TLSMode = .startTLS,
        trustCertificate: Bool = true,
        pin: String? = nil,
        limitToTLS12: Bool = false,
        channelBinding: ChannelBindingType? = nil
    ) throws {
        self.loop = loop
        let jid = try JID("\(user)@\(server.domain)")
        let settings = ConnectionSettings(
            session: SessionConfiguration(
                jid: jid, password: password ?? server.users[user] ?? "", resource: resource,
                channelBinding: channelBinding),
            host: "127.0.0.1", port: tls == .direct ? server.directTLSPort : server.c2sPort, tlsMode: tls,
            caFile: trustCertificate ? server.certificateFile : nil, pinnedSHA256: pin, limitToTLS12: limitToTLS12)
        connection = XMPPConnection(
            loop: loop, settings: settings, extensions: [PingResponder(), DiscoInfoResponder()])
        connection.onEvent = { [unowned self] event in
            self.events.append(event)
            if case .stanza(let stanza) = event { self.stanzas.append(stanza) }
        }
    }

    public var isEstablished: Bool { events.contains { if case .established = $0 { true } else { false } } }

    /// The error the connection ended with, if it ended.
    public var disconnection: ConnectionError?? {
        for event in events {
            if case .disconnected(let error) = event { return .some(error) }
        }
        return nil
    }

    /// Connects and waits until established or disconnected (at most `timeout`).
    @discardableResult
    public func connect(timeout: Duration = .seconds(10)) -> Bool {
        connection.connect()
        loop.run(for: timeout) { isEstablished || disconnection != nil }
        return isEstablished
    }

    /// Sends initial presence so that the server routes messages to this resource.
    public func sendPresence() {
        connection.send(XMLElement("presence", namespace: Namespace.client))
    }

    /// Waits until a stanza matching `predicate` has arrived.
    @discardableResult
    public func waitForStanza(timeout: Duration = .seconds(10), _ predicate: (XMLElement) -> Bool) -> XMLElement? {
        var found: XMLElement?
        loop.run(for: timeout) {
            found = stanzas.first(where: predicate)
            return found != nil
        }
        return found
    }

    /// Sends an IQ and waits for its outcome.
    public func request(_ iq: XMLElement, timeout: Duration = .seconds(10)) -> Result<XMLElement, IQFailure>? {
        var outcome: Result<XMLElement, IQFailure>?
        connection.sendIQ(iq) { outcome = $0 }
        loop.run(for: timeout) { outcome != nil }
        return outcome
    }

    /// Disconnects politely and waits for the end.
    public func disconnect(timeout: Duration = .seconds(5)) {
        connection.disconnect()
        loop.run(for: timeout) { disconnection != nil }
    }
}
