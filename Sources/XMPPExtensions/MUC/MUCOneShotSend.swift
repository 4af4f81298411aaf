import XMPPCore

/// XEP-0045: Multi-User Chat — one message to a room as a short-lived occupant (what `tern send
/// --groupchat` does): ask the room what it is (§6.4), enter it asking for no history (§7.2.13),
/// send the message with an origin-id (XEP-0359), take the room's reflection of it to its
/// occupants (§7.4) as the confirmation, and leave (§7.14).
///
///     <presence to='coven@chat.shakespeare.lit/thirdwitch'>
///       <x xmlns='http://jabber.org/protocol/muc'><history maxstanzas='0'/></x>
///     </presence>
///     <message to='coven@chat.shakespeare.lit' type='groupchat' id='b7'>
///       <body>Harpier cries: 'tis time, 'tis time.</body>
///       <origin-id xmlns='urn:xmpp:sid:0' id='b7'/>
///     </message>
///     <message from='coven@chat.shakespeare.lit/thirdwitch' type='groupchat' id='b7'>
///       <body>Harpier cries: 'tis time, 'tis time.</body>
///       <origin-id xmlns='urn:xmpp:sid:0' id='b7'/>
///       <stanza-id xmlns='urn:xmpp:sid:0' id='5f3d' by='coven@chat.shakespeare.lit'/>
///     </message>
///
/// Entering with the nick our interactive client uses there makes this one more session of the
/// same occupant where the server allows it, so the other occupants see no one come or go. A room
/// may take messages from non-occupants (§7.9 leaves it to the room), but Prosody and ejabberd
/// both answer them `not-acceptable`, so this always enters. A room that does not exist is not
/// created: disco#info says so first (`item-not-found`), and a join that creates one anyway
/// (status 201) leaves it at once.
///
/// A state machine: it does no I/O. Its owner sends what it returns, sends each `.query` as an
/// IQ and hands the answer to `answered(_:)`, and hands it every stanza from the room.
public struct MUCOneShotSend: Sendable {
    public enum Action: Sendable, Hashable {
        case send(XMLElement)
        /// An IQ to send, whose answer goes to `answered(_:)`.
        case query(XMLElement)
        /// Done; the connection may close.
        case finished(Outcome)
    }

    public enum Outcome: Sendable, Hashable {
        /// The room sent our message back to its occupants, with its stanza-id for it when the
        /// room says it assigns them (disco#info) and one element alone claims to be the room's.
        case delivered(stanzaID: String?)
        case failed(Failure)
    }

    public enum Failure: Error, Sendable, Hashable {
        case roomNotFound
        case notARoom
        /// The room did not answer what it is.
        case infoFailed(IQFailure)
        case invalidNick(String)
        /// The room refused us (§7.2.6-§7.2.11).
        case refused(MUCJoinError)
        /// The room returned our message with an error (a visitor in a moderated room: forbidden).
        case messageRefused(StanzaError)
    }

    private enum Phase: Sendable, Hashable {
        case idle, asking, entering, sending, done
    }

    public let room: JID
    /// Our nick: the one asked for, then the one the room gave us (status 210).
    public private(set) var nick: String
    /// Our occupant id (XEP-0421) from our own presence, when the room says it stamps them.
    public private(set) var occupantID: String?
    public let messageID: String
    /// The message went out (whatever came of it).
    public private(set) var messageSent = false
    /// How it ended, once it has.
    public private(set) var outcome: Outcome?
    private let password: String?
    private let body: String
    private var phase = Phase.idle
    private var info: MUCRoomInfo?

    /// `messageID` is the message's id and origin-id.
    public init(room: JID, nick: String, password: String?, body: String, messageID: String) {
        self.room = room.bare
        self.nick = nick
        self.password = password
        self.body = body
        self.messageID = messageID
    }

    /// The first step: ask the room what it is (`queryID`: the IQ's id).
    public mutating func start(queryID: String) -> [Action] {
        guard phase == .idle else { return [] }
        phase = .asking
        return [
            .query(.iq(.get, id: queryID, to: room, payload: XMLElement("query", namespace: Namespace.discoInfo)))
        ]
    }

    /// The room's disco#info answer: enter it, or stop.
    public mutating func answered(_ result: Result<XMLElement, IQFailure>) -> [Action] {
        guard phase == .asking else { return [] }
        switch result {
        case .failure(.error(let error)) where error.condition == .itemNotFound:
            return finish(.failed(.roomNotFound))
        case .failure(let failure):
            return finish(.failed(.infoFailed(failure)))
        case .success(let response):
            let disco = DiscoInfo(query: response.child("query", namespace: Namespace.discoInfo) ?? XMLElement("query"))
            guard disco.features.contains(Namespace.muc), let info = MUCRoomInfo(disco) else {
                return finish(.failed(.notARoom))
            }
            self.info = info
            guard let join = try? MUCJoin.presence(room: room, nick: nick, password: password, historyStanzas: 0) else {
                return finish(.failed(.invalidNick(nick)))
            }
            phase = .entering
            return [.send(join)]
        }
    }

    /// A stanza from the connection (anything not from the room is ignored).
    public mutating func receive(_ stanza: XMLElement) -> [Action] {
        guard let from = stanza.from, from.bare == room else { return [] }
        switch phase {
        case .entering: return entering(stanza)
        case .sending: return sending(stanza, from: from)
        case .idle, .asking, .done: return []
        }
    }

    private mutating func entering(_ stanza: XMLElement) -> [Action] {
        if let error = MUCJoinError(stanza) { return finish(.failed(.refused(error))) }
        guard let presence = MUCOccupantPresence(stanza), presence.isAvailable,
            presence.isSelf || presence.nick == nick
        else { return [] }
        nick = presence.nick
        occupantID = info?.hasOccupantIDs == true ? presence.occupantID : nil
        // Disco said the room exists; joining created it after all (it was destroyed between).
        if presence.statusCodes.contains(201) { return leave(.failed(.roomNotFound)) }
        phase = .sending
        messageSent = true
        return [.send(OutgoingMessage.groupchat(to: room, body: body, id: messageID))]
    }

    private mutating func sending(_ stanza: XMLElement, from: JID) -> [Action] {
        guard stanza.name == "message" else { return [] }
        let message = ChatMessage(stanza)
        if message.type == "error", message.id == messageID {
            return leave(.failed(.messageRefused(message.error ?? StanzaError(.undefinedCondition))))
        }
        guard message.type == "groupchat", from.resourcepart == nick, (message.originID ?? message.id) == messageID
        else { return [] }
        let claims = message.stanzaIDs(claimingToBe: room)
        // XEP-0359 §5: believed from a room that says it assigns them (an archive does too).
        let stamps = info.map { $0.stampsStanzaIDs || $0.hasArchive } ?? false
        return leave(.delivered(stanzaID: stamps && claims.count == 1 ? claims[0] : nil))
    }

    /// Leaves the room, then finishes.
    private mutating func leave(_ outcome: Outcome) -> [Action] {
        let presence = try? MUCJoin.leave(room: room, nick: nick)
        return (presence.map { [.send($0)] } ?? []) + finish(outcome)
    }

    private mutating func finish(_ outcome: Outcome) -> [Action] {
        phase = .done
        self.outcome = outcome
        return [.finished(outcome)]
    }
}
