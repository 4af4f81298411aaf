import Foundation
import Subprocess
import TestServers

/// An independent XMPP client for group-chat integration tests: `Tests/Peers/muc_peer.py`
/// (slixmpp) logged in to a test server as one of its users, acting as another room occupant.
///
/// The peer takes commands and prints events as JSON lines (the script's docstring has the whole
/// protocol; `PeerProcess` runs it).
public final class RoomPeer: PeerProcess {
    public let user: String
    /// The account's bare JID.
    public let jid: String
    /// The full JID the peer was bound to.
    public private(set) var fullJID = ""

    public static var script: String { repositoryRoot + "/Tests/Peers/muc_peer.py" }

    /// Starts a peer for `user` on `server` (over STARTTLS, trusting the server's certificate)
    /// and waits until it is online. `debug` makes it log every stanza to its standard error.
    public init(
        server: any XMPPTestServer, user: String, password: String? = nil, debug: Bool = false,
        connectTimeout: Duration = .seconds(20)
    ) throws {
        self.user = user
        jid = "\(user)@\(server.domain)"
        var arguments = [
            "--jid", jid, "--password", password ?? server.users[user] ?? "", "--host", "127.0.0.1",
            "--port", String(server.c2sPort), "--ca-file", server.certificateFile,
            "--connect-timeout", String(connectTimeout.seconds),
        ]
        if debug { arguments.append("--debug") }
        try super.init(label: "room peer \(jid)", script: Self.script, arguments: arguments)
        do {
            let connected = try waitFor("connected", timeout: connectTimeout + .seconds(5)) {
                $0.name == "connected" || $0.name == "error"
            }
            guard connected.name == "connected" else { throw failure("the peer did not connect: \(connected)") }
            fullJID = connected.string("jid") ?? jid
        } catch {
            stop()
            throw error
        }
    }
}
