/// What a session needs to know to negotiate a stream for one account.
public struct SessionConfiguration: Sendable {
    /// The account's JID; a resource here is requested at bind time unless `resource` is set.
    public var jid: JID
    public var password: String
    /// The resource to request; `nil` lets the server assign one.
    public var resource: String?
    /// Whether the transport is TLS from the first byte (XEP-0368 direct TLS).
    public var directTLS: Bool
    /// Idle time without inbound data after which a ping (XEP-0199) checks the link.
    public var pingInterval: Duration
    /// How long a keep-alive ping may go unanswered before the link counts as dead.
    public var pingTimeout: Duration
    /// How long each negotiation step may wait for the server.
    public var negotiationTimeout: Duration
    /// Default timeout of IQ requests.
    public var iqTimeout: Duration
    /// How long to wait for the server's `</stream:stream>` after ours.
    public var closeTimeout: Duration
    public var language: String
    /// Use stream management (XEP-0198) when the server offers it.
    public var streamManagement: Bool
    /// A previous stream to resume instead of binding a new session.
    public var resumption: StreamResumption?
    /// The channel-binding type that worked for this account before: tried first when the server
    /// does not list the types it supports (XEP-0440).
    public var channelBinding: ChannelBindingType?
    /// The strongest SASL mechanism that worked for this account before: a login offering only
    /// weaker ones is refused, unless `allowMechanismDowngrade`.
    public var pinnedMechanism: String?
    public var allowMechanismDowngrade: Bool
    /// The most SCRAM iterations a server may ask for (PBKDF2 runs on the event loop).
    public var maximumSCRAMIterations: Int

    public init(
        jid: JID,
        password: String,
        resource: String? = nil,
        directTLS: Bool = false,
        pingInterval: Duration = .seconds(20),
        pingTimeout: Duration = .seconds(10),
        negotiationTimeout: Duration = .seconds(30),
        iqTimeout: Duration = .seconds(60),
        closeTimeout: Duration = .seconds(2),
        language: String = "en",
        streamManagement: Bool = true,
        resumption: StreamResumption? = nil,
        channelBinding: ChannelBindingType? = nil,
        pinnedMechanism: String? = nil,
        allowMechanismDowngrade: Bool = false,
        maximumSCRAMIterations: Int = SCRAMClient.defaultMaximumIterations
    ) {
        self.jid = jid
        self.password = password
        self.resource = resource ?? jid.resourcepart
        self.directTLS = directTLS
        self.pingInterval = pingInterval
        self.pingTimeout = pingTimeout
        self.negotiationTimeout = negotiationTimeout
        self.iqTimeout = iqTimeout
        self.closeTimeout = closeTimeout
        self.language = language
        self.streamManagement = streamManagement
        self.resumption = resumption
        self.channelBinding = channelBinding
        self.pinnedMechanism = pinnedMechanism
        self.allowMechanismDowngrade = allowMechanismDowngrade
        self.maximumSCRAMIterations = maximumSCRAMIterations
    }
}
