import TestSupport
import Testing
import XMPPCore
import XMPPExtensions

/// Presence (RFC 6121 §3-§4) for Juliet at example.com: contacts' resources and which one a
/// message reaches, subscription requests and answers, errors, and our own presence as sent.
@Suite struct PresenceManagerTests {
    let harness: SessionHarness
    let presence = PresenceManager()
    let box = Box()

    final class Box {
        var changed: [String] = []
        var subscriptions: [(String, PresenceManager.SubscriptionEvent)] = []
        var errors: [(String, StanzaErrorCondition)] = []
    }

    init() throws {
        harness = try SessionHarness.established("juliet@example.com/balcony", [presence])
        presence.onPresenceChanged = { [box] in box.changed.append($0.description) }
        presence.onSubscription = { [box] in box.subscriptions.append(($0.description, $1)) }
        presence.onError = { [box] in box.errors.append(($0.description, $1.condition)) }
        _ = harness.takeWritten()
    }

    var romeo: JID { JID(parsing: "romeo@example.net")! }

    @Test func eachResourceIsKeptWithItsShowStatusAndPriority() throws {
        // RFC 6121 §4.7.2's elements.
        harness.serverSends(
            "<presence from='romeo@example.net/orchard' xml:lang='en'><show>dnd</show>"
                + "<status>Wooing Juliet</status><priority> 1 </priority>"
                + "<c xmlns='http://jabber.org/protocol/caps' hash='sha-1' node='https://gajim.org' ver='abc='/></presence>"
        )
        let orchard = try #require(presence.presences[romeo]?["orchard"])
        #expect(orchard.availability == .dnd && orchard.status == "Wooing Juliet" && orchard.priority == 1)
        #expect(orchard.capsNode == "https://gajim.org" && orchard.capsVersion == "abc=")
        #expect(box.changed == ["romeo@example.net"], "told by bare JID")
        harness.serverSends("<presence from='romeo@example.net/garden'><priority>high</priority></presence>")
        #expect(presence.presences[romeo]?["garden"]?.priority == 0, "a priority that is no number counts as 0")
        #expect(presence.presences[romeo]?["garden"]?.availability == .online)
        harness.serverSends("<presence from='romeo@example.net/garden' type='unavailable'/>")
        #expect(presence.presences[romeo]?.keys.sorted() == ["orchard"])
        harness.serverSends("<presence from='romeo@example.net' type='unavailable'/>")
        #expect(presence.presences[romeo] == nil, "unavailable from the bare JID: every resource")
        #expect(presence.availability(of: romeo) == .offline)
    }

