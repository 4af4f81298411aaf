import Testing
import XMPPCore
import XMPPExtensions

/// Bookmarks, from XEP-0402's, XEP-0048's and XEP-0049's own examples.
@Suite struct BookmarksTests {
    func stanza(_ xml: String) throws -> XMLElement { try #require(XMLElement.parse(xml)) }
    let juliet = try! JID("juliet@capulet.lit/balcony")
    let theplay = try! JID("theplay@conference.shakespeare.lit")
    let orchard = try! JID("orchard@conference.shakespeare.lit")

    static let publishOptions =
        "<publish-options><x xmlns='jabber:x:data' type='submit'>"
        + "<field var='FORM_TYPE' type='hidden'><value>http://jabber.org/protocol/pubsub#publish-options</value></field>"
        + "<field var='pubsub#persist_items'><value>true</value></field>"
        + "<field var='pubsub#max_items'><value>max</value></field>"
        + "<field var='pubsub#send_last_published_item'><value>never</value></field>"
        + "<field var='pubsub#access_model'><value>whitelist</value></field></x></publish-options>"

    /// XEP-0402 Examples 1 and 2: a conference element, and the minimal one.
    @Test func aConferenceElementIsABookmark() throws {
        let council = try JID("council@conference.underhill.org")
        let bookmark = try #require(
            RoomBookmark(
                room: council,
                conference: stanza(
                    "<conference xmlns='urn:xmpp:bookmarks:1' name='Council of Oberon' autojoin='true'>"
                        + "<nick>Puck</nick></conference>")))
        #expect(bookmark == RoomBookmark(room: council, name: "Council of Oberon", autojoin: true, nick: "Puck"))
        let minimal = try #require(
            RoomBookmark(room: council, conference: stanza("<conference xmlns='urn:xmpp:bookmarks:1'/>")))
        #expect(minimal == RoomBookmark(room: council))
        #expect(!minimal.autojoin, "autojoin defaults to false")
        #expect(minimal.conference.matches("<conference xmlns='urn:xmpp:bookmarks:1'/>"))
        #expect(
            RoomBookmark(room: council, conference: try stanza("<conference xmlns='storage:bookmarks'/>")) == nil)
    }

    /// XEP-0402 Examples 4 and 5: all bookmarks, the second with another client's extensions.
    @Test func allBookmarksAreRequestedAndRead() throws {
        #expect(
            Bookmarks.requestItems(id: "retrieve1").matches(
                "<iq type='get' id='retrieve1'><pubsub xmlns='http://jabber.org/protocol/pubsub'>"
                    + "<items node='urn:xmpp:bookmarks:1'/></pubsub></iq>"))
        let bookmarks = try #require(
            Bookmarks.items(
                stanza(
                    """
                    <iq type='result' to='juliet@capulet.lit/balcony' id='retrieve1'>
                      <pubsub xmlns='http://jabber.org/protocol/pubsub'>
                        <items node='urn:xmpp:bookmarks:1'>
                          <item id='theplay@conference.shakespeare.lit'>
                            <conference xmlns='urn:xmpp:bookmarks:1' name='The Play&apos;s the Thing' autojoin='true'>
                              <nick>JC</nick>
                            </conference>
                          </item>
                          <item id='orchard@conference.shakespeare.lit'>
                            <conference xmlns='urn:xmpp:bookmarks:1' name='The Orcard' autojoin='1'>
                              <nick>JC</nick>
                              <extensions>
                                <state xmlns='http://myclient.example/bookmark/state' minimized='true'/>
                              </extensions>
                            </conference>
                          </item>
                        </items>
                      </pubsub>
                    </iq>
                    """)))
        #expect(bookmarks.count == 2)
        #expect(bookmarks[0] == RoomBookmark(room: theplay, name: "The Play's the Thing", autojoin: true, nick: "JC"))
        #expect(bookmarks[1].room == orchard)
        #expect(bookmarks[1].autojoin, "xs:boolean: 1 is true")
        #expect(bookmarks[1].extensions.count == 1)
        #expect(
            bookmarks[1].extensions.first?.matches(
                "<state xmlns='http://myclient.example/bookmark/state' minimized='true'/>") == true)
    }

    /// XEP-0402 Example 6: a new bookmark, published with the publish-options the XEP requires.
    @Test func aBookmarkIsPublishedWithPrivateNodeOptions() throws {
        let publish = Bookmarks.publish(
            RoomBookmark(room: theplay, name: "The Play's the Thing", autojoin: true, nick: "JC"), id: "pip1")
        #expect(
            publish.matches(
                "<iq type='set' id='pip1'><pubsub xmlns='http://jabber.org/protocol/pubsub'>"
                    + "<publish node='urn:xmpp:bookmarks:1'><item id='theplay@conference.shakespeare.lit'>"
                    + "<conference xmlns='urn:xmpp:bookmarks:1' name='The Play&apos;s the Thing' autojoin='true'>"
                    + "<nick>JC</nick></conference></item></publish>\(Self.publishOptions)</pubsub></iq>"))
        #expect(publish[attribute: "to"] == nil, "to our own account")
        #expect(Bookmarks.publishOptions["pubsub#access_model"]?.values == ["whitelist"])
    }

    /// XEP-0402 Example 8: editing keeps the other client's extensions as they came.
    @Test func anEditedBookmarkKeepsItsExtensions() throws {
        let stored = try #require(
            RoomBookmark(
                item: stanza(
                    "<item xmlns='http://jabber.org/protocol/pubsub' id='orchard@conference.shakespeare.lit'>"
                        + "<conference xmlns='urn:xmpp:bookmarks:1' name='The Orcard' autojoin='1'><nick>JC</nick>"
                        + "<extensions><state xmlns='http://myclient.example/bookmark/state' minimized='true'/>"
                        + "</extensions></conference></item>")))
        var edited = stored
        edited.name = "The Orchard"
        #expect(
            Bookmarks.publish(edited, id: "pip2").matches(
                "<iq type='set' id='pip2'><pubsub xmlns='http://jabber.org/protocol/pubsub'>"
                    + "<publish node='urn:xmpp:bookmarks:1'><item id='orchard@conference.shakespeare.lit'>"
                    + "<conference xmlns='urn:xmpp:bookmarks:1' name='The Orchard' autojoin='true'><nick>JC</nick>"
                    + "<extensions><state xmlns='http://myclient.example/bookmark/state' minimized='true'/>"
                    + "</extensions></conference></item></publish>\(Self.publishOptions)</pubsub></iq>"))
        #expect(RoomBookmark(item: edited.item()) == edited, "round trip")
        let everything = RoomBookmark(room: orchard, name: "n", autojoin: false, nick: "k", password: "p")
        #expect(RoomBookmark(item: everything.item()) == everything)
        #expect(
            everything.conference.matches(
                "<conference xmlns='urn:xmpp:bookmarks:1' name='n'><nick>k</nick><password>p</password></conference>"))
    }

    /// XEP-0402 Example 10: removing a bookmark notifies our other clients.
    @Test func aBookmarkIsRetractedWithNotify() {
        #expect(
            Bookmarks.retract(room: theplay, id: "remove-bookmark1").matches(
                "<iq type='set' id='remove-bookmark1'><pubsub xmlns='http://jabber.org/protocol/pubsub'>"
                    + "<retract node='urn:xmpp:bookmarks:1' notify='true'>"
                    + "<item id='theplay@conference.shakespeare.lit'/></retract></pubsub></iq>"))
    }

    /// XEP-0402 Examples 12, 13 and 14: published (autojoin on, then off) and retracted.
    @Test func notificationsFromOurOwnAccountAreRead() throws {
        let published = try #require(
            Bookmarks.events(
                stanza(
                    """
                    <message from='juliet@capulet.lit' to='juliet@capulet.lit/balcony' type='headline' id='new-room1'>
                      <event xmlns='http://jabber.org/protocol/pubsub#event'>
                        <items node='urn:xmpp:bookmarks:1'>
                          <item id='theplay@conference.shakespeare.lit'>
                            <conference xmlns='urn:xmpp:bookmarks:1' name='The Play&apos;s the Thing' autojoin='1'>
                              <nick>JC</nick>
                            </conference>
                          </item>
                        </items>
                      </event>
                    </message>
                    """),
                account: juliet))
        #expect(
            published == [
                .published(RoomBookmark(room: theplay, name: "The Play's the Thing", autojoin: true, nick: "JC"))
            ])
        let unjoined = try #require(
            Bookmarks.events(
                stanza(
                    "<message from='juliet@capulet.lit' to='juliet@capulet.lit/balcony' type='headline'>"
                        + "<event xmlns='http://jabber.org/protocol/pubsub#event'><items node='urn:xmpp:bookmarks:1'>"
                        + "<item id='theplay@conference.shakespeare.lit'><conference xmlns='urn:xmpp:bookmarks:1'"
                        + " name='The Play&apos;s the Thing'><nick>JC</nick></conference></item></items></event>"
                        + "</message>"),
                account: juliet))
        #expect(unjoined == [.published(RoomBookmark(room: theplay, name: "The Play's the Thing", nick: "JC"))])
        let retracted = try #require(
            Bookmarks.events(
                stanza(
                    """
                    <message from='juliet@capulet.lit' to='juliet@capulet.lit/balcony' type='headline' id='removed-room1'>
                      <event xmlns='http://jabber.org/protocol/pubsub#event'>
                        <items node='urn:xmpp:bookmarks:1'>
                          <retract id='theplay@conference.shakespeare.lit'/>
                        </items>
                      </event>
                    </message>
                    """),
                account: juliet))
        #expect(retracted == [.retracted(theplay)])
        let fromNobody = try #require(
            Bookmarks.events(
                stanza(
                    "<message><event xmlns='http://jabber.org/protocol/pubsub#event'><items node='urn:xmpp:bookmarks:1'>"
                        + "<retract id='theplay@conference.shakespeare.lit'/></items></event></message>"),
                account: juliet))
        #expect(fromNobody == [.retracted(theplay)], "no from: the server on our behalf")
    }

    /// Security rule 4 (CVE-2023-28686): a bookmark pushed by anyone else would make us join.
    @Test func notificationsFromAnyoneButOurOwnAccountAreRefused() throws {
        func event(from: String) throws -> XMLElement {
            try stanza(
                "<message from='\(from)' to='juliet@capulet.lit/balcony' type='headline'>"
                    + "<event xmlns='http://jabber.org/protocol/pubsub#event'><items node='urn:xmpp:bookmarks:1'>"
                    + "<item id='evil@conference.evil.lit'><conference xmlns='urn:xmpp:bookmarks:1' autojoin='true'/>"
                    + "</item></items></event></message>")
        }
        #expect(Bookmarks.events(try event(from: "juliet@capulet.lit"), account: juliet)?.count == 1)
        #expect(Bookmarks.events(try event(from: "JULIET@capulet.lit"), account: juliet)?.count == 1, "normalised")
        #expect(Bookmarks.events(try event(from: "romeo@montague.lit"), account: juliet) == nil)
        #expect(Bookmarks.events(try event(from: "capulet.lit"), account: juliet) == nil, "not our server's domain")
        #expect(Bookmarks.events(try event(from: "juliet@capulet.lit/evil"), account: juliet) == nil, "not a full JID")
        #expect(Bookmarks.events(try event(from: "@@"), account: juliet) == nil, "not an invalid one")
        #expect(!Bookmarks.isFromOwnAccount(try event(from: "romeo@montague.lit"), account: juliet))
    }

    @Test func otherEventsAndMalformedItemsAreNotBookmarks() throws {
        #expect(
            Bookmarks.events(
                try stanza(
                    "<message from='juliet@capulet.lit'><event xmlns='http://jabber.org/protocol/pubsub#event'>"
                        + "<items node='urn:xmpp:microblog:0'><item id='x'/></items></event></message>"),
                account: juliet) == nil, "another node")
        #expect(
            Bookmarks.events(
                try stanza("<message from='juliet@capulet.lit'><body>hi</body></message>"), account: juliet) == nil)
        let mixed = try #require(
            Bookmarks.events(
                try stanza(
                    "<message from='juliet@capulet.lit'><event xmlns='http://jabber.org/protocol/pubsub#event'>"
                        + "<items node='urn:xmpp:bookmarks:1'><item id='@@'><conference xmlns='urn:xmpp:bookmarks:1'/>"
                        + "</item><item id='a@b'/><retract/><retract id='c@d'/></items></event></message>"),
                account: juliet))
        #expect(mixed == [.retracted(try JID("c@d"))], "items without a room id or a conference are left out")
        #expect(
            Bookmarks.items(
                try stanza(
                    "<iq type='result' id='r'><pubsub xmlns='http://jabber.org/protocol/pubsub'>"
                        + "<items node='storage:bookmarks'/></pubsub></iq>")) == nil, "another node")
        #expect(Bookmarks.items(try stanza("<iq type='result' id='r'/>")) == nil)
    }

    /// XEP-0402 §3.1, §5.3.
    @Test func theFeatureStringsAreTheXEPs() {
        #expect(Bookmarks.notifyFeature == "urn:xmpp:bookmarks:1+notify")
        #expect(Bookmarks.compatFeature == "urn:xmpp:bookmarks:1#compat")
        #expect(Bookmarks.node == "urn:xmpp:bookmarks:1")
        #expect(Namespace.pubsubEvent == "http://jabber.org/protocol/pubsub#event")
        #expect(Namespace.pubsubOwner == "http://jabber.org/protocol/pubsub#owner")
    }

    /// XEP-0049 Examples 1 and 2, with XEP-0048 Example 1's storage.
    @Test func privateStorageBookmarksAreReadAndWrittenWhole() throws {
        #expect(
            LegacyBookmarks.request(id: "1002").matches(
                "<iq type='get' id='1002'><query xmlns='jabber:iq:private'>"
                    + "<storage xmlns='storage:bookmarks'/></query></iq>"))
        let stored = try #require(
            LegacyBookmarks(
                result: stanza(
                    """
                    <iq type="result" from="juliet@capulet.lit/balcony" to="juliet@capulet.lit/balcony" id="1002">
                      <query xmlns="jabber:iq:private">
                        <storage xmlns='storage:bookmarks'>
                          <conference name='Council of Oberon' autojoin='true' jid='council@conference.underhill.org'>
                            <nick>Puck</nick>
                          </conference>
                          <url name='Complete Works of Shakespeare' url='http://the-tech.mit.edu/Shakespeare/'/>
                          <conference name='no jid'/>
                        </storage>
                      </query>
                    </iq>
                    """)))
        #expect(
            stored.rooms == [
                RoomBookmark(
                    room: try JID("council@conference.underhill.org"), name: "Council of Oberon", autojoin: true,
                    nick: "Puck")
            ])
        #expect(stored.others.map(\.name) == ["url", "conference"], "kept to write back")
        var changed = stored
        changed.rooms.append(RoomBookmark(room: theplay, password: "pw"))
        let set = changed.store(id: "1001")
        let council: String =
            "<conference name='Council of Oberon' autojoin='true' jid='council@conference.underhill.org'>"
            + "<nick>Puck</nick></conference>"
        let others: String =
            "<url name='Complete Works of Shakespeare' url='http://the-tech.mit.edu/Shakespeare/'/>"
            + "<conference name='no jid'/>"
        let added = "<conference jid='theplay@conference.shakespeare.lit'><password>pw</password></conference>"
        let expected =
            "<iq type='set' id='1001'><query xmlns='jabber:iq:private'><storage xmlns='storage:bookmarks'>"
            + "\(council)\(added)\(others)</storage></query></iq>"
        #expect(set.matches(expected))
        var asResult = set
        asResult[attribute: "type"] = "result"
        #expect(LegacyBookmarks(result: asResult) == changed, "round trip")
        #expect(LegacyBookmarks(result: try stanza("<iq type='result' id='1'/>")) == nil)
        #expect(LegacyBookmarks(storage: try stanza("<storage xmlns='urn:xmpp:bookmarks:1'/>")) == nil)
        #expect(Namespace.privateStorage == "jabber:iq:private")
        #expect(Namespace.storageBookmarks == "storage:bookmarks")
    }
}
