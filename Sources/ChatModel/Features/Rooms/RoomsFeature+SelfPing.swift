import XMPPCore
import XMPPExtensions

/// XEP-0410 MUC Self-Ping: a room restarted, or a server-to-server link that broke, can drop us
/// from a room without a word, and the room then just looks quiet. After `selfPingIdle` without
/// a stanza from a room, Tern pings its own occupant JID there: an answer (or an error saying
/// the ping reached a client of ours) means we are in; `not-acceptable` and the other errors of
/// §3.2 mean we are not, and the room is entered again (its archive fills the gap); no answer
/// tells nothing, and the ping is tried again after `selfPingRetry`. No ping goes out while a
/// nick change waits for its answer (§4), nor while the account is offline (a stream waiting to
/// be resumed sends nothing).
extension RoomsFeature {
    /// How long a room may stay silent before we ask it whether we are still in it (§3.2's
    /// example: 15 minutes).
    static let selfPingIdle: Duration = .seconds(15 * 60)
    /// How often the rooms' silences are looked at.
    static let selfPingCheck: Duration = .seconds(60)
    /// After a ping that told nothing (no answer, the remote server unreachable), the next one.
    static let selfPingRetry: Duration = .seconds(5 * 60)

    /// Starts looking at the rooms' silences on this connection.
    func startSelfPings() {
        selfPingTimer?.cancel()
        selfPingTimer = account.scheduler.schedule(after: Self.selfPingCheck) { [weak self] in
            self?.selfPingCheckDue()
        }
    }

    func stopSelfPings() {
        selfPingTimer?.cancel()
        selfPingTimer = nil
    }

    /// Anything from a room (a presence, a message) shows we are in it.
    func heard(from room: Room) {
        room.lastHeard = account.scheduler.now
    }

    private func selfPingCheckDue() {
        guard let session = account.session else { return }
        let now = account.scheduler.now
        for room in rooms.values
        where room.state == .joined && !room.selfPinging && !room.nickChangePending
            && now - room.lastHeard >= Self.selfPingIdle.milliseconds
        {
            selfPing(room, in: session)
        }
        startSelfPings()
    }

    func selfPing(_ room: Room, in session: XMPPSession) {
        guard let request = try? MUCSelfPing.request(room: room.jid, nick: room.nick, id: session.makeID()) else {
            return
        }
        room.selfPinging = true
        session.sendIQ(request) { [weak self, weak room] result in
            guard let self, let room else { return }
            room.selfPinging = false
            guard room.state == .joined, self.account.session === session else { return }
            let now = self.account.scheduler.now
            switch MUCSelfPing.classify(result) {
            case .joined:
                room.lastHeard = now
            case .unknown:
                room.lastHeard = now - Self.selfPingIdle.milliseconds + Self.selfPingRetry.milliseconds
            case .notJoined:
                self.notice(room.jid, "\(room.jid) no longer counts you in (it may have restarted); entering it again")
                self.enterAgain(room)
            }
        }
    }
}
