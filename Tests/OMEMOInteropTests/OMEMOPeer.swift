import Foundation
import OMEMOSession
import Subprocess
import TestServers
import TestSupport

/// An independent OMEMO 2 or OMEMO 0.3 device for the session interop tests:
/// `Tests/Peers/omemo2_peer.py` (python-x3dh, python-doubleratchet and python-twomemo with OMEMO 2's
/// parameters, or python-oldmemo with 0.3's, no XMPP).
///
/// `command` sends one JSON-line command and waits, bounded, for its one reply; the script's
/// docstring has the protocol. Bytes go both ways in base64. `stop()` (and deinit) ends the process.
final class OMEMOPeer {
    /// The peer refused a command (a message it cannot authenticate, an unknown prekey): its text.
    struct Refusal: Error, CustomStringConvertible {
        let description: String
    }

    private let child: ChildProcess
    private var partialLine: [UInt8] = []
    private var standardError: [UInt8] = []
    private var nextCommand = 0
    private var stopped = false

    /// How the peer holds its identity key: the two ways XEP-0384 §4.1 allows.
    enum Identity: CaseIterable, Sendable {
        /// An Ed25519 seed, signing with Ed25519 and converted for X25519.
        case ed25519Seed
        /// A Curve25519 private scalar, as libsignal-based libraries hold it: the Ed25519 public key
        /// is derived from it and it signs XEdDSA-style.
        case curve25519Scalar
    }

    static var script: String { repositoryRoot + "/Tests/Peers/omemo2_peer.py" }

    init(identity: Identity = .ed25519Seed, version: SessionVersion = .omemo2) throws {
        let options =
            (identity == .curve25519Scalar ? ["--scalar-identity"] : []) + (version == .omemo03 ? ["--oldmemo"] : [])
        child = try ChildProcess(
            RoomPeer.python, [Self.script] + options,
            environment: ["PYTHONDONTWRITEBYTECODE": "1", "PYTHONUNBUFFERED": "1"])
    }

    deinit { stop() }

    /// Runs a command and returns its reply's fields; throws `Refusal` when the peer answers with
    /// an error, and a `FixtureError` when it does not answer within `timeout` and 5 s more.
    @discardableResult
    func command(_ name: String, _ arguments: [String: JSONValue] = [:], timeout: Duration = .seconds(10)) throws
        -> JSONValue
    {
        nextCommand += 1
        let id = "\(name)-\(nextCommand)"
        var command = arguments
        command["command"] = .string(name)
        command["id"] = .string(id)
        command["timeout"] = .number(Double(timeout.components.seconds))
        guard !stopped, child.write(Array((JSONValue.object(command).jsonLine + "\n").utf8)) else {
            throw failure("cannot send \(name): the peer is gone")
        }
        let reply = try nextLine(within: timeout + .seconds(5), for: id)
        guard reply["id"]?.string == id else { throw failure("a reply out of turn to \(id): \(reply)") }
        guard reply["event"]?.string == "done" else { throw Refusal(description: reply["text"]?.string ?? "\(reply)") }
        return reply
    }

    /// Asks the peer to quit, waits a little for it, then kills it; idempotent.
    func stop() {
        guard !stopped else { return }
        stopped = true
        if child.checkExit() == nil, child.write(Array(#"{"command": "quit"}"#.utf8) + [10], timeout: .seconds(1)) {
            child.waitForExit(timeout: .seconds(3))
        }
        child.kill()
    }

    /// The next line the peer prints, as JSON, waiting at most `timeout`.
    private func nextLine(within timeout: Duration, for id: String) throws -> JSONValue {
        let deadline = ContinuousClock.now + timeout
        while true {
            if let newline = partialLine.firstIndex(of: 10) {
                let line = String(decoding: partialLine[..<newline], as: UTF8.self)
                partialLine.removeSubrange(...newline)
                guard let value = JSONValue(jsonLine: line) else { throw failure("an unparsed line: \(line)") }
                return value
            }
            let remaining = deadline - ContinuousClock.now
            guard remaining > .zero else { throw failure("no reply to \(id) within \(timeout)") }
            let chunk = child.read(timeout: min(remaining, .milliseconds(500)))
            partialLine += chunk.output
            standardError += chunk.errors
            if chunk.outputEnded && partialLine.firstIndex(of: 10) == nil {
                throw failure("the peer exited (status \(child.checkExit().map(String.init) ?? "?")) before \(id)")
            }
        }
    }

    private func failure(_ text: String) -> FixtureError {
        let errors = String(decoding: standardError.suffix(4096), as: UTF8.self)
        return FixtureError("OMEMO peer: \(text)\nstandard error (end):\n\(errors)")
    }
}
