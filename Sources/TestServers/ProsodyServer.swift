import Foundation
import Subprocess

/// A private Prosody on loopback for integration tests, run by `scripts/prosody-server` in a
/// temporary directory with free ports, its own self-signed certificate and test accounts.
public final class ProsodyServer: XMPPTestServer {
    public let kind = ServerKind.prosody
    public let directory: String
    public let domain: String
    public let c2sPort: Int
    public let directTLSPort: Int
    /// The self-signed certificate to trust (PEM).
    public let certificateFile: String
    public let users: [String: String]

    static var script: String { repositoryRoot + "/scripts/prosody-server" }

    /// Starts a server with these accounts (name → password) on free loopback ports.
    public init(users: [String: String], hibernationSeconds: Int = 300, domain: String = "localhost") throws {
        directory = "\(scratchDirectory)/tern-prosody-\(UUID().uuidString.prefix(8))"
        self.domain = domain
        self.users = users
        c2sPort = try freePort()
        directTLSPort = try freePort()
        certificateFile = "\(directory)/certs/\(domain).crt"
        var arguments = [
            "start", directory, "--c2s", String(c2sPort), "--direct-tls", String(directTLSPort), "--domain", domain,
            "--hibernation", String(hibernationSeconds),
        ]
        for (name, password) in users.sorted(by: { $0.key < $1.key }) {
            arguments += ["--user", "\(name):\(password)"]
        }
        try runTool(ProsodyServer.script, arguments)
    }

    deinit { stop() }

    /// Stops the server and removes its directory.
    public func stop() {
        _ = try? runTool(ProsodyServer.script, ["stop", directory])
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// Registers another account.
    public func register(_ user: String, password: String) throws {
        try runTool(
            "/usr/bin/prosodyctl", ["--config", "\(directory)/prosody.cfg.lua", "register", user, domain, password])
    }

    /// The server's log so far (for failure messages).
    public var log: String { (try? String(contentsOfFile: "\(directory)/prosody.log", encoding: .utf8)) ?? "" }
}
