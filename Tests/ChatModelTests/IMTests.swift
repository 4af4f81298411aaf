import ChatModel
import ChatStore
import Foundation
import TestSupport
import Testing
import XMPPCore
import XMPPExtensions

/// Everyday IM over a scripted server, with the XEPs' own example stanzas where they fit.
@Suite struct CarbonTests {
    @Test func carbonsAreEnabledOnLogin() {
        let fixture = ModelFixture()
        fixture.account.connect()
        #expect(
            fixture.harness.takeWrittenElements().contains {
                $0.matches("<iq type='set' id='*'><enable xmlns='urn:xmpp:carbons:2'/></iq>")
            })
    }

    @Test func receivedAndSentCarbonsFromOurAccountAreStored() throws {
        let fixture = ModelFixture()
        fixture.connect()
        // XEP-0280 example 12 (received) and 13 (sent), addressed to our test account.
        fixture.harness.serverSends(
            "<message xmlns='jabber:client' from='alice@example.org' to='alice@example.org/tern' type='chat'>"
                + "<received xmlns='urn:xmpp:carbons:2'><forwarded xmlns='urn:xmpp:forward:0'>"
                + "<message xmlns='jabber:client' from='juliet@capulet.example/balcony' to='alice@example.org/garden'"
                + " type='chat' id='0202197'><body>Wherefore art thou, Romeo?</body>"
                + "<thread>0e3141cd80894871a68e6fe6b1ec56fa</thread></message></forwarded></received></message>")
        fixture.harness.serverSends(
            "<message xmlns='jabber:client' from='alice@example.org' to='alice@example.org/tern' type='chat'>"
                + "<sent xmlns='urn:xmpp:carbons:2'><forwarded xmlns='urn:xmpp:forward:0'>"
                + "<message xmlns='jabber:client' to='juliet@capulet.example/balcony' from='alice@example.org/garden'"
                + " type='chat' id='0202198'><body>I am here!</body></message></forwarded></sent></message>")
        let juliet = try JID("juliet@capulet.example")
        let stored = try fixture.store.lastMessages(account: fixture.account.accountID, conversation: juliet, limit: 10)
        #expect(stored.map(\.body) == ["Wherefore art thou, Romeo?", "I am here!"])
        #expect(stored.map(\.outgoing) == [false, true])
        #expect(stored.last?.state == .acked)
    }

    @Test func carbonFromAStrangerIsDroppedAndLogged() throws {
        let fixture = ModelFixture()
        fixture.connect()
        // The attack of CVE-2017-5591/5592/5604: a stranger wraps a "sent" message in a carbon.
        fixture.harness.serverSends(
            "<message from='mallory@evil.example/x' to='alice@example.org/tern' type='chat'>"
                + "<sent xmlns='urn:xmpp:carbons:2'><forwarded xmlns='urn:xmpp:forward:0'>"
                + "<message from='alice@example.org/phone' to='romeo@example.net' type='chat'>"
                + "<body>I never loved you</body></message></forwarded></sent></message>")
        #expect(try fixture.store.search("loved").isEmpty, "nothing stored")
        #expect(
            fixture.model.log.contains {
                $0.level == .debug && $0.text.contains("dropped a carbon from mallory@evil.example/x")
            })
    }
}

