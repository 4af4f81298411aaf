import Foundation
import Subprocess

/// A private Prosody on loopback for integration tests, run by `scripts/prosody-server` in a
/// temporary directory with free ports, its own self-signed certificate and test accounts.
public final class ProsodyServer: Sendable {
    public let directory: String
    public let domain: String
    public let c2sPort: Int
    public let directTLSPort: Int
    /// The self-signed certificate to trust (PEM).
    public let certificateFile: String
    public let users: [String: String]

    /// The repository root, found from this source file.
    public static let repositoryRoot: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.path
    }()

    @TaskLocal public static var current: ProsodyServer?

    /// Where servers keep their data: memory-backed `/dev/shm` when there is one (a test server's
    /// data need not survive a power cut, and Prosody syncs every archived message), else the
    /// temporary directory.
    static var scratchDirectory: String {
        access("/dev/shm", W_OK | X_OK) == 0 ? "/dev/shm" : FileManager.default.temporaryDirectory.path
    }

    static var script: String { repositoryRoot + "/scripts/prosody-server" }

    /// Starts a server with these accounts (name → password) on free loopback ports.
    public init(users: [String: String], hibernationSeconds: Int = 300, domain: String = "localhost") throws {
        directory = "\(ProsodyServer.scratchDirectory)/tern-prosody-\(UUID().uuidString.prefix(8))"
        self.domain = domain
        self.users = users
        c2sPort = try ProsodyServer.freePort()
        directTLSPort = try ProsodyServer.freePort()
        certificateFile = "\(directory)/certs/\(domain).crt"
        var arguments = [
            "start", directory, "--c2s", String(c2sPort), "--direct-tls", String(directTLSPort), "--domain", domain,
            "--hibernation", String(hibernationSeconds),
        ]
        for (name, password) in users.sorted(by: { $0.key < $1.key }) {
            arguments += ["--user", "\(name):\(password)"]
        }
        try ProsodyServer.run(ProsodyServer.script, arguments)
    }

    deinit { stop() }

    /// Stops the server and removes its directory.
    public func stop() {
        _ = try? ProsodyServer.run(ProsodyServer.script, ["stop", directory])
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// The SHA-256 fingerprint of the server certificate, `AB:CD:...`.
    public func certificateFingerprint() throws -> String {
        let output = try ProsodyServer.run(
            "/usr/bin/openssl", ["x509", "-in", certificateFile, "-noout", "-fingerprint", "-sha256"])
        return String(output.split(separator: "=").last ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Registers another account.
    public func register(_ user: String, password: String) throws {
        try ProsodyServer.run(
            "/usr/bin/prosodyctl", ["--config", "\(directory)/prosody.cfg.lua", "register", user, domain, password])
    }

    /// The server's log so far (for failure messages).
    public var log: String { (try? String(contentsOfFile: "\(directory)/prosody.log", encoding: .utf8)) ?? "" }

    @discardableResult
    static func run(_ executable: String, _ arguments: [String]) throws -> String {
        let output = try Subprocess.run(executable, arguments)
        guard output.status == 0 else {
            throw FixtureError(
                "\(executable) \(arguments.joined(separator: " ")) failed: "
                    + output.standardOutputText + output.standardErrorText)
        }
        return output.standardOutputText
    }

    /// A loopback TCP port nothing listens on right now.
    public static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw FixtureError("socket failed") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0
            }
        }
        guard bound else { throw FixtureError("cannot bind a free port") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}

public struct FixtureError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
