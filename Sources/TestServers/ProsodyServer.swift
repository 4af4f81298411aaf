import Foundation
import Subprocess

/// A private Prosody on loopback for integration tests, run by `scripts/prosody-server` in a
/// temporary directory with free ports, its own self-signed certificate and test accounts.
public final class ProsodyServer: XMPPTestServer {
    public let kind = ServerKind.prosody
    public let directory: String
    public let domain: String
    public var conferenceDomain: String { "conference." + domain }
    public let c2sPort: Int
    public let directTLSPort: Int
    /// The self-signed certificate to trust (PEM).
    public let certificateFile: String
    public let users: [String: String]
    /// The loopback HTTP port of the file share (XEP-0363), whose service is `upload.DOMAIN`.
    public let httpPort: Int
    public var uploadService: String { "upload." + domain }

    static var script: String { repositoryRoot + "/scripts/prosody-server" }

    /// Starts a server with these accounts (name → password) on free loopback ports. `logLevel`
    /// `debug` logs every stanza it receives (its top tag) to `log`; nil: `PROSODY_LOG_LEVEL`, else
    /// `info`.
    public init(
        users: [String: String], hibernationSeconds: Int = 300, domain: String = "localhost", logLevel: String? = nil
    ) throws {
        let layout = try ServerLayout(name: "prosody", domain: domain)
        directory = layout.directory
        self.domain = domain
        self.users = users
        c2sPort = layout.c2sPort
        directTLSPort = layout.directTLSPort
        certificateFile = layout.certificateFile
        httpPort = try freePort()
        try runTool(
            ProsodyServer.script,
            layout.startArguments(
                users: users, extra: ["--hibernation", String(hibernationSeconds), "--http", String(httpPort)]),
            environment: logLevel.map { ["PROSODY_LOG_LEVEL": $0] } ?? [:])
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

    public func crashRoom(_ room: String) throws {
        try runTool(ProsodyServer.script, ["crash-room", directory, "--room", room])
    }

    /// The server's log so far (for failure messages).
    public var log: String { (try? String(contentsOfFile: "\(directory)/prosody.log", encoding: .utf8)) ?? "" }
}