@Suite struct ArchiveTests {
    /// Answers the archive query the account sent with these results and `fin`.
    func answer(
        _ fixture: ModelFixture,
        results: [(id: String, xml: String)],
        complete: Bool,
        from: String? = nil,
        query given: XMLElement? = nil
    ) throws -> XMLElement {
        let query =
            try given
            ?? #require(
                fixture.harness.takeWrittenElements().last { $0.child("query", namespace: "urn:xmpp:mam:2") != nil })
        let queryID = try #require(query.child("query")?[attribute: "queryid"])
        for (id, xml) in results {
            fixture.harness.serverSends(
                "<message to='alice@example.org/tern'\(from.map { " from='\($0)'" } ?? "")>"
                    + "<result xmlns='urn:xmpp:mam:2' queryid='\(queryID)' id='\(id)'><forwarded xmlns='urn:xmpp:forward:0'>"
                    + "<delay xmlns='urn:xmpp:delay' stamp='2010-07-10T23:08:25Z'/>\(xml)</forwarded></result></message>"
            )
        }
        fixture.harness.serverSends(
            "<iq type='result' id='\(query.id!)'><fin xmlns='urn:xmpp:mam:2'\(complete ? " complete='true'" : "")>"
                + "<set xmlns='http://jabber.org/protocol/rsm'><first>\(results.first?.id ?? "")</first>"
                + "<last>\(results.last?.id ?? "")</last></set></fin></iq>")
        return query
    }

    func romeo(_ text: String, id: String) -> String {
        "<message xmlns='jabber:client' to='alice@example.org/balcony' from='romeo@montague.lit/orchard' type='chat'"
            + " id='\(id)'><body>\(text)</body><origin-id xmlns='urn:xmpp:sid:0' id='\(id)'/></message>"
    }

    @Test func firstLoginFetchesTheNewestPageAndRemembersWhereItEnded() throws {
        let fixture = ModelFixture()
        fixture.connect(rosterItems: "<item jid='romeo@montague.lit' subscription='both'/>")
        let query = try answer(
            fixture,
            results: [
                ("28482-98726-73623", romeo("Call me but love", id: "a")),
                ("09af3-cc343-b409f", romeo("and I'll be new baptized", id: "b")),
            ],
            complete: true)
        #expect(query.child("query")?.child("set")?.child("before") != nil, "the newest page first")
        #expect(query.child("query")?.child("set")?.childText("max") == "100")
        let stored = try fixture.store.lastMessages(
            account: fixture.account.accountID, conversation: try JID("romeo@montague.lit"), limit: 10)
        #expect(stored.map(\.body) == ["Call me but love", "and I'll be new baptized"])
        #expect(stored.first?.timestamp == 1_278_803_305_000, "the archive's time")
        #expect(stored.first?.stanzaID == "28482-98726-73623")
        #expect(
            try fixture.store.archiveSync(account: fixture.account.accountID, archive: try JID("alice@example.org"))?
                .lastStanzaID == "09af3-cc343-b409f")
        #expect(
            fixture.model.windows.contains { $0.jid?.description == "romeo@montague.lit" && $0.activity == .highlight })
    }

    @Test func nextLoginContinuesFromTheSyncPointAndStoresEachMessageOnce() throws {
        let fixture = ModelFixture()
        fixture.connect()
        _ = try answer(fixture, results: [("A1", romeo("one", id: "o1"))], complete: true)
        fixture.harness.serverSends(
            "<message from='romeo@montague.lit/orchard' type='chat' id='o2'><body>two</body>"
                + "<origin-id xmlns='urn:xmpp:sid:0' id='o2'/></message>")
        fixture.account.disconnect()
        fixture.connect()
        let query = try answer(
            fixture, results: [("A2", romeo("two", id: "o2")), ("A3", romeo("three", id: "o3"))], complete: false)
        #expect(query.child("query")?.child("set")?.childText("after") == "A1")
        _ = try answer(fixture, results: [("A4", romeo("four", id: "o4"))], complete: true)
        let stored = try fixture.store.lastMessages(
            account: fixture.account.accountID, conversation: try JID("romeo@montague.lit"), limit: 10)
        #expect(stored.map(\.body).sorted() == ["four", "one", "three", "two"], "the live copy of two is not repeated")
        #expect(
            try fixture.store.archiveSync(account: fixture.account.accountID, archive: try JID("alice@example.org"))?
                .lastStanzaID == "A4")
    }

    @Test func resultsFromAStrangerOrForAnotherQueryAreDropped() throws {
        let fixture = ModelFixture()
        fixture.connect()
        let query = try #require(
            fixture.harness.takeWrittenElements().last { $0.child("query", namespace: "urn:xmpp:mam:2") != nil })
        let queryID = query.child("query")![attribute: "queryid"]!
        // CVE-2019-16237: a stranger injects archive results.
        fixture.harness.serverSends(
            "<message from='mallory@evil.example' to='alice@example.org/tern'><result xmlns='urn:xmpp:mam:2' queryid='\(queryID)' id='x1'>"
                + "<forwarded xmlns='urn:xmpp:forward:0'>\(romeo("forged by mallory", id: "f1"))</forwarded></result></message>"
        )
        fixture.harness.serverSends(
            "<message to='alice@example.org/tern'><result xmlns='urn:xmpp:mam:2' queryid='never-sent' id='x2'>"
                + "<forwarded xmlns='urn:xmpp:forward:0'>\(romeo("for no query", id: "f2"))</forwarded></result></message>"
        )
        fixture.harness.serverSends(
            "<iq type='result' id='\(query.id!)'><fin xmlns='urn:xmpp:mam:2' complete='true'/></iq>")
        #expect(try fixture.store.search("forged").isEmpty)
        #expect(try fixture.store.search("query").isEmpty)
        #expect(
            fixture.model.log.filter { $0.level == .debug && $0.text.contains("dropped an archive result") }.count == 2)
    }

    @Test func archivedReceiptsAndOurOwnMessagesUpdateTheStore() throws {
        let fixture = ModelFixture()
        let romeoJID = try JID("romeo@montague.lit")
        fixture.connect()
        let sent = try #require(fixture.account.feature(MessagingFeature.self)!.send("hello", to: romeoJID))
        let written = fixture.harness.takeWrittenElements()
        let stanza = try #require(written.first { $0.name == "message" })
        let query = written.last { $0.child("query", namespace: "urn:xmpp:mam:2") != nil }
        _ = try answer(
            fixture,
            results: [
                (
                    "B1",
                    "<message xmlns='jabber:client' from='alice@example.org/phone' to='romeo@montague.lit' type='chat' id='p1'><body>from my phone</body></message>"
                ),
                (
                    "B2",
                    "<message xmlns='jabber:client' from='romeo@montague.lit/orchard' to='alice@example.org/tern' type='chat'><received xmlns='urn:xmpp:receipts' id='\(stanza.id!)'/></message>"
                ),
            ], complete: true, query: query)
        let stored = try fixture.store.lastMessages(
            account: fixture.account.accountID, conversation: romeoJID, limit: 10)
        #expect(stored.contains { $0.body == "from my phone" && $0.outgoing })
        #expect(try fixture.store.message(id: sent)?.state == .delivered)
    }
}

