import TestSupport
import Testing
import XMPPCore
import XMPPExtensions

/// XEP-0191 blocking from its own examples, for Juliet at capulet.com: the list on login, block
/// and unblock commands, pushes only from her own account, and XEP-0377 reports.
@Suite struct BlockingManagerTests {
    let harness: SessionHarness
    let blocking = BlockingManager()
    let box = Box()

    final class Box {
        var changes = 0
        var spoofed: [String?] = []
        var results: [Result<Void, IQFailure>] = []
    }

    init() throws {
        harness = try SessionHarness.established("juliet@capulet.com/chamber", [blocking])
        blocking.onChange = { [box] in box.changes += 1 }
        blocking.onSpoofedPush = { [box] in box.spoofed.append($0[attribute: "from"]) }
    }

    var blocked: [String] { blocking.blocked.map(\.description).sorted() }

    /// Example 3, as sent on login, answered with `items` (example 4 or 5).
    func answerList(_ items: String) throws {
        let request = try #require(harness.takeWrittenElements().first)
        #expect(request.matches("<iq type='get' id='*'><blocklist xmlns='urn:xmpp:blocking'/></iq>"))
        harness.serverSends(
            "<iq type='result' id='\(request.id!)'><blocklist xmlns='urn:xmpp:blocking'>\(items)</blocklist></iq>")
    }

    @Test func theListIsFetchedOnLogin() throws {
        try answerList("<item jid='romeo@montague.net'/><item jid='iago@shakespeare.lit'/><item jid='@@'/>")
        #expect(blocked == ["iago@shakespeare.lit", "romeo@montague.net"], "an item that is no JID is left out")
        #expect(box.changes == 1)
    }

    @Test func anEmptyListIsToldAndAnErrorIsNot() throws {
        // Example 5.
        try answerList("")
        #expect(blocked.isEmpty && box.changes == 1)
        let other = BlockingManager()
        var told = 0
        other.onChange = { told += 1 }
        let again = try SessionHarness.established("juliet@capulet.com/balcony", [other])
        let request = try #require(again.takeWrittenElements().first)
        again.serverSends(SessionHarness.iqError(id: request.id!, from: "capulet.com", condition: .serviceUnavailable))
        #expect(told == 0 && other.blocked.isEmpty, "no list came")
    }

    @Test func blockAndUnblockCommandsAreSentAndAnswered() throws {
        try answerList("")
        let romeo = try JID("romeo@montague.net")
        harness.perform { session in blocking.block([romeo], in: session) { box.results.append($0) } }
        let block = try #require(harness.takeWrittenElements().first)
        // Example 6.
        #expect(
            block.matches(
                "<iq type='set' id='*'><block xmlns='urn:xmpp:blocking'><item jid='romeo@montague.net'/></block></iq>"))
        harness.serverSends("<iq type='result' id='\(block.id!)'/>")
        #expect(box.results.count == 1)
        #expect(blocked.isEmpty, "the list changes with the server's push, not the command")
        harness.perform { session in blocking.unblock([romeo], in: session) { box.results.append($0) } }
        let unblock = try #require(harness.takeWrittenElements().first)
        // Example 10.
        #expect(
            unblock.matches(
                "<iq type='set' id='*'><unblock xmlns='urn:xmpp:blocking'><item jid='romeo@montague.net'/></unblock></iq>"
            ))
        harness.serverSends(
            SessionHarness.iqError(id: unblock.id!, from: "capulet.com", condition: .itemNotFound))
        guard case .failure = box.results.last else {
            Issue.record("the refusal reaches the caller: \(box.results)")
            return
        }
    }

    @Test func pushesFromOurAccountChangeTheListAndAreAnswered() throws {
        try answerList("<item jid='iago@shakespeare.lit'/>")
        // Example 8.
        harness.serverSends(
            "<iq to='juliet@capulet.com/chamber' type='set' id='push1'><block xmlns='urn:xmpp:blocking'>"
                + "<item jid='romeo@montague.net'/></block></iq>")
        #expect(blocked == ["iago@shakespeare.lit", "romeo@montague.net"])
        #expect(harness.takeWrittenElements().first?.matches("<iq type='result' id='push1'/>") == true)
        // Example 12, from our bare JID.
        harness.serverSends(
            "<iq from='juliet@capulet.com' to='juliet@capulet.com/chamber' type='set' id='push3'>"
                + "<unblock xmlns='urn:xmpp:blocking'><item jid='romeo@montague.net'/></unblock></iq>")
        #expect(blocked == ["iago@shakespeare.lit"])
        #expect(
            harness.takeWrittenElements().first?.matches("<iq type='result' id='push3' to='juliet@capulet.com'/>")
                == true)
        // Example 15: unblock without items unblocks everyone.
        harness.serverSends(
            "<iq to='juliet@capulet.com/chamber' type='set' id='push5'><unblock xmlns='urn:xmpp:blocking'/></iq>")
        #expect(blocked.isEmpty)
        #expect(box.changes == 4)
    }

    @Test(arguments: ["romeo@montague.net", "juliet@capulet.com/balcony", "capulet.com"])
    func aPushFromAnyoneElseIsDroppedUnanswered(from: String) throws {
        try answerList("<item jid='iago@shakespeare.lit'/>")
        harness.serverSends(
            "<iq from='\(from)' type='set' id='evil'><unblock xmlns='urn:xmpp:blocking'/></iq>")
        harness.serverSends(
            "<iq from='\(from)' type='set' id='evil2'><block xmlns='urn:xmpp:blocking'>"
                + "<item jid='nurse@capulet.com'/></block></iq>")
        #expect(blocked == ["iago@shakespeare.lit"])
        #expect(box.spoofed == [from, from])
        #expect(harness.takeWritten().isEmpty)
    }

    @Test(arguments: BlockingManager.Report.allCases)
    func aBlockCanReportTheSender(report: BlockingManager.Report) throws {
        _ = harness.takeWritten()
        let spammers = [try JID("spam@example.org"), try JID("bot@example.org")]
        harness.perform { session in blocking.block(spammers, report: report, in: session) { _ in } }
        let block = try #require(harness.takeWrittenElements().first)
        // XEP-0377 example 1, for each reason, on every item.
        let item = { (jid: String) in
            "<item jid='\(jid)'><report xmlns='urn:xmpp:reporting:1' reason='\(report.rawValue)'/></item>"
        }
        #expect(
            block.matches(
                "<iq type='set' id='*'><block xmlns='urn:xmpp:blocking'>\(item("spam@example.org"))"
                    + "\(item("bot@example.org"))</block></iq>"))
    }

    @Test func theReportReasonsAreTheXEPs() {
        #expect(
            BlockingManager.Report.allCases.map(\.rawValue) == ["urn:xmpp:reporting:spam", "urn:xmpp:reporting:abuse"])
    }
}
