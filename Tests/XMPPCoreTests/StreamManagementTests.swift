import TestSupport
import Testing
import XMPPCore

/// XEP-0198 over a scripted server: counting, acks, resumption, dead links.
@Suite struct StreamManagementTests {
    static let jid = try! JID("juliet@example.org")
    static let romeo = try! JID("romeo@example.net/orchard")

    /// A harness whose events are recorded from the start (the scripted negotiation discards its own).
    final class Recorder {
        let harness: SessionHarness
        var events: [SessionEvent] = []

        init(resumption: StreamResumption? = nil, script: SessionHarness.StreamManagementScript) throws {
            harness = SessionHarness(
                configuration: SessionConfiguration(
                    jid: StreamManagementTests.jid, password: "pw", resource: "tern", resumption: resumption))
            harness.onEvent = { [unowned self] in self.events.append($0) }
            try harness.establishScripted(streamManagement: script)
        }

        var acknowledgements: [UInt32] {
            events.compactMap {
                if case .streamManagement(.acknowledged(let h)) = $0 { h } else { nil }
            }
        }

        func send(_ bodies: [String]) {
            harness.perform { session in
                for body in bodies { session.send(Message.chat(to: StreamManagementTests.romeo, body: body, id: body)) }
            }
        }

        func receive(_ count: Int) {
            for index in 0..<count {
                harness.serverSends(
                    "<message from='romeo@example.net/orchard' to='juliet@example.org/tern' type='chat' id='in\(index)'>"
                        + "<body>hello \(index)</body></message>")
            }
        }
    }

    @Test func enablesWithResumptionAfterBindAndCountsOnlyStanzas() throws {
        let recorder = try Recorder(script: .enabled(id: "sm-id-1", max: 120))
        let session = recorder.harness.session
        #expect(recorder.events.contains(.streamManagement(.enabled(resumable: true))))
        #expect(session.isStreamManaged)
        #expect(session.resumption?.id == "sm-id-1")
        #expect(session.resumption?.maximumSeconds == 120)
        _ = recorder.harness.takeWritten()

        recorder.receive(2)
        recorder.harness.serverSends("<presence from='romeo@example.net/orchard'/>")
        recorder.harness.serverSends("<a xmlns='urn:xmpp:sm:3' h='0'/>")
        recorder.harness.serverSends("<r xmlns='urn:xmpp:sm:3'/>")
        #expect(recorder.harness.takeWritten() == ["<a xmlns='urn:xmpp:sm:3' h='3'/>"])
    }

