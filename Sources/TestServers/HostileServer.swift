import Foundation

/// `scripts/hostile-server` on a free loopback port: a fake XMPP server that attacks one step of
/// the login (see the script for its modes), presenting `certificate` (a test server's, so that a
/// client trusting that server verifies it), and recording what the client did.
public final class HostileServer: Sendable {
    public enum Mode: String, Sendable {
        case redirectBeforeTLS = "redirect-before-tls"
        case redirectAfterTLS = "redirect-after-tls"
        case mechanisms
        case deepFeatures = "deep-features"
        case errorText = "error-text"
        case ackBurst = "ack-burst"
    }

    public let directory: String
    public let port: Int

    static var script: String { repositoryRoot + "/scripts/hostile-server" }

    /// `certificate` is a PEM file whose key lies beside it (`NAME.key` for `NAME.crt`).
    public init(_ mode: Mode, certificate: String, mechanisms: [String] = []) throws {
        directory = "\(scratchDirectory)/tern-hostile-\(UUID().uuidString.prefix(8))"
        port = try freePort()
        try FileManager.default.createDirectory(atPath: directory + "/certs", withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: certificate, toPath: directory + "/certs/localhost.crt")
        try FileManager.default.copyItem(
            atPath: String(certificate.dropLast(4)) + ".key", toPath: directory + "/certs/localhost.key")
        var arguments = ["start", directory, "--port", String(port), "--mode", mode.rawValue]
        if !mechanisms.isEmpty { arguments += ["--mechanisms", mechanisms.joined(separator: ",")] }
        try runTool(Self.script, arguments)
    }

    deinit { stop() }

    public func stop() {
        _ = try? runTool(Self.script, ["stop", directory])
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// What happened so far, one event per line: `connection`, `tls`, `auth MECHANISM`, `enabled`,
    /// `ack N stored|unstored`, `closed`.
    public var events: [String] {
        ((try? String(contentsOfFile: directory + "/events", encoding: .utf8)) ?? "").split(separator: "\n").map(
            String.init)
    }

    /// Lets the `ack-burst` mode go on, looking for what it sent in the database at `database`.
    public func go(database: String) throws {
        try database.write(toFile: directory + "/database", atomically: true, encoding: .utf8)
        _ = FileManager.default.createFile(atPath: directory + "/go", contents: Data())
    }

    public var connections: Int { events.filter { $0 == "connection" }.count }
}
