import TestServers
import XMPPExtensions

/// An independent OMEMO client for integration tests: `Tests/Peers/omemo_peer.py` (slixmpp with
/// slixmpp-omemo's twomemo and oldmemo backends) logged in to a test server as one of its users,
/// with one device of the OMEMO versions it is started with, kept in memory (every peer is a new
/// device). Trust is blind trust before verification until `trust` or `distrust` decides.
///
/// It publishes its device list and bundle of each version before `init` returns. `send`
/// encrypts, `expectMessage` returns received messages (buffered, decrypted in arrival order)
/// one at a time. The script's docstring has the protocol; `PeerProcess` runs it.
public final class OMEMOXMPPPeer: PeerProcess {
    /// A device as the peer's session manager knows it.
    public struct Device: Sendable, Equatable, CustomStringConvertible {
        public let id: Int
        /// The versions the device is on the device list of.
        public let versions: Set<OMEMOVersion>
        /// XEP-0384's fingerprint: the identity key's Curve25519 form in groups of eight hex digits.
        public let fingerprint: String
        /// slixmpp-omemo's trust level: "UNDECIDED", "BLINDLY_TRUSTED", "TRUSTED" or "DISTRUSTED".
        public let trust: String

        public var description: String { "device \(id) (\(versions.map(\.namespace).sorted()), \(trust))" }
    }

    /// A message the peer received.
    public struct Message: Sendable, CustomStringConvertible {
        /// The full JID it came from (a room occupant's in a room).
        public let from: String
        /// The stanza's type ("chat", "groupchat" ...) and id.
        public let type: String
        public let messageID: String?
        /// The decrypted text, or the body of a message that was not encrypted; nil if decryption failed.
        public let body: String?
        /// The version it was encrypted with; nil if it was not (or with a version the peer does not speak).
        public let version: OMEMOVersion?
        /// The sender's bare JID (a room occupant's real JID) and device, once decrypted.
        public let senderJID: String?
        public let senderDeviceID: Int?
        /// The trust level of the sending device when it was decrypted.
        public let trust: String?
        /// Why the peer could not decrypt it.
        public let failure: String?
        /// The plaintext body an encrypted message carried beside its OMEMO element.
        public let fallbackBody: String?
        /// The URL of an OOB element (XEP-0066) the message carried in plaintext.
        public let oobURL: String?

        init(_ event: Event) {
            from = event.string("from") ?? ""
            type = event.string("type") ?? ""
            messageID = event.string("message_id")
            body = event.string("body")
            version = OMEMOVersion(namespace: event.string("namespace"))
            senderJID = event.string("sender_jid")
            senderDeviceID = event["sender_device_id"]?.int
            trust = event.string("trust")
            failure = event.string("failure")
            fallbackBody = event.string("fallback_body")
            oobURL = event.string("oob_url")
        }

