import Foundation
import Subprocess

/// The servers the integration tests run against: the two that people run.
public enum ServerKind: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    case prosody
    case ejabberd

    public var description: String { rawValue }
}

/// A private XMPP server on loopback, started for a test suite: its own directory, free ports,
/// a self-signed certificate for `domain`, and accounts (name → password).
public protocol XMPPTestServer: AnyObject, Sendable {
    var kind: ServerKind { get }
    var directory: String { get }
    var domain: String { get }
    /// The XEP-0045 room service, `conference.` + `domain` (the certificate covers it too).
    var conferenceDomain: String { get }
    var c2sPort: Int { get }
    var directTLSPort: Int { get }
    /// The self-signed certificate to trust (PEM).
    var certificateFile: String { get }
    var users: [String: String] { get }
    /// The server's log so far (for failure messages).
    var log: String { get }
    /// Stops the server and removes its directory.
    func stop()
    /// The room service loses `room` (a bare JID) as a crash or a restart without its state
    /// does: its occupants are not told, and a persistent room comes back from storage, empty,
    /// with the next stanza for it (XEP-0410's case of a client that still thinks it is in).
    func crashRoom(_ room: String) throws
}

extension XMPPTestServer {
    /// The SHA-256 fingerprint of the server certificate, `AB:CD:...`.
    public func certificateFingerprint() throws -> String {
        let output = try runTool(
            "/usr/bin/openssl", ["x509", "-in", certificateFile, "-noout", "-fingerprint", "-sha256"])
        return String(output.split(separator: "=").last ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

/// Where a new server lives and listens: a fresh scratch directory, two free loopback ports, and
/// the arguments its start script takes (`scripts/prosody-server`, `scripts/ejabberd-server`).
struct ServerLayout {
    let directory: String
    let domain: String
    let c2sPort: Int
    let directTLSPort: Int

    init(name: String, domain: String) throws {
        directory = "\(scratchDirectory)/tern-\(name)-\(UUID().uuidString.prefix(8))"
        self.domain = domain
        c2sPort = try freePort()
        directTLSPort = try freePort()
    }

    var certificateFile: String { "\(directory)/certs/\(domain).crt" }

    func startArguments(users: [String: String], extra: [String]) -> [String] {
        var arguments = [
            "start", directory, "--c2s", String(c2sPort), "--direct-tls", String(directTLSPort), "--domain", domain,
        ]
        for (name, password) in users.sorted(by: { $0.key < $1.key }) {
            arguments += ["--user", "\(name):\(password)"]
        }
        return arguments + extra
    }
}

/// The repository root, found from this source file.
public let repositoryRoot: String = {
    var url = URL(fileURLWithPath: #filePath)
    for _ in 0..<3 { url.deleteLastPathComponent() }
    return url.path
}()

/// Where servers keep their data: memory-backed `/dev/shm` when there is one (a test server's
/// data need not survive a power cut, and servers sync every archived message), else the
/// temporary directory.
var scratchDirectory: String {
    access("/dev/shm", W_OK | X_OK) == 0 ? "/dev/shm" : FileManager.default.temporaryDirectory.path
}

/// Runs a tool (with `environment` added to ours) and returns its standard output, or throws with
/// what it printed.
@discardableResult
func runTool(_ executable: String, _ arguments: [String], environment: [String: String] = [:]) throws -> String {
    let output = try Subprocess.run(executable, arguments, environment: environment)
    guard output.status == 0 else {
        throw FixtureError(
            "\(executable) \(arguments.joined(separator: " ")) failed: "
                + output.standardOutputText + output.standardErrorText)
    }
    return output.standardOutputText
}

/// A loopback TCP port nothing listens on right now.
public func freePort() throws -> Int {
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

public struct FixtureError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
