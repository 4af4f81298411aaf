import XMPPCore

/// One OMEMO device of an account: the account's bare JID and the device id. Coded as the JID's text
/// and the id.
public struct OMEMODeviceAddress: Hashable, Sendable, Codable, CustomStringConvertible {
    /// The account (always bare).
    public var jid: JID {
        didSet { jid = jid.bare }
    }
    public var device: UInt32

    public init(jid: JID, device: UInt32) {
        self.jid = jid.bare
        self.device = device
    }

    private enum CodingKeys: String, CodingKey { case jid, device }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let text = try container.decode(String.self, forKey: .jid)
        guard let jid = JID(parsing: text) else {
            throw DecodingError.dataCorruptedError(forKey: .jid, in: container, debugDescription: "not a JID")
        }
        self.init(jid: jid, device: try container.decode(UInt32.self, forKey: .device))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(jid.description, forKey: .jid)
        try container.encode(device, forKey: .device)
    }

    public var description: String { "\(jid)#\(device)" }
}