        public var description: String {
            "message \(messageID ?? "?") from \(from): \(body.map { "\"\($0)\"" } ?? "failed: \(failure ?? "?")")"
                + " (\(version?.namespace ?? "plain"), device \(senderDeviceID.map(String.init) ?? "?"))"
        }
    }

    /// What `send` sent: the stanza's id, the versions it carries, the room's stanza-id (in a room)
    /// and the errors python-omemo reported for single devices (the message went to the others).
    public struct Sent: Sendable {
        public let messageID: String
        public let versions: Set<OMEMOVersion>
        public let stanzaID: String?
        public let deviceErrors: [String]
    }

    public let user: String
    /// The account's bare JID.
    public let jid: String
    /// The full JID the peer was bound to.
    public private(set) var fullJID = ""
    /// The peer's own device.
    public private(set) var deviceID = 0
    public private(set) var fingerprint = ""

    public static var script: String { repositoryRoot + "/Tests/Peers/omemo_peer.py" }

    /// Starts a peer for `user` on `server` speaking `versions` (not empty), logs it in over
    /// STARTTLS (trusting the server's certificate) and waits until its device is published.
    /// `debug` makes it log every stanza to its standard error.
    public init(
        server: any XMPPTestServer, user: String, versions: Set<OMEMOVersion>, password: String? = nil,
        debug: Bool = false, connectTimeout: Duration = .seconds(60)
    ) throws {
        self.user = user
        jid = "\(user)@\(server.domain)"
        let option = versions.count == 2 ? "both" : versions.contains(.omemo2) ? "2" : "0.3"
        try super.init(
            label: "OMEMO peer \(jid)", script: Self.script,
            arguments: ["--versions", option] + (debug ? ["--debug"] : []))
        do {
            let connected = try command(
                "connect",
                [
                    "jid": .string(jid), "password": .string(password ?? server.users[user] ?? ""),
                    "host": "127.0.0.1", "port": .number(Double(server.c2sPort)),
                    "ca_file": .string(server.certificateFile),
                ], timeout: connectTimeout)
            fullJID = connected.string("jid") ?? jid
            deviceID = connected["device_id"]?.int ?? 0
            fingerprint = connected.string("fingerprint") ?? ""
        } catch {
            stop()
            throw error
        }
    }

    /// The peer's own device as its session manager knows it: id, fingerprint and versions.
    public func ownDevice() throws -> (id: Int, fingerprint: String, versions: Set<OMEMOVersion>) {
        let reply = try command("own_device")
        return (
            reply["device_id"]?.int ?? 0, reply.string("fingerprint") ?? "",
            Self.versions(reply["namespaces"])
        )
    }

    /// The devices of `jid` the peer sees, after downloading its device lists.
    public func devices(of jid: String) throws -> [Device] {
        let reply = try command("devices", ["jid": .string(jid)])
        return (reply["devices"]?.array ?? []).map {
            Device(
                id: $0["device_id"]?.int ?? 0, versions: Self.versions($0["namespaces"]),
                fingerprint: $0["fingerprint"]?.string ?? "", trust: $0["trust"]?.string ?? "")
        }
    }

    /// Trusts device `device` of `jid` manually (which ends blind trust for that JID).
    public func trust(_ jid: String, device: Int) throws {
        try command("trust", ["jid": .string(jid), "device_id": .number(Double(device))])
    }

    /// Distrusts device `device` of `jid`: nothing is encrypted to it, its messages are refused.
    public func distrust(_ jid: String, device: Int) throws {
        try command("distrust", ["jid": .string(jid), "device_id": .number(Double(device))])
    }

    /// Joins `room` as `nick`. A room this creates becomes non-anonymous and members-only (the
    /// rooms OMEMO works in), with `members` (bare JIDs) as members. Returns whether it created
    /// the room and the occupants' real JIDs by nick.
    @discardableResult
    public func join(_ room: String, nick: String, members: [String] = []) throws -> (
        created: Bool, occupants: [String: String]
    ) {
        let reply = try command(
            "join", ["room": .string(room), "nick": .string(nick), "members": .array(members.map(JSONValue.string))])
        let occupants = (reply["occupants"]?.object ?? [:]).compactMapValues(\.string)
        return (reply["created"]?.bool == true, occupants)
    }

    /// Sends `body` encrypted to every device of `to` (a bare JID, or a joined room's other
    /// occupants) and to the account's other devices; in a room, answers once the room reflects it.
    @discardableResult
    public func send(_ body: String, to: String, timeout: Duration = .seconds(20)) throws -> Sent {
        let reply = try command("send", ["to": .string(to), "body": .string(body)], timeout: timeout)
        return Sent(
            messageID: reply.string("message_id") ?? "", versions: Self.versions(reply["namespaces"]),
            stanzaID: reply.string("stanza_id"), deviceErrors: reply["errors"]?.array?.compactMap(\.string) ?? [])
    }

    /// The oldest message from `from` (a bare JID, or a room's JID and optionally an occupant's
    /// nick) that no earlier call returned, waiting up to `timeout` for one.
    public func expectMessage(from: String, nick: String? = nil, timeout: Duration = .seconds(20)) throws -> Message {
        var arguments: [String: JSONValue] = ["from": .string(from)]
        if let nick { arguments["nick"] = .string(nick) }
        return Message(try command("expect_message", arguments, timeout: timeout))
    }

    private static func versions(_ namespaces: JSONValue?) -> Set<OMEMOVersion> {
        Set((namespaces?.array ?? []).compactMap { OMEMOVersion(namespace: $0.string) })
    }
}
