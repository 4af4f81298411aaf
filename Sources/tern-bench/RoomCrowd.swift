import Foundation
import Networking
import Synchronization
import TestServers
import XMPPClient
import XMPPCore
import XMPPExtensions

/// The occupants of a large room: one account connected `count` times (a resource and a nick
/// each, `c000` …; Prosody 0.12 limits neither resources nor connections per account), every
/// connection in the room. They live on a thread of their own with their own event loop, which
/// reads whatever the room sends them while the benchmark drives Tern (a room whose occupants
/// stop reading slows its server to a crawl).
final class RoomCrowd: Sendable {
    let room: JID
    private let state = Mutex(State())

    private struct State {
        var entered = 0
        var failure: String?
        var leaving = false
        var gone = false
    }

    /// Logs in `count` connections of `user` and enters `room` with each, `batch` at a time;
    /// returns once all are in.
    init(server: ProsodyServer, user: String, count: Int, room: JID, batch: Int = 50) throws {
        self.room = room
        Thread.detachNewThread { [self] in
            live(server: server, user: user, count: count, batch: batch)
        }
        let deadline = Date().addingTimeInterval(900)
        while true {
            let (entered, failure) = state.withLock { ($0.entered, $0.failure) }
            if let failure { throw FixtureError(failure) }
            if entered == count { return }
            guard Date() < deadline else { throw FixtureError("\(entered) of \(count) occupants entered \(room)") }
            Thread.sleep(forTimeInterval: 0.1)
        }
    }

    static func nick(_ index: Int) -> String { "c" + String(format: "%03d", index) }

    /// The crowd's thread: logs in and enters, then reads until `disconnect()`, then logs out.
    private func live(server: ProsodyServer, user: String, count: Int, batch: Int) {
        do {
            let loop = try EventLoop()
            var connections: [XMPPConnection] = []
            var established = 0
            var entered = 0
            var ended = 0
            while connections.count < count {
                let first = connections.count
                for index in first..<min(count, first + batch) {
                    // While the room sends the newcomers everyone's presence and everyone theirs,
                    // an occupant may wait seconds for its turn on the loop: no acks or keep-alive
                    // pings that would count that as a dead link.
                    var settings = IMBenchmark.settings(server: server, user: user, resource: Self.nick(index))
                    settings.session.streamManagement = false
                    settings.session.pingInterval = .seconds(3600)
                    let connection = XMPPConnection(loop: loop, settings: settings, extensions: [PingResponder()])
                    connection.onEvent = { event in
                        switch event {
                        case .established: established += 1
                        case .stanza(let stanza):
                            if let presence = MUCOccupantPresence(stanza), presence.isSelf, presence.isAvailable {
                                entered += 1
                            }
                        case .disconnected: ended += 1
                        default: break
                        }
                    }
                    connections.append(connection)
                    connection.connect()
                }
                guard loop.run(for: .seconds(60), until: { established == connections.count }) else {
                    throw FixtureError("\(established) of \(connections.count) occupants logged in")
                }
                for index in first..<connections.count {
                    _ = connections[index].send(
                        try MUCJoin.presence(room: room, nick: Self.nick(index), historyStanzas: 0))
                }
                guard loop.run(for: .seconds(60), until: { entered == connections.count }) else {
                    throw FixtureError("\(entered) of \(connections.count) occupants entered \(room)")
                }
                state.withLock { $0.entered = entered }
            }
            while !state.withLock({ $0.leaving }) { loop.runOnce(maximumWait: .milliseconds(100)) }
            for connection in connections { connection.disconnect() }
            loop.run(for: .seconds(10)) { ended >= connections.count }
        } catch {
            state.withLock { $0.failure = "\(error)" }
        }
        state.withLock { $0.gone = true }
    }

    /// Logs every occupant out (waits at most 15 s).
    func disconnect() {
        state.withLock { $0.leaving = true }
        let deadline = Date().addingTimeInterval(15)
        while !state.withLock({ $0.gone }) && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
    }
}
