import ChatModel
import ChatRuntime
import ChatStore
import Foundation
import Networking
import TestServers
import TestSupport
import Testing
import XMPPCore

/// Tern as alice on a real server, through the model a user types into: for the room integration
/// tests, with slixmpp peers (`RoomPeer`) as the other occupants.
final class RoomTern {
    let account: LiveAccount
    let model: AppModel
    var rooms: RoomsFeature { account.controller.feature(RoomsFeature.self)! }
    var loop: EventLoop { account.loop }

    /// Alice online on `server` (through `port`, a proxy's, when given), her timers on
    /// `scheduler` (one on `loop`) when given.
    init(
        _ server: any XMPPTestServer, port: Int? = nil,
        keepAlive: (interval: Duration, timeout: Duration) = (.seconds(20), .seconds(10)),
        loop: EventLoop? = nil, scheduler: (any Scheduler)? = nil
    ) throws {
        let loop = try loop ?? EventLoop()
        account = try LiveAccount(
            loop: loop, server: server, user: "alice", port: port, keepAlive: keepAlive, scheduler: scheduler)
        model = AppModel(
            accounts: [account.controller], settings: UISettings(),
            scheduler: scheduler ?? EventLoopScheduler(loop: loop))
        #expect(account.connect())
    }

    func key(_ room: String) throws -> ConversationKey { model.conversation(try JID(room), on: account.controller) }

    /// Joins `room` as `nick` and opens its window; a new room is created with the default
    /// configuration (waited for).
    @discardableResult
    func enter(_ room: String, creating: Bool, nick: String = "Alice") throws -> ChatWindow {
        let jid = try JID(room)
        rooms.join(jid, nick: nick)
        let window = model.openChat(model.conversation(jid, on: account.controller), focus: true)
        let entered = account.wait(timeout: .seconds(15)) {
            rooms.isJoined(jid) && (!creating || notices(window).contains { $0.hasPrefix("created ") })
        }
        #expect(entered, "\(notices(window))")
        return window
    }

    func notices(_ window: ChatWindow) -> [String] { model.noticesOf(window).map(\.text) }

    /// The console's log (the model takes the account's events, so `LiveAccount.logText` is empty).
    var logText: String { model.log.map(\.text).joined(separator: "\n") }

    /// The room's stored messages, oldest first.
    func messages(in room: String) -> [StoredMessage] { account.messages(with: room) }

    /// Types a command in the current window and waits until its window says `said`.
    @discardableResult
    func run(_ command: String, until said: @escaping (String) -> Bool) -> Bool {
        let window = model.currentWindow
        let before = notices(window).count
        model.submit(command)
        let seen = account.wait(timeout: .seconds(10)) { notices(window).dropFirst(before).contains(where: said) }
        #expect(seen, "\(command): the window says \(notices(window).dropFirst(before))")
        return seen
    }

    /// Waits until the current window shows a form, and returns it.
    func form() throws -> EditedForm {
        let window = model.currentWindow
        account.wait(timeout: .seconds(10)) { model.form(in: window) != nil }
        return try #require(model.form(in: window), "no form; the window says \(notices(window))")
    }

    func set(_ name: String, _ values: [String]) throws {
        let window = model.currentWindow
        let field = try #require(try form().fields.first { $0.name == name }, "no field \(name)")
        #expect(model.setFormField(field.id, to: values, in: window))
    }

    /// Submits the form and waits until the room accepted it (the form closed).
    func submit() throws {
        let window = model.currentWindow
        #expect(model.submitForm(in: window), "\(String(describing: model.form(in: window)))")
        let closed = account.wait(timeout: .seconds(10)) { model.form(in: window) == nil }
        #expect(closed, "\(String(describing: model.form(in: window)?.refusal)) \(notices(window))")
    }

    /// The first event of `peer` from `mark` on that matches, running Tern's loop meanwhile (what
    /// Tern sends goes out, and what it is sent is read, only while its loop runs).
    @discardableResult
    func waitFor(
        _ what: String, of peer: RoomPeer, from mark: Int = 0, timeout: Duration = .seconds(10),
        _ predicate: (RoomPeer.Event) -> Bool
    ) throws -> RoomPeer.Event {
        var found: RoomPeer.Event?
        wait(timeout: timeout, reading: [peer]) {
            found = peer.events[mark...].first(where: predicate)
            return found != nil
        }
        guard let found else {
            throw FixtureError(
                "\(peer.jid) saw no \(what) within \(timeout); its last events: \(peer.events.suffix(6))")
        }
        return found
    }

    /// Runs Tern's loop and reads `peers`' output until `condition` holds (at most `timeout`).
    @discardableResult
    func wait(timeout: Duration = .seconds(10), reading peers: [RoomPeer] = [], until condition: () -> Bool) -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            for peer in peers { peer.poll() }
            if condition() { return true }
            loop.run(for: .milliseconds(20)) { false }
        }
        for peer in peers { peer.poll() }
        return condition()
    }
}

/// A fresh room name on the server's room service.
func newRoom(_ server: any XMPPTestServer, _ name: String) -> String {
    "\(name)-\(UUID().uuidString.prefix(8).lowercased())@\(server.conferenceDomain)"
}
