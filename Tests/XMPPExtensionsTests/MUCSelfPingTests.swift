import Testing
import XMPPCore
import XMPPExtensions

/// Self-pings, from XEP-0410's own examples and its §3.2 list of answers.
@Suite struct MUCSelfPingTests {
    func stanza(_ xml: String) throws -> XMLElement { try #require(XMLElement.parse(xml)) }

    /// XEP-0410 Example 1: Self-Ping by Juliet's Client.
    @Test func thePingGoesToOurOwnOccupantJID() throws {
        let ping = try MUCSelfPing.request(
            room: try JID("characters@chat.shakespeare.lit"), nick: "JuliC", id: "s2c1")
        #expect(
            ping.matches(
                "<iq id='s2c1' type='get' to='characters@chat.shakespeare.lit/JuliC'><ping xmlns='urn:xmpp:ping'/></iq>"
            ))
        #expect(throws: JIDError.self) {
            try MUCSelfPing.request(room: try JID("characters@chat.shakespeare.lit"), nick: "", id: "x")
        }
    }

    /// XEP-0410 Example 2: Server Response to a Non-Occupant.
    @Test func notAcceptableMeansRejoin() throws {
        let answer = try stanza(
            """
            <iq from='characters@chat.shakespeare.lit/JuliC' id='s2c1' type='error' to='juliet@capulet.lit/client' >
              <error type="cancel" by="characters@chat.shakespeare.lit">
                <not-acceptable xmlns="urn:ietf:params:xml:ns:xmpp-stanzas" />
              </error>
            </iq>
            """)
        #expect(MUCSelfPing.classify(answer) == .notJoined)
    }

    @Test func aResultMeansJoined() throws {
        #expect(
            MUCSelfPing.classify(
                try stanza("<iq from='characters@chat.shakespeare.lit/JuliC' id='s2c1' type='result'/>")) == .joined)
        #expect(MUCSelfPing.classify(.success(try stanza("<iq id='s2c1' type='result'/>"))) == .joined)
    }

    /// XEP-0410 §3.2, condition by condition, and every other condition of RFC 6120.
    @Test func eachErrorIsClassifiedAsTheXEPLists() {
        let expected: [StanzaErrorCondition: MUCSelfPing.Outcome] = [
            .serviceUnavailable: .joined, .featureNotImplemented: .joined, .itemNotFound: .joined,
            .remoteServerNotFound: .unknown, .remoteServerTimeout: .unknown,
        ]
        for condition in StanzaErrorCondition.allCases {
            let outcome = MUCSelfPing.classify(StanzaError(condition))
            #expect(outcome == expected[condition] ?? .notJoined, "\(condition.rawValue)")
            #expect(MUCSelfPing.classify(.failure(.error(StanzaError(condition)))) == outcome)
        }
        #expect(MUCSelfPing.classify(StanzaError(.notAllowed)) == .notJoined, "the footnote's other answers")
        #expect(MUCSelfPing.classify(StanzaError(.badRequest)) == .notJoined)
    }

    @Test func noAnswerTellsNothing() {
        #expect(MUCSelfPing.classify(.failure(.timeout)) == .unknown)
        #expect(MUCSelfPing.classify(.failure(.disconnected)) == .unknown)
    }

    @Test func oddAnswersAreClassifiedWithoutCrashing() throws {
        #expect(
            MUCSelfPing.classify(try stanza("<iq id='s2c1' type='error'/>")) == .notJoined, "an error, no condition")
        #expect(
            MUCSelfPing.classify(
                try stanza("<iq id='s2c1' type='error'><error type='cancel'><gone-fishing xmlns='x'/></error></iq>"))
                == .notJoined)
        #expect(MUCSelfPing.classify(try stanza("<iq id='s2c1' type='get'/>")) == .unknown, "not an answer")
        #expect(MUCSelfPing.classify(try stanza("<message id='s2c1'/>")) == .unknown)
        #expect(Namespace.mucSelfPingOptimization == "http://jabber.org/protocol/muc#self-ping-optimization")
    }
}