@Suite struct ReceiptMarkerAndStateTests {
    @Test func outgoingMessagesAskForReceiptsAndMarkers() throws {
        let fixture = ModelFixture()
        fixture.connect()
        fixture.account.feature(MessagingFeature.self)!.send("hi", to: try JID("romeo@example.net"))
        let message = try #require(fixture.harness.takeWrittenElements().first { $0.name == "message" })
        #expect(message.child("request", namespace: "urn:xmpp:receipts") != nil)
        #expect(message.child("markable", namespace: "urn:xmpp:chat-markers:0") != nil)
        #expect(message.child("origin-id", namespace: "urn:xmpp:sid:0")?[attribute: "id"] == message.id)
        #expect(
            message.child("active", namespace: "http://jabber.org/protocol/chatstates") == nil,
            "no chat states to a stranger")
    }

    @Test func receiptRequestsAreAnsweredAndReceiptsOnlyCountFromThePeer() throws {
        let fixture = ModelFixture()
        fixture.connect(rosterItems: "<item jid='northumberland@shakespeare.lit' subscription='both'/>")
        fixture.harness.serverSends(
            "<message from='mallory@evil.example/x' id='spam-1' type='chat'><body>is this account read?</body>"
                + "<request xmlns='urn:xmpp:receipts'/></message>")
        #expect(
            !fixture.harness.takeWrittenElements().contains { $0.name == "message" },
            "no receipt to a stranger: it would tell them the account is in use")
        // XEP-0184 example 1.
        fixture.harness.serverSends(
            "<message from='northumberland@shakespeare.lit/westminster' id='richard2-4.1.247'"
                + " to='alice@example.org/tern' type='chat'><body>My lord, dispatch; read o'er these articles.</body>"
                + "<request xmlns='urn:xmpp:receipts'/></message>")
        let receipt = try #require(fixture.harness.takeWrittenElements().first { $0.name == "message" })
        #expect(
            receipt.matches(
                "<message to='northumberland@shakespeare.lit/westminster' id='*'>"
                    + "<received xmlns='urn:xmpp:receipts' id='richard2-4.1.247'/></message>"))
        let romeo = try JID("romeo@example.net")
        let id = try #require(fixture.account.feature(MessagingFeature.self)!.send("hello", to: romeo))
        let sent = try #require(fixture.harness.takeWrittenElements().first { $0.name == "message" })
        fixture.harness.serverSends(
            "<message from='mallory@evil.example/x' type='chat'><received xmlns='urn:xmpp:receipts' id='\(sent.id!)'/></message>"
        )
        #expect(try fixture.store.message(id: id)?.state != .delivered, "a stranger cannot confirm delivery")
        fixture.harness.serverSends(
            "<message from='romeo@example.net/orchard' type='chat'><received xmlns='urn:xmpp:receipts' id='\(sent.id!)'/></message>"
        )
        #expect(try fixture.store.message(id: id)?.state == .delivered)
        fixture.harness.serverSends(
            "<message from='romeo@example.net/orchard' type='chat'><displayed xmlns='urn:xmpp:chat-markers:0' id='\(sent.id!)'/></message>"
        )
        #expect(try fixture.store.message(id: id)?.state == .displayed)
    }

    @Test func displayedMarkerIsSentOnceTheWindowIsSeen() throws {
        let fixture = ModelFixture()
        fixture.connect(rosterItems: "<item jid='romeo@example.net' subscription='both'/>")
        fixture.harness.serverSends(
            "<message from='mallory@evil.example/x' type='chat' id='s-1'><body>spam</body>"
                + "<markable xmlns='urn:xmpp:chat-markers:0'/></message>")
        fixture.open(try JID("mallory@evil.example"), focus: true)
        #expect(
            !fixture.harness.takeWrittenElements().contains { $0.child("displayed") != nil },
            "a stranger never learns that it was read")
        fixture.model.switchTo(0)
        fixture.harness.serverSends(
            "<message from='romeo@example.net/orchard' type='chat' id='m-77'><body>read me</body>"
                + "<markable xmlns='urn:xmpp:chat-markers:0'/></message>")
        #expect(!fixture.harness.takeWrittenElements().contains { $0.child("displayed") != nil }, "not seen yet")
        fixture.model.switchTo(1)
        fixture.model.switchTo(2)
        let marker = try #require(fixture.harness.takeWrittenElements().first { $0.child("displayed") != nil })
        #expect(
            marker.matches(
                "<message to='romeo@example.net/orchard' id='*' type='chat'><displayed xmlns='urn:xmpp:chat-markers:0' id='m-77'/>"
                    + "<store xmlns='urn:xmpp:hints'/></message>"))
    }

    @Test func chatStatesFollowTheInputLineForContactsWhoUseThem() throws {
        let fixture = ModelFixture()
        fixture.connect(rosterItems: "<item jid='romeo@example.net' subscription='both'/>")
        let mallory = try JID("mallory@evil.example")
        fixture.harness.serverSends(
            "<message from='mallory@evil.example/x' type='chat'><active xmlns='http://jabber.org/protocol/chatstates'/></message>"
        )
        fixture.open(mallory, focus: true)
        fixture.model.inputChanged("h")
        #expect(
            !fixture.harness.takeWrittenElements().contains { $0.name == "message" },
            "no typing notifications to a stranger, though it sent chat states")
        fixture.model.inputChanged("")
        fixture.model.switchTo(0)
        _ = fixture.harness.takeWrittenElements()
        let romeo = try JID("romeo@example.net")
        fixture.open(romeo, focus: true)
        fixture.model.inputChanged("h")
        #expect(
            !fixture.harness.takeWrittenElements().contains { $0.name == "message" }, "romeo never sent chat states")
        fixture.harness.serverSends(
            "<message from='romeo@example.net/orchard' type='chat'><active xmlns='http://jabber.org/protocol/chatstates'/></message>"
        )
        fixture.model.inputChanged("he")
        var written = fixture.harness.takeWrittenElements()
        #expect(
            written.first?.matches(
                "<message to='romeo@example.net' type='chat'><composing xmlns='http://jabber.org/protocol/chatstates'/><no-store xmlns='urn:xmpp:hints'/></message>"
            )
                == true)
        fixture.model.inputChanged("hel")
        #expect(fixture.harness.takeWrittenElements().isEmpty, "composing is sent once")
        fixture.scheduler.advance(by: .seconds(6))
        #expect(fixture.harness.takeWrittenElements().first?.child("paused") != nil)
        fixture.model.submit("hello")
        written = fixture.harness.takeWrittenElements()
        #expect(
            written.first { $0.childText("body") == "hello" }?.child(
                "active", namespace: "http://jabber.org/protocol/chatstates") != nil)
        fixture.model.switchTo(0)
        #expect(fixture.harness.takeWrittenElements().first?.child("inactive") != nil)
        fixture.model.closeWindow(2)
        #expect(fixture.harness.takeWrittenElements().first?.child("gone") != nil)
    }
}

