import Foundation
import Subprocess
import TestServers

/// A test peer in `Tests/Peers` (a python process, e.g. an independent XMPP client) driven by
/// JSON lines: it takes commands on standard input and prints events on standard output.
///
/// `command` sends one and waits for its reply (exactly one `done` or `error` event with the
/// command's id); `waitFor` waits for an event. Every wait is bounded and throws a `FixtureError`
/// that names what was awaited and ends with the peer's last events and the tail of its standard
/// error. `stop()` (and deinit) ends the process. `RoomPeer` and `OMEMOXMPPPeer` are peers.
public class PeerProcess {
    /// One line the peer printed: `{"event": NAME, ...}`.
    public struct Event: CustomStringConvertible {
        public let name: String
        public let fields: JSONValue

        public subscript(key: String) -> JSONValue? { fields[key] }
        public func string(_ key: String) -> String? { fields[key]?.string }
        /// The XEP-0045 status codes of a presence or join.
        public var codes: [Int] { fields["codes"]?.array?.compactMap(\.int) ?? [] }
        public var description: String { fields.jsonLine }
    }

    /// Who the peer is, for failure messages (e.g. "room peer bob@localhost").
    public let label: String
    /// Every event so far, in order (`mark` is the index the next one gets).
    public private(set) var events: [Event] = []
    private let child: ChildProcess
    private var partialLine: [UInt8] = []
    private var standardError: [UInt8] = []
    private var outputEnded = false
    private var nextCommand = 0
    private var stopped = false

    /// The Python that has the peers' libraries (slixmpp, slixmpp-omemo): `scripts/install-deps`
    /// puts them into `.peers-venv` unless the `python3` on PATH already has them.
    public static var python: String {
        let venv = repositoryRoot + "/.peers-venv/bin/python3"
        return FileManager.default.isExecutableFile(atPath: venv) ? venv : "python3"
    }

    /// Starts `script` (a peer in `Tests/Peers`) with `arguments` under `python`; `label` names it
    /// in failures.
    public init(label: String, script: String, arguments: [String]) throws {
        self.label = label
        child = try ChildProcess(
            Self.python, [script] + arguments,
            environment: ["PYTHONDONTWRITEBYTECODE": "1", "PYTHONUNBUFFERED": "1"])
    }

    deinit { stop() }

    /// The index the next event will get: `waitFor(from: mark)` waits for an event after now.
    public var mark: Int { events.count }

    /// Sends a command without waiting; returns its id, for `reply(to:)`.
    @discardableResult
    public func send(_ name: String, _ arguments: [String: JSONValue] = [:], timeout: Duration = .seconds(10)) throws
        -> String
    {
        nextCommand += 1
        let id = "\(name)-\(nextCommand)"
        var command = arguments
        command["command"] = .string(name)
        command["id"] = .string(id)
        command["timeout"] = .number(timeout.seconds)
        guard !stopped, child.write(Array((JSONValue.object(command).jsonLine + "\n").utf8)) else {
            throw failure("cannot send \(name): the peer is gone")
        }
        return id
    }

    /// Waits for the reply to command `id` (the peer answers within the command's own timeout;
    /// this waits `timeout` longer than that) and returns it, or throws the peer's error.
    @discardableResult
    public func reply(to id: String, timeout: Duration = .seconds(15)) throws -> Event {
        let reply = try waitFor("the reply to \(id)", timeout: timeout) {
            ($0.name == "done" || $0.name == "error") && $0.string("id") == id
        }
        guard reply.name == "done" else { throw failure("\(id) failed: \(reply.string("text") ?? "\(reply)")") }
        return reply
    }

    /// Runs a command: sends it and waits for its reply ("done", with the command's results).
    @discardableResult
    public func command(_ name: String, _ arguments: [String: JSONValue] = [:], timeout: Duration = .seconds(10))
        throws -> Event
    {
        try reply(to: send(name, arguments, timeout: timeout), timeout: timeout + .seconds(5))
    }

    /// The first event at index `start` or later that matches, waiting at most `timeout` for it.
    /// `what` names it in the failure.
    @discardableResult
    public func waitFor(
        _ what: String = "a matching event", from start: Int = 0, timeout: Duration = .seconds(10),
        _ predicate: (Event) -> Bool
    ) throws -> Event {
        try waitFor(what, count: 1, from: start, timeout: timeout, predicate)[0]
    }

    /// The first `count` events at index `start` or later that match, waiting at most `timeout`.
    public func waitFor(
        _ what: String, count: Int, from start: Int = 0, timeout: Duration = .seconds(10),
        _ predicate: (Event) -> Bool
    ) throws -> [Event] {
        let deadline = ContinuousClock.now + timeout
        var found: [Event] = []
        var checked = start
        while true {
            while checked < events.count && found.count < count {
                if predicate(events[checked]) { found.append(events[checked]) }
                checked += 1
            }
            if found.count >= count { return found }
            let remaining = deadline - ContinuousClock.now
            if outputEnded || remaining <= .zero {
                let why = outputEnded ? "the peer exited (status \(child.checkExit().map(String.init) ?? "?"))" : ""
                throw failure(
                    "no \(what) within \(timeout) (\(found.count) of \(count) seen) \(why)".trimmingCharacters(
                        in: .whitespaces))
            }
            pump(for: min(remaining, .milliseconds(500)))
        }
    }

    /// Reads what the peer printed meanwhile into `events`, without waiting: a test that runs
    /// something else for long calls it now and then, so that a busy peer never blocks on a full
    /// pipe.
    public func poll() { pump(for: .zero) }

    /// Whether command `id` has been answered (among the events read so far).
    public func hasReplied(to id: String) -> Bool {
        events.contains { ($0.name == "done" || $0.name == "error") && $0.string("id") == id }
    }

    /// Asks the peer to quit, waits a little for it, then kills it; idempotent.
    public func stop() {
        guard !stopped else { return }
        stopped = true
        if child.checkExit() == nil, child.write(Array(#"{"command": "quit"}"#.utf8) + [10], timeout: .seconds(1)) {
            child.waitForExit(timeout: .seconds(3))
        }
        child.kill()
    }

    /// The last lines of the peer's standard error (for failure messages).
    public var standardErrorTail: String {
        let text = String(decoding: standardError, as: UTF8.self)
        return text.split(separator: "\n", omittingEmptySubsequences: false).suffix(30).joined(separator: "\n")
    }

    /// Reads what the peer printed within `duration` into `events`.
    private func pump(for duration: Duration) {
        let chunk = child.read(timeout: duration)
        standardError += chunk.errors
        if standardError.count > 65536 { standardError.removeFirst(standardError.count - 65536) }
        partialLine += chunk.output
        while let newline = partialLine.firstIndex(of: 10) {
            let line = String(decoding: partialLine[..<newline], as: UTF8.self)
            partialLine.removeSubrange(...newline)
            guard !line.isEmpty else { continue }
            let fields = JSONValue(jsonLine: line) ?? ["event": "unparsed", "line": .string(line)]
            events.append(Event(name: fields["event"]?.string ?? "unparsed", fields: fields))
        }
        if chunk.outputEnded { outputEnded = true }
    }

    public func failure(_ text: String) -> FixtureError {
        let recent = events.suffix(8).map { "  \($0)" }.joined(separator: "\n")
        return FixtureError(
            "\(label): \(text)\nlast events:\n\(recent)\nstandard error (end):\n\(standardErrorTail)")
    }
}

extension Duration {
    /// The duration in seconds, as the peer's `timeout` fields take it.
    var seconds: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}
