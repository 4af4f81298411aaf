import ChatModel
import ChatStore
import XMPPCore
import XMPPExtensions

/// `tern send --groupchat`: a short visit to a room (`MUCOneShotSend`) for one message.
extension OneShotSend {
    func visit(_ jid: JID, as nick: String, password: String?) {
        let session = connection.session
        var visit = MUCOneShotSend(room: jid, nick: nick, password: password, body: text, messageID: session.makeID())
        sentID = visit.messageID
        let actions = visit.start(queryID: session.makeID())
        room = visit
        perform(actions)
    }

    /// Does what the visit asks: send, ask, or finish with its outcome.
    func perform(_ actions: [MUCOneShotSend.Action]) {
        for action in actions {
            switch action {
            case .send(let stanza):
                connection.send(stanza)
            case .query(let iq):
                connection.sendIQ(iq) { [unowned self] result in perform(room?.answered(result) ?? []) }
            case .finished(.delivered):
                finish(.success)
            case .finished(.failed(let failure)):
                finish(.failure(describe(failure)))
            }
        }
    }

    private func describe(_ failure: MUCOneShotSend.Failure) -> String {
        let jid = room?.room.description ?? "the room"
        switch failure {
        case .roomNotFound: return "\(jid) does not exist"
        case .notARoom: return "\(jid) is not a room (its disco#info lists no group chat)"
        case .infoFailed(let failure): return "\(jid) did not say what it is: \(failure)"
        case .invalidNick(let nick): return "cannot enter \(jid): \"\(nick)\" cannot be a nick"
        case .refused(.passwordRequired):
            return "cannot enter \(jid): \(RoomsFeature.describe(.passwordRequired)) (tern send uses the one you"
                + " entered it with in Tern: /join \(jid)/NICK PASSWORD there first)"
        case .refused(let error): return "cannot enter \(jid): \(RoomsFeature.describe(error))"
        case .messageRefused(let error): return "\(jid) refused the message: \(error)"
        }
    }

    /// Our room message as the interactive client stores its own, once it went out: passed on
    /// by the room (with the room's stanza-id), refused (with the error), or sent.
    func roomMessage() -> (message: NewMessage, rejection: String?)? {
        guard let room, room.messageSent else { return nil }
        var state = DeliveryState.sent
        var stanzaID: String?
        var rejection: String?
        switch room.outcome {
        case .delivered(let id)?:
            state = .delivered
            stanzaID = id
        case .failed(.messageRefused(let error))?:
            rejection = error.description
        case .failed?, nil:
            break
        }
        let message = RoomsFeature.sentMessage(
            text, to: room.room, as: room.nick, occupantID: room.occupantID, id: room.messageID, stanzaID: stanzaID,
            timestamp: Clock.nowMilliseconds(), state: state)
        return (message, rejection)
    }
}
