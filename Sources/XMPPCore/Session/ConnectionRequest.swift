/// What one connection attempt asks for beyond the account's settings: a stream to resume
/// (XEP-0198), a host the server named (`see-other-host`, or the resumption location), and the
/// channel-binding type that worked before.
public struct ConnectionRequest: Sendable, Hashable {
    public var resumption: StreamResumption?
    /// `host`, `host:port` or `[v6-address]:port`, as the server sent it.
    public var redirect: String?
    public var channelBinding: ChannelBindingType?
    /// The strongest SASL mechanism that worked for the account before.
    public var pinnedMechanism: String?

    public init(
        resumption: StreamResumption? = nil,
        redirect: String? = nil,
        channelBinding: ChannelBindingType? = nil,
        pinnedMechanism: String? = nil
    ) {
        self.resumption = resumption
        self.redirect = redirect
        self.channelBinding = channelBinding
        self.pinnedMechanism = pinnedMechanism
    }
}