@Suite struct CorrectionBlockingAndMoreTests {
    @Test func correctReplacesTheLastMessage() throws {
        let fixture = ModelFixture()
        fixture.connect()
        let romeo = try JID("romeo@example.net")
        fixture.open(romeo, focus: true)
        fixture.model.submit("helo")
        let original = try #require(fixture.harness.takeWrittenElements().first { $0.name == "message" })
        fixture.model.submit("/correct hello")
        let correction = try #require(fixture.harness.takeWrittenElements().first { $0.name == "message" })
        #expect(correction.child("replace", namespace: "urn:xmpp:message-correct:0")?[attribute: "id"] == original.id)
        #expect(correction.childText("body") == "hello")
        #expect(fixture.model.currentWindow.messages.map(\.body) == ["hello"])
        #expect(fixture.model.currentWindow.messages.first?.isCorrected == true)
    }

    @Test func correctionByAnotherSenderIsDroppedAndLogged() throws {
        let fixture = ModelFixture()
        fixture.connect(rosterItems: "<item jid='romeo@example.net' subscription='both'/>")
        fixture.harness.serverSends(
            "<message from='romeo@example.net/orchard' type='chat' id='r1'><body>meet at noon</body></message>")
        fixture.harness.serverSends(
            "<message from='romeo@example.net/orchard' type='chat' id='r2'><body>meet at dawn</body>"
                + "<replace xmlns='urn:xmpp:message-correct:0' id='r1'/></message>")
        #expect(fixture.model.windows[1].messages.map(\.body) == ["meet at dawn"])
        // Juliet tries to rewrite Romeo's message: XEP-0308 §7.
        fixture.harness.serverSends(
            "<message from='juliet@example.com/balcony' to='alice@example.org' type='chat' id='j1'><body>meet never</body>"
                + "<replace xmlns='urn:xmpp:message-correct:0' id='r1'/></message>")
        #expect(fixture.model.windows[1].messages.map(\.body) == ["meet at dawn"])
    }

