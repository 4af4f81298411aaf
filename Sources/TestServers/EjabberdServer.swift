import Foundation

/// A private ejabberd on loopback for integration tests, run by `scripts/ejabberd-server` in a
/// temporary directory with free ports, its own Erlang node, certificate and test accounts.
public final class EjabberdServer: XMPPTestServer {
    public let kind = ServerKind.ejabberd
    public let directory: String
    public let domain: String
    public var conferenceDomain: String { "conference." + domain }
    public let c2sPort: Int
    public let directTLSPort: Int
    public let certificateFile: String
    public let users: [String: String]

    static var script: String { repositoryRoot + "/scripts/ejabberd-server" }

    /// Starts a server with these accounts on free loopback ports; a broken stream stays
    /// resumable for `resumeTimeoutSeconds`.
    public init(users: [String: String], resumeTimeoutSeconds: Int = 300, domain: String = "localhost") throws {
        let layout = try ServerLayout(name: "ejabberd", domain: domain)
        directory = layout.directory
        self.domain = domain
        self.users = users
        c2sPort = layout.c2sPort
        directTLSPort = layout.directTLSPort
        certificateFile = layout.certificateFile
        do {
            try runTool(
                EjabberdServer.script,
                layout.startArguments(users: users, extra: ["--resume-timeout", String(resumeTimeoutSeconds)]))
        } catch {
            stop()
            throw error
        }
    }

    deinit { stop() }

    public func stop() {
        _ = try? runTool(EjabberdServer.script, ["stop", directory])
        try? FileManager.default.removeItem(atPath: directory)
    }

    public func crashRoom(_ room: String) throws {
        try runTool(EjabberdServer.script, ["crash-room", directory, "--room", room])
    }

    public var log: String {
        (try? String(contentsOfFile: "\(directory)/logs/ejabberd.log", encoding: .utf8)) ?? ""
    }
}