    @Test func aStanzaTooDeepToReadStillCountsAndIsReported() throws {
        let recorder = try Recorder(script: .enabled())
        _ = recorder.harness.takeWritten()
        let deep = String(repeating: "<a>", count: 200) + String(repeating: "</a>", count: 200)
        recorder.harness.serverSends("<message from='romeo@example.net/orchard' id='deep'>\(deep)</message>")
        recorder.receive(1)
        recorder.harness.serverSends("<r xmlns='urn:xmpp:sm:3'/>")
        #expect(recorder.harness.takeWritten() == ["<a xmlns='urn:xmpp:sm:3' h='2'/>"])
        #expect(
            recorder.events.contains(.discarded("<message/>: a stanza nested deeper than 128 levels")),
            "the owner hears of it")
        let delivered = recorder.events.compactMap { if case .stanza(let stanza) = $0 { stanza.id } else { nil } }
        #expect(delivered == ["in0"])
        #expect(recorder.harness.session.phase == .established)
    }

    @Test func aNonStanzaTooWideToReadIsReportedButNotCounted() throws {
        let recorder = try Recorder(script: .enabled())
        _ = recorder.harness.takeWritten()
        let attributes = (0..<200).map { "a\($0)='\($0)'" }.joined(separator: " ")
        recorder.harness.serverSends("<r xmlns='urn:xmpp:sm:3' \(attributes)/>")
        recorder.receive(1)
        recorder.harness.serverSends("<r xmlns='urn:xmpp:sm:3'/>")
        #expect(recorder.harness.takeWritten() == ["<a xmlns='urn:xmpp:sm:3' h='1'/>"])
        #expect(recorder.events.contains { if case .discarded = $0 { true } else { false } })
    }

    @Test func aBurstOfRequestsGetsOneAckAndTheOwnerHearsOfItFirst() throws {
        let recorder = try Recorder(script: .enabled())
        let harness = recorder.harness
        _ = harness.takeWritten()
        var writtenWhenTold: [String]?
        harness.onEvent = { event in
            if case .streamManagement(.acknowledging(let handled)) = event, handled == 2 {
                writtenWhenTold = harness.written
            }
        }
        harness.serverSends(
            "<message from='romeo@example.net/orchard' type='chat'><body>1</body></message><r xmlns='urn:xmpp:sm:3'/>"
                + "<message from='romeo@example.net/orchard' type='chat'><body>2</body></message><r xmlns='urn:xmpp:sm:3'/>"
        )
        #expect(harness.takeWritten() == ["<a xmlns='urn:xmpp:sm:3' h='2'/>"], "one answer for the read")
        #expect(writtenWhenTold == [], "the owner could persist the count before the server saw it")
    }

    @Test func theEnableRequestFollowsBind() throws {
        let harness = SessionHarness(
            configuration: SessionConfiguration(jid: Self.jid, password: "pw", resource: "tern"))
        try harness.establishScripted(streamManagement: .enabled())
        #expect(harness.written == ["<enable xmlns='urn:xmpp:sm:3' resume='true'/>"])
    }

    @Test func outboundStanzasWaitForTheServersAck() throws {
        let recorder = try Recorder(script: .enabled())
        _ = recorder.harness.takeWritten()
        let session = recorder.harness.session
        #expect(session.nextOutboundSequence == 1)
        recorder.send(["m1", "m2", "m3"])
        let written = recorder.harness.takeWritten()
        #expect(written.count == 4, "one ack request for the batch, not one per stanza")
        #expect(written[1] == "<r xmlns='urn:xmpp:sm:3'/>")
        #expect(session.unacknowledgedCount == 3)

        recorder.harness.serverSends("<a xmlns='urn:xmpp:sm:3' h='2'/>")
        #expect(recorder.acknowledgements == [2])
        #expect(session.unacknowledgedCount == 1)
        #expect(recorder.harness.takeWritten() == ["<r xmlns='urn:xmpp:sm:3'/>"], "still waiting: ask again")
        recorder.harness.serverSends("<a xmlns='urn:xmpp:sm:3' h='3'/>")
        #expect(session.unacknowledgedCount == 0)
        #expect(recorder.harness.takeWritten().isEmpty)
        recorder.harness.serverSends("<a xmlns='urn:xmpp:sm:3' h='3'/>")
        #expect(recorder.acknowledgements == [2, 3], "a repeated h acknowledges nothing new")
    }

    @Test func anAckForMoreThanWasSentIsAStreamError() throws {
        let recorder = try Recorder(script: .enabled())
        recorder.send(["m1"])
        _ = recorder.harness.takeWritten()
        recorder.harness.serverSends("<a xmlns='urn:xmpp:sm:3' h='5'/>")
        #expect(recorder.harness.takeWritten().first?.contains("undefined-condition") == true)
        #expect(!recorder.harness.session.isEstablished)
    }

    @Test func resumptionResendsOnlyWhatTheServerMissedUnderTheSameNumbers() throws {
        let first = try Recorder(script: .enabled(id: "prev"))
        first.receive(2)
        first.send(["m1", "m2", "m3"])
        first.harness.serverSends("<a xmlns='urn:xmpp:sm:3' h='1'/>")
        let written = first.harness.takeWritten()
        let m3 = try #require(written.first { $0.contains("id='m3'") })
        first.harness.perform { $0.transportClosed() }
        let previous = try #require(first.harness.session.resumption)
        #expect(previous.handled == 2)
        #expect(previous.unacked.map(\.sequence) == [2, 3])

        let second = try Recorder(resumption: previous, script: .resumed(h: 2))
        #expect(second.events.contains(.resumed(jid: try JID("juliet@example.org/tern"))))
        #expect(!second.events.contains { if case .established = $0 { true } else { false } }, "no new session")
        #expect(second.acknowledgements == [2])
        #expect(second.harness.takeWritten() == [m3, "<r xmlns='urn:xmpp:sm:3'/>"])
        #expect(second.harness.session.boundJID.description == "juliet@example.org/tern")

        second.harness.serverSends("<a xmlns='urn:xmpp:sm:3' h='3'/>")
        #expect(second.harness.session.unacknowledgedCount == 0)
        second.receive(1)
        second.harness.serverSends("<r xmlns='urn:xmpp:sm:3'/>")
        #expect(second.harness.takeWritten() == ["<a xmlns='urn:xmpp:sm:3' h='3'/>"], "the inbound count continues")
    }

    @Test func aResumedStreamKeepsItsIdentityAndCounts() throws {
        let previous = StreamResumption(
            id: "abc", boundJID: try JID("juliet@example.org/tern"), handled: 41, sent: 7, acknowledged: 7)
        let recorder = try Recorder(resumption: previous, script: .resumed(h: 7))
        #expect(recorder.harness.written.isEmpty, "nothing left to resend")
        #expect(recorder.harness.session.isEstablished)
        #expect(recorder.harness.session.resumption?.id == "abc")
        #expect(recorder.harness.session.resumption?.handled == 41)
        #expect(recorder.acknowledgements.isEmpty)
    }

    @Test func afterARestartTheServersCountIsTaken() throws {
        let stored = StreamResumption(
            id: "stored", boundJID: try JID("juliet@example.org/tern"), handled: 10, sent: nil, acknowledged: 0)
        let recorder = try Recorder(resumption: stored, script: .resumed(h: 7))
        #expect(recorder.harness.session.nextOutboundSequence == 8)
        recorder.send(["m8"])
        recorder.harness.serverSends("<a xmlns='urn:xmpp:sm:3' h='8'/>")
        #expect(recorder.harness.session.unacknowledgedCount == 0)
    }

    @Test func aFailedResumptionBindsANewSessionAndReportsWhatTheServerHad() throws {
        let first = try Recorder(script: .enabled(id: "old"))
        first.send(["m1", "m2"])
        first.harness.perform { $0.transportClosed() }
        let previous = try #require(first.harness.session.resumption)

        let second = try Recorder(resumption: previous, script: .resumeFailed(h: 1, newID: "new"))
        #expect(second.events.contains(.streamManagement(.resumeFailed(acknowledged: 1))))
        #expect(second.events.contains(.established(jid: try JID("juliet@example.org/tern"))))
        #expect(second.harness.session.resumption?.id == "new")
        #expect(second.harness.session.unacknowledgedCount == 0, "the owner resends, as new stanzas")
        #expect(!second.harness.written.contains { $0.contains("id='m2'") })
    }

    @Test func countersWrapAround() throws {
        let stored = StreamResumption(
            id: "wrap", boundJID: try JID("juliet@example.org/tern"), handled: .max, sent: .max - 1,
            acknowledged: .max - 1)
        let recorder = try Recorder(resumption: stored, script: .resumed(h: .max - 1))
        _ = recorder.harness.takeWritten()
        recorder.receive(1)
        recorder.harness.serverSends("<r xmlns='urn:xmpp:sm:3'/>")
        #expect(recorder.harness.takeWritten() == ["<a xmlns='urn:xmpp:sm:3' h='0'/>"])
        recorder.send(["a", "b"])
        #expect(recorder.harness.session.nextOutboundSequence == 1)
        recorder.harness.serverSends("<a xmlns='urn:xmpp:sm:3' h='0'/>")
        #expect(recorder.harness.session.unacknowledgedCount == 0)
        #expect(recorder.acknowledgements == [0])
    }

    @Test func anUnansweredAckRequestMeansADeadLink() throws {
        let recorder = try Recorder(script: .enabled())
        recorder.send(["m1"])
        recorder.harness.advance(by: .seconds(9))
        #expect(recorder.harness.session.isEstablished)
        recorder.harness.advance(by: .seconds(1))
        #expect(recorder.events.last == .closed(.pingTimeout))
        #expect(recorder.harness.transportClosed)
        #expect(recorder.harness.session.resumption != nil, "the stream can still be resumed")
    }

    @Test func trafficFromTheServerKeepsTheLinkAlive() throws {
        let recorder = try Recorder(script: .enabled())
        recorder.send(["m1"])
        recorder.harness.advance(by: .seconds(5))
        recorder.receive(1)
        recorder.harness.advance(by: .seconds(6))
        #expect(recorder.harness.session.isEstablished)
    }

    @Test func closingAcknowledgesWhatWasHandled() throws {
        let recorder = try Recorder(script: .enabled())
        recorder.receive(2)
        recorder.send(["m1"])
        #expect(recorder.harness.takeWritten().last == "<r xmlns='urn:xmpp:sm:3'/>")
        recorder.harness.perform { $0.close() }
        #expect(recorder.harness.takeWritten() == ["<a xmlns='urn:xmpp:sm:3' h='2'/>", "</stream:stream>"])
        recorder.harness.serverSends("<a xmlns='urn:xmpp:sm:3' h='1'/>")
        #expect(recorder.acknowledgements == [1], "the answer still counts while closing")
    }

    @Test func anAbandonedStanzaIsNotAcknowledged() throws {
        let recorder = try Recorder(script: .enabled())
        recorder.receive(2)
        recorder.harness.perform { $0.abandonLastInbound(reason: "disk full") }
        #expect(recorder.events.last == .closed(.local("disk full")))
        #expect(recorder.harness.transportClosed)
        #expect(!recorder.harness.written.contains { $0.contains("</stream:stream>") }, "no polite close")
        #expect(recorder.harness.session.resumption?.handled == 1, "resumption asks for it again")
    }

    @Test func withoutServerSupportTheOwnerIsTold() throws {
        let recorder = try Recorder(script: .none)
        #expect(
            recorder.events.contains(.streamManagement(.unavailable("the server does not offer stream management"))))
        #expect(!recorder.harness.session.isStreamManaged)
        recorder.send(["m1"])
        #expect(recorder.harness.takeWritten().count == 1, "no ack requests")
    }

    @Test func streamManagementCanBeSwitchedOff() throws {
        let harness = SessionHarness(
            configuration: SessionConfiguration(
                jid: Self.jid, password: "pw", resource: "tern", streamManagement: false))
        #expect(throws: (any Error).self) { try harness.establishScripted(streamManagement: .enabled()) }
        #expect(harness.session.isEstablished)
        #expect(!harness.session.isStreamManaged)
        #expect(!harness.written.contains { $0.contains("urn:xmpp:sm:3") })
    }
}