    @Test func blockingCommandsAndPushes() throws {
        let fixture = ModelFixture()
        fixture.connect()
        let get = try #require(fixture.harness.takeWrittenElements().first { $0.child("blocklist") != nil })
        fixture.harness.serverSends(
            "<iq type='result' id='\(get.id!)'><blocklist xmlns='urn:xmpp:blocking'><item jid='romeo@montague.net'/></blocklist></iq>"
        )
        #expect(fixture.account.feature(BlockingFeature.self)!.manager.blocked == [try JID("romeo@montague.net")])
        fixture.model.submit("/block iago@shakespeare.lit")
        #expect(
            fixture.harness.takeWrittenElements().first?.matches(
                "<iq type='set' id='*'><block xmlns='urn:xmpp:blocking'><item jid='iago@shakespeare.lit'/></block></iq>"
            ) == true)
        fixture.harness.serverSends(
            "<iq type='set' id='push1'><block xmlns='urn:xmpp:blocking'><item jid='iago@shakespeare.lit'/></block></iq>"
        )
        #expect(fixture.account.feature(BlockingFeature.self)!.manager.blocked.count == 2)
        fixture.harness.serverSends(
            "<iq type='set' id='push2' from='mallory@evil.example'><unblock xmlns='urn:xmpp:blocking'/></iq>")
        #expect(fixture.account.feature(BlockingFeature.self)!.manager.blocked.count == 2, "a stranger cannot unblock")
        fixture.model.submit("/blocked")
        #expect(fixture.model.log.last?.text == "blocked: iago@shakespeare.lit, romeo@montague.net")
    }

    @Test func repliesGoToTheResourceThatWroteUntilItsPresenceChanges() throws {
        let fixture = ModelFixture()
        fixture.connect()
        let romeo = try JID("romeo@example.net")
        fixture.harness.serverSends("<message from='romeo@example.net/orchard' type='chat'><body>hi</body></message>")
        _ = fixture.harness.takeWritten()
        fixture.account.feature(MessagingFeature.self)!.send("to the orchard", to: romeo)
        #expect(
            fixture.harness.takeWrittenElements().first { $0.name == "message" }?[attribute: "to"]
                == "romeo@example.net/orchard")
        fixture.harness.serverSends("<presence from='romeo@example.net/orchard' type='unavailable'/>")
        fixture.account.feature(MessagingFeature.self)!.send("anywhere", to: romeo)
        #expect(
            fixture.harness.takeWrittenElements().first { $0.name == "message" }?[attribute: "to"]
                == "romeo@example.net")
    }

    @Test func infoShowsFeaturesAndSoftware() throws {
        let fixture = ModelFixture()
        fixture.connect()
        fixture.harness.serverSends("<presence from='romeo@example.net/orchard'/>")
        _ = fixture.harness.takeWritten()
        fixture.model.submit("/info romeo@example.net")
        let disco = try #require(fixture.harness.takeWrittenElements().first)
        #expect(
            disco.matches(
                "<iq type='get' id='*' to='romeo@example.net/orchard'><query xmlns='http://jabber.org/protocol/disco#info'/></iq>"
            ))
        fixture.harness.serverSends(
            "<iq type='result' id='\(disco.id!)' from='romeo@example.net/orchard'><query xmlns='http://jabber.org/protocol/disco#info'>"
                + "<identity category='client' type='pc' name='Gajim'/><feature var='urn:xmpp:receipts'/></query></iq>")
        let version = try #require(fixture.harness.takeWrittenElements().first)
        fixture.harness.serverSends(
            "<iq type='result' id='\(version.id!)' from='romeo@example.net/orchard'><query xmlns='jabber:iq:version'>"
                + "<name>Gajim</name><version>1.8</version></query></iq>")
        let text = fixture.model.log.map(\.text).joined(separator: "\n")
        #expect(text.contains("identity: client/pc “Gajim”"))
        #expect(text.contains("features: urn:xmpp:receipts"))
        #expect(text.contains("software: Gajim 1.8"))
    }

    @Test func weAnswerVersionAndCapsQueries() throws {
        let fixture = ModelFixture()
        fixture.connect()
        let presence = try #require(fixture.harness.takeWrittenElements().first { $0.name == "presence" })
        let ver = try #require(presence.child("c", namespace: "http://jabber.org/protocol/caps")?[attribute: "ver"])
        fixture.harness.serverSends(
            "<iq type='get' id='v1' from='romeo@example.net/orchard'><query xmlns='jabber:iq:version'/></iq>")
        #expect(fixture.harness.takeWrittenElements().first?.child("query")?.childText("name") == "Tern")
        fixture.harness.serverSends(
            "<iq type='get' id='c1' from='romeo@example.net/orchard'><query xmlns='http://jabber.org/protocol/disco#info'"
                + " node='https://tern.im#\(ver)'/></iq>")
        let answer = try #require(fixture.harness.takeWrittenElements().first?.child("query"))
        let info = DiscoInfo(
            identities: [DiscoInfo.Identity(category: "client", type: "console", name: "Tern", lang: nil)],
            features: Set(answer.children("feature").compactMap { $0[attribute: "var"] }))
        #expect(
            EntityCapabilities.verification(
                identities: info.identities, features: Array(info.features), crypto: fixture.harness.session.crypto)
                == ver)
        #expect(
            info.features.isSuperset(of: [
                "urn:xmpp:carbons:2", "urn:xmpp:ping", "http://jabber.org/protocol/chatstates", "jabber:iq:version",
            ]))
    }
}

