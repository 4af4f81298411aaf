import ChatModel
import Testing
import XMPPCore

/// Strangers flooding the account: requests fold into the roster's Requests instead of pushing
/// everything else out of the log.
@Suite struct ContactFloodTests {
    @Test func threeThousandRequestsLeaveAFewLogLines() throws {
        let fixture = ModelFixture()
        fixture.connect()
        let before = fixture.model.log.count
        for index in 0..<3_000 {
            fixture.harness.serverSends("<presence from='spam\(index)@evil.example' type='subscribe'/>")
            if index % 100 == 0 { fixture.scheduler.advance(by: .seconds(1)) }
        }
        // The same stranger again and again adds nothing.
        for _ in 0..<100 { fixture.harness.serverSends("<presence from='spam0@evil.example' type='subscribe'/>") }
        let lines = fixture.model.log.dropFirst(before).filter { $0.text.contains("presence") }
        #expect(
            fixture.account.feature(RosterFeature.self)!.requests.count == 3_000, "all are kept, for the Requests list")
        #expect(lines.count <= 3 + 1, "three one by one, then one summary a minute: \(lines.map(\.text))")
        #expect(lines.last?.text.contains("requests to see your presence are waiting") == true)
        fixture.scheduler.advance(by: .seconds(61))
        fixture.harness.serverSends("<presence from='late@evil.example' type='subscribe'/>")
        #expect(fixture.model.log.last?.text.hasPrefix("3001 requests to see your presence are waiting") == true)
    }

    @Test func aRequestIsBlockedAndReportedAsSpamInOneCommand() throws {
        let fixture = ModelFixture()
        fixture.connect()
        fixture.harness.serverSends("<presence from='spam@evil.example' type='subscribe'/>")
        #expect(fixture.account.feature(RosterFeature.self)!.requests == [try JID("spam@evil.example")])
        _ = fixture.harness.takeWritten()
        fixture.model.submit("/block spam@evil.example spam")
        let iq = try #require(fixture.harness.takeWrittenElements().first)
        // XEP-0377 example 1.
        #expect(
            iq.matches(
                "<iq type='set' id='*'><block xmlns='urn:xmpp:blocking'><item jid='spam@evil.example'>"
                    + "<report xmlns='urn:xmpp:reporting:1' reason='urn:xmpp:reporting:spam'/></item></block></iq>"))
        fixture.harness.serverSends("<iq type='result' id='\(iq.id!)'/>")
        #expect(fixture.account.feature(RosterFeature.self)!.requests.isEmpty, "the request goes with the block")
        #expect(fixture.model.log.last?.text == "blocked spam@evil.example and reported it as spam")
        fixture.model.submit("/block x@evil.example ham")
        #expect(fixture.model.log.last?.text.contains("\"ham\" is not a report: spam or abuse") == true)
    }

    @Test func strangersWriteIntoRequestsNotAWindowEach() throws {
        let fixture = ModelFixture()
        fixture.connect(rosterItems: "<item jid='romeo@example.net' subscription='both'/>")
        for index in 0..<1_500 {
            fixture.harness.serverSends(
                "<message from='spam\(index % 50)@evil.example/x' type='chat' id='s\(index)'><body>buy \(index)</body></message>"
            )
        }
        #expect(fixture.model.windows.count == 1, "no window for any of them")
        #expect(fixture.model.strangers.count == 50)
        #expect(fixture.model.unreadCounts[try fixture.key("spam7@evil.example")] == 30)
        let notes = fixture.model.log.filter { $0.text.contains("not in your roster") }
        #expect(notes.count == 4, "three by name, then one count: \(notes.map(\.text))")
        #expect(
            try fixture.store.lastMessages(
                account: fixture.account.accountID, conversation: try JID("spam7@evil.example"), limit: 100
            ).count == 30, "stored, to be read")
        // A contact still gets a window; opening a stranger's chat makes it an ordinary one.
        fixture.harness.serverSends("<message from='romeo@example.net/o' type='chat'><body>hi</body></message>")
        #expect(fixture.model.windows.count == 2)
        fixture.open(try JID("spam7@evil.example"), focus: true)
        #expect(!fixture.model.strangers.contains(try fixture.key("spam7@evil.example")))
        #expect(fixture.model.currentWindow.messages.count == 30)
    }

    @Test func droppingStrangersStoresNothingAndCountsThem() throws {
        let fixture = ModelFixture()
        fixture.account.behaviour.strangers = .drop
        fixture.connect(rosterItems: "<item jid='romeo@example.net' subscription='both'/>")
        for index in 0..<100 {
            fixture.harness.serverSends(
                "<message from='spam@evil.example/x' type='chat' id='s\(index)'><body>buy</body></message>")
        }
        fixture.scheduler.advance(by: .seconds(61))
        fixture.harness.serverSends(
            "<message from='spam@evil.example/x' type='chat' id='last'><body>buy</body></message>")
        fixture.harness.serverSends("<message from='romeo@example.net/o' type='chat'><body>hi</body></message>")
        #expect(
            try fixture.store.lastMessages(
                account: fixture.account.accountID, conversation: try JID("spam@evil.example"), limit: 10
            ).isEmpty)
        let lines = fixture.model.log.filter { $0.text.contains("from people not in your roster") }.map(\.text)
        #expect(lines.count == 2, "one a minute: \(lines)")
        #expect(lines.last?.hasPrefix("dropped 101 message(s)") == true)
        #expect(fixture.model.windows.count == 2, "romeo's message is not dropped")
    }
}