    @Test func aMessageReachesTheHighestPriorityThenTheMostAvailableThenTheNewest() throws {
        harness.serverSends("<presence from='romeo@example.net/a'><show>xa</show><priority>5</priority></presence>")
        harness.serverSends("<presence from='romeo@example.net/b'><show>chat</show><priority>-1</priority></presence>")
        #expect(presence.best(for: romeo)?.resource == "a", "priority first")
        harness.serverSends("<presence from='romeo@example.net/c'><show>away</show><priority>5</priority></presence>")
        #expect(presence.best(for: romeo)?.resource == "c", "away is more available than xa")
        harness.serverSends("<presence from='romeo@example.net/d'><show>away</show><priority>5</priority></presence>")
        #expect(presence.best(for: romeo)?.resource == "d", "the newest of equals")
        harness.serverSends("<presence from='romeo@example.net/c'><show>away</show><priority>5</priority></presence>")
        #expect(presence.best(for: romeo)?.resource == "c", "updated again, newest again")
        #expect(presence.availability(of: try JID("romeo@example.net/zzz")) == .away, "asked by any JID of his")
        #expect(
            Availability.allCases.sorted() == [.chat, .online, .away, .dnd, .xa, .offline], "most available first")
    }

    @Test func subscriptionRequestsAndAnswersAreReported() throws {
        harness.serverSends(
            "<presence from='romeo@example.net/orchard' type='subscribe'><status>it is I, Romeo</status></presence>")
        harness.serverSends("<presence from='nurse@example.com' type='subscribed'/>")
        harness.serverSends("<presence from='tybalt@example.org' type='unsubscribed'/>")
        harness.serverSends("<presence from='benvolio@example.net' type='unsubscribe'/>")
        #expect(
            box.subscriptions.map(\.0) == [
                "romeo@example.net", "nurse@example.com", "tybalt@example.org", "benvolio@example.net",
            ])
        #expect(
            box.subscriptions.map(\.1) == [.requested(status: "it is I, Romeo"), .approved, .refused, .unsubscribed])
        #expect(box.changed.isEmpty, "no one's availability changed")
        #expect(harness.takeWritten().isEmpty, "answering is the user's choice")
    }

    @Test func anErrorAndOddPresencesChangeNothingElse() throws {
        // RFC 6121 §3.1.3: a subscription request to a domain that does not exist.
        harness.serverSends(
            "<presence from='romeo@nowhere.example' type='error'><error type='cancel'>"
                + "<remote-server-not-found xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></presence>")
        harness.serverSends("<presence from='romeo@example.net/x' type='error'/>")
        #expect(box.errors.map(\.0) == ["romeo@nowhere.example", "romeo@example.net"])
        #expect(box.errors.map(\.1) == [.remoteServerNotFound, .undefinedCondition])
        harness.serverSends("<presence from='romeo@example.net/x' type='probe'/>")
        harness.serverSends("<presence><show>away</show></presence>")
        #expect(presence.presences.isEmpty && box.changed.isEmpty && box.subscriptions.isEmpty)
    }

    @Test func ourPresenceIsSentAsChosen() throws {
        presence.presenceExtensions = { [XMLElement("c", namespace: "http://jabber.org/protocol/caps", ["ver": "v"])] }
        harness.perform { presence.setPresence(.away, status: "be right back", priority: 1, in: $0) }
        harness.perform { presence.setPresence(.online, status: "", priority: 0, in: $0) }
        harness.perform { presence.setPresence(.offline, status: "gone", priority: 0, in: $0) }
        let sent = harness.takeWrittenElements()
        #expect(sent.count == 3)
        #expect(
            sent[0].matches(
                "<presence><show>away</show><status>be right back</status><priority>1</priority>"
                    + "<c xmlns='http://jabber.org/protocol/caps' ver='v'/></presence>"))
        #expect(sent[1].matches("<presence><c xmlns='http://jabber.org/protocol/caps' ver='v'/></presence>"))
        #expect(sent[2].matches("<presence type='unavailable'/>"))
        #expect(presence.own.availability == .online, "going offline keeps the presence to come back with")
        presence.setPresence(.dnd, status: "later", priority: 2, in: nil)
        #expect(presence.own.availability == .dnd && presence.own.status == "later" && presence.own.priority == 2)
        #expect(harness.takeWritten().isEmpty, "offline: kept for the next login")
    }

    @Test func subscriptionDecisionsGoToTheBareJID() throws {
        let contact = try JID("romeo@example.net/orchard")
        for action in PresenceManager.SubscriptionAction.allCases {
            harness.perform { presence.send(action, to: contact, in: $0) }
        }
        let types = harness.takeWrittenElements().map { ($0[attribute: "to"] ?? "", $0[attribute: "type"] ?? "") }
        #expect(types.map(\.0) == Array(repeating: "romeo@example.net", count: 4))
        #expect(types.map(\.1) == ["subscribed", "unsubscribed", "subscribe", "unsubscribe"])
    }

    @Test func aContactWeNoLongerSeeGoesOfflineOnce() throws {
        harness.serverSends("<presence from='romeo@example.net/orchard'/>")
        harness.serverSends("<presence from='nurse@example.com/kitchen'/>")
        box.changed.removeAll()
        presence.forget(try JID("romeo@example.net/orchard"))
        presence.forget(romeo)
        presence.forget(try JID("tybalt@example.org"))
        #expect(box.changed == ["romeo@example.net"], "once, and not for someone we never saw")
        presence.sessionClosed(harness.session)
        #expect(box.changed == ["romeo@example.net", "nurse@example.com"], "a stream that cannot resume: all offline")
        #expect(presence.presences.isEmpty)
    }

    @Test func aStreamThatMayBeResumedKeepsThePresences() throws {
        let kept = PresenceManager()
        let resumable = SessionHarness(
            configuration: SessionConfiguration(jid: try JID("juliet@example.com"), password: "pw", resource: "b"))
        resumable.session.register(kept)
        try resumable.establishScripted(streamManagement: .enabled())
        resumable.serverSends("<presence from='romeo@example.net/orchard'/>")
        resumable.perform { $0.transportClosed() }
        #expect(kept.availability(of: romeo) == .online, "the server keeps them current for the resumed stream")
    }
}
