import TestSupport
import Testing
import XMPPCore
import XMPPExtensions

/// The roster (RFC 6121 §2) with versioning, from XEP-0237's examples for Romeo at montague.lit:
/// the request on login, a result that says nothing changed, pushes only from his own account,
/// and what items become.
@Suite struct RosterManagerTests {
    let roster = RosterManager()
    let box = Box()

    final class Box {
        var updates: [RosterManager.Update] = []
        var spoofed: [String?] = []
    }

    static let versioning = "<ver xmlns='urn:xmpp:features:rosterver'/>"

    /// Romeo's session, with the stored roster at `version` and the server offering `features`.
    func established(version: String?, features: String = RosterManagerTests.versioning) throws -> SessionHarness {
        roster.storedVersion = { version }
        roster.onUpdate = { [box] in box.updates.append($0) }
        roster.onSpoofedPush = { [box] in box.spoofed.append($0[attribute: "from"]) }
        return try SessionHarness.established("romeo@montague.lit/home", [roster], features: features)
    }

    @Test func theStoredVersionIsAskedForAndAnEmptyResultMeansUnchanged() throws {
        let harness = try established(version: "ver14")
        // XEP-0237 example 2.
        let request = try #require(harness.takeWrittenElements().first)
        #expect(request.matches("<iq type='get' id='*'><query xmlns='jabber:iq:roster' ver='ver14'/></iq>"))
        #expect(!roster.isLoaded)
        // Example 3.
        harness.serverSends(
            "<iq from='romeo@montague.lit' id='\(request.id!)' to='romeo@montague.lit/home' type='result'/>")
        #expect(roster.isLoaded)
        let update = try #require(box.updates.first)
        #expect(!update.replacesAll && update.items.isEmpty && update.removed.isEmpty && update.version == nil)
        #expect(box.updates.count == 1)
    }