@Suite struct NotificationAndIdleTests {
    @Test func notificationsForUnseenMessagesButNotMutedOnes() throws {
        let fixture = ModelFixture()
        fixture.connect(rosterItems: "<item jid='romeo@example.net' subscription='both'/>")
        var notified: [ChatModel.Notification] = []
        fixture.model.onNotification = { notified.append($0) }
        fixture.harness.serverSends("<message from='romeo@example.net/orchard' type='chat'><body>psst</body></message>")
        #expect(notified.map(\.text) == ["psst"])
        fixture.model.switchTo(1)
        fixture.harness.serverSends(
            "<message from='romeo@example.net/orchard' type='chat'><body>on screen</body></message>")
        #expect(notified.count == 1, "not for the window on screen")
        fixture.model.switchTo(0)
        fixture.model.submit("/mute romeo@example.net")
        fixture.harness.serverSends(
            "<message from='romeo@example.net/orchard' type='chat'><body>quiet</body></message>")
        #expect(notified.count == 1)
        #expect(
            try fixture.store.notificationLevels(account: fixture.account.accountID) == ["romeo@example.net": "none"])
    }

    @Test func autoAwayAfterIdleTimeAndBackOnAKey() throws {
        let fixture = ModelFixture()
        fixture.connect()
        _ = fixture.harness.takeWritten()
        fixture.scheduler.advance(by: .seconds(14 * 60))
        #expect(fixture.harness.takeWrittenElements().isEmpty)
        fixture.scheduler.advance(by: .seconds(90))
        let away = try #require(fixture.harness.takeWrittenElements().first { $0.name == "presence" })
        #expect(away.childText("show") == "away")
        fixture.model.userActivity()
        let back = try #require(fixture.harness.takeWrittenElements().first { $0.name == "presence" })
        #expect(back.child("show") == nil)
    }
}