    @Test func withNothingStoredTheWholeRosterIsAskedForWithAnEmptyVersion() throws {
        let harness = try established(version: nil)
        let request = try #require(harness.takeWrittenElements().first)
        #expect(request.child("query")?[attribute: "ver"] == "", "RFC 6121 §2.6.2: ver='' for no cached roster")
        harness.serverSends(
            "<iq id='\(request.id!)' type='result'><query xmlns='jabber:iq:roster' ver='ver7'>"
                + "<item jid='nurse@example.com' name='Nurse' subscription='to' ask='subscribe'><group>Servants</group>"
                + "<group></group></item><item jid='tybalt@shakespeare.lit/sword' name='' subscription='bogus'/>"
                + "<item jid='@@'/><item jid='juliet@example.com' approved='true' subscription='from'/></query></iq>")
        let update = try #require(box.updates.first)
        #expect(update.replacesAll && update.version == "ver7")
        #expect(
            update.items == [
                RosterItem(
                    jid: try JID("nurse@example.com"), name: "Nurse", groups: ["Servants"], subscription: .to,
                    pendingOut: true),
                RosterItem(jid: try JID("tybalt@shakespeare.lit"), subscription: .none),
                RosterItem(jid: try JID("juliet@example.com"), subscription: .from, approved: true),
            ], "bare JIDs, no empty names or groups, unknown subscriptions as none, no items that are not JIDs")
    }

    @Test func aServerWithoutVersioningIsAskedWithoutAVersion() throws {
        let harness = try established(version: "ver14", features: "")
        let request = try #require(harness.takeWrittenElements().first)
        #expect(request.matches("<iq type='get' id='*'><query xmlns='jabber:iq:roster'/></iq>"))
    }

    @Test func pushesFromOurAccountAreAppliedWithTheirVersions() throws {
        let harness = try established(version: "ver14")
        _ = harness.takeWritten()
        // XEP-0237 example 4.
        let pushes = [
            ("ah382g67", "ver34", "<item jid='tybalt@shakespeare.lit' subscription='remove'/>"),
            ("b2gs90j5", "ver42", "<item jid='bill@shakespeare.lit' subscription='both'/>"),
            (
                "c73gs419", "ver72",
                "<item jid='nurse@shakespeare.lit' name='Nurse' subscription='to'><group>Servants</group></item>"
            ),
        ]
        for (id, version, item) in pushes {
            harness.serverSends(
                "<iq from='romeo@montague.lit' id='\(id)' to='romeo@montague.lit/home' type='set'>"
                    + "<query xmlns='jabber:iq:roster' ver='\(version)'>\(item)</query></iq>")
            #expect(
                harness.takeWrittenElements().first?.matches("<iq type='result' id='\(id)' to='romeo@montague.lit'/>")
                    == true)
        }
        #expect(box.updates.map(\.version) == ["ver34", "ver42", "ver72"])
        #expect(box.updates.allSatisfy { !$0.replacesAll })
        #expect(box.updates[0].removed == [try JID("tybalt@shakespeare.lit")] && box.updates[0].items.isEmpty)
        #expect(box.updates[1].items == [RosterItem(jid: try JID("bill@shakespeare.lit"), subscription: .both)])
        #expect(box.updates[2].items.first?.groups == ["Servants"])
        // RFC 6121 §2.1.6: a push without a from is the server's too.
        harness.serverSends(
            "<iq id='p4' type='set'><query xmlns='jabber:iq:roster'><item jid='bill@shakespeare.lit'/></query></iq>")
        #expect(box.updates.last?.version == nil && box.updates.count == 4)
    }

    @Test(arguments: ["tybalt@shakespeare.lit", "romeo@montague.lit/orchard", "montague.lit"])
    func aPushFromAnyoneElseIsDroppedUnanswered(from: String) throws {
        let harness = try established(version: "ver14")
        _ = harness.takeWritten()
        harness.serverSends(
            "<iq from='\(from)' id='evil' type='set'><query xmlns='jabber:iq:roster' ver='ver99'>"
                + "<item jid='tybalt@shakespeare.lit' subscription='both'/></query></iq>")
        #expect(box.updates.isEmpty)
        #expect(box.spoofed == [from])
        #expect(harness.takeWritten().isEmpty)
    }

    @Test func aPushWithTwoItemsIsRefused() throws {
        let harness = try established(version: "ver14")
        _ = harness.takeWritten()
        harness.serverSends(
            "<iq id='two' type='set'><query xmlns='jabber:iq:roster'><item jid='a@example.com'/>"
                + "<item jid='b@example.com'/></query></iq>")
        let reply = try #require(harness.takeWrittenElements().first)
        #expect(reply[attribute: "type"] == "error" && reply.id == "two")
        #expect(StanzaError(stanza: reply)?.condition == .badRequest)
        #expect(box.updates.isEmpty)
    }

    @Test func contactsAreAddedRenamedAndRemovedByTheirBareJID() throws {
        let harness = try established(version: "ver14")
        _ = harness.takeWritten()
        var results: [Bool] = []
        let nurse = RosterItem(jid: try JID("nurse@example.com/kitchen"), name: "Nurse", groups: ["Servants", "House"])
        let tybalt = try JID("tybalt@shakespeare.lit/sword")
        harness.perform { session in
            roster.set(nurse, in: session) { results.append((try? $0.get()) != nil) }
            roster.remove(tybalt, in: session) { results.append((try? $0.get()) != nil) }
        }
        let written = harness.takeWrittenElements()
        let set = try #require(written.first)
        let remove = try #require(written.last)
        #expect(
            set.matches(
                "<iq type='set' id='*'><query xmlns='jabber:iq:roster'><item jid='nurse@example.com' name='Nurse'>"
                    + "<group>Servants</group><group>House</group></item></query></iq>"))
        #expect(
            remove.matches(
                "<iq type='set' id='*'><query xmlns='jabber:iq:roster'>"
                    + "<item jid='tybalt@shakespeare.lit' subscription='remove'/></query></iq>"))
        harness.serverSends("<iq type='result' id='\(set.id!)'/>")
        harness.serverSends(SessionHarness.iqError(id: remove.id!, from: "montague.lit", condition: .itemNotFound))
        #expect(results == [true, false])
    }

    @Test func aResumedStreamAsksOnlyIfTheRosterHadNotCome() throws {
        let harness = try established(version: "ver14")
        _ = harness.takeWritten()
        roster.sessionClosed(harness.session)
        roster.sessionResumed(harness.session)
        #expect(harness.takeWrittenElements().first?.child("query", namespace: "jabber:iq:roster") != nil)
        let second = try established(version: "ver14")
        let request = try #require(second.takeWrittenElements().first)
        second.serverSends("<iq id='\(request.id!)' type='result'/>")
        roster.sessionClosed(second.session)
        roster.sessionResumed(second.session)
        #expect(second.takeWritten().isEmpty, "the pushes kept it current")
        #expect(roster.isLoaded)
    }
}
