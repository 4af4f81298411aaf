import TestSupport
import Testing
import XMPPCore
import XMPPExtensions

/// XEP-0490 message displayed synchronization, from the XEP's own examples.
@Suite struct DisplayedSyncTests {
    func stanza(_ xml: String) throws -> XMLElement { try #require(XMLElement.parse(xml)) }
    let juliet = try! JID("juliet@capulet.lit/balcony")
    let romeo = try! JID("romeo@montegue.lit")

    /// XEP-0490 Example 1 (without `from`, which the server adds): a chat marked displayed, with
    /// the publish-options that keep the node private.
    @Test func aChatIsMarkedDisplayedWithItsPublishOptions() throws {
        let state = DisplayedSync.State(
            chat: romeo, stanzaID: "0f710f2b-52ed-4d52-b928-784dad74a52b", by: try JID("juliet@capulet.lit"))
        let publish = DisplayedSync.publish(state, id: "flag-as-displayed-1")
        #expect(
            publish.matches(
                "<iq type='set' id='flag-as-displayed-1'><pubsub xmlns='http://jabber.org/protocol/pubsub'>"
                    + "<publish node='urn:xmpp:mds:displayed:0'><item id='romeo@montegue.lit'>"
                    + "<displayed xmlns='urn:xmpp:mds:displayed:0'><stanza-id xmlns='urn:xmpp:sid:0' "
                    + "by='juliet@capulet.lit' id='0f710f2b-52ed-4d52-b928-784dad74a52b'/></displayed></item></publish>"
                    + BookmarksTests.publishOptions + "</pubsub></iq>"), "\(publish)")
        #expect(DisplayedSync.State(item: state.item) == state)
        #expect(DisplayedSync.notifyFeature == "urn:xmpp:mds:displayed:0+notify")
        #expect(DisplayedSync.publishOptionsFeature == "http://jabber.org/protocol/pubsub#publish-options")
    }

    /// XEP-0490 Examples 3 and 4: catching up reads every chat's state, a room's by the room.
    @Test func catchingUpReadsEveryChat() throws {
        #expect(
            DisplayedSync.requestItems(id: "catchup-1").matches(
                "<iq type='get' id='catchup-1'><pubsub xmlns='http://jabber.org/protocol/pubsub'>"
                    + "<items node='urn:xmpp:mds:displayed:0'/></pubsub></iq>"))
        let result = try stanza(
            "<iq type='result' to='juliet@capulet.lit/balcony' id='catchup-1'>"
                + "<pubsub xmlns='http://jabber.org/protocol/pubsub'><items node='urn:xmpp:mds:displayed:0'>"
                + "<item id='romeo@montegue.lit'><displayed xmlns='urn:xmpp:mds:displayed:0'>"
                + "<stanza-id xmlns='urn:xmpp:sid:0' id='0f710f2b-52ed-4d52-b928-784dad74a52b' by='juliet@capulet.lit'/>"
                + "</displayed></item>"
                + "<item id='example@conference.shakespeare.lit'><displayed xmlns='urn:xmpp:mds:displayed:0'>"
                + "<stanza-id xmlns='urn:xmpp:sid:0' id='ca21deaf-812c-48f1-8f16-339a674f2864' "
                + "by='example@conference.shakespeare.lit'/></displayed></item></items></pubsub></iq>")
        let room = try JID("example@conference.shakespeare.lit")
        #expect(
            DisplayedSync.items(result) == [
                .init(chat: romeo, stanzaID: "0f710f2b-52ed-4d52-b928-784dad74a52b", by: try JID("juliet@capulet.lit")),
                .init(chat: room, stanzaID: "ca21deaf-812c-48f1-8f16-339a674f2864", by: room),
            ])
        #expect(DisplayedSync.items(try stanza("<iq type='result' id='catchup-1'/>")) == nil)
    }

    /// XEP-0490 Example 10: the notification our other device's publish causes.
    static func notification(from: String?, stanzaID: String = "0423e3a9-d516-493d-bb06-bee0e51ab9fb") -> String {
        "<message \(from.map { "from='\($0)' " } ?? "")to='juliet@capulet.lit/balcony' type='headline' id='new-displayed-pep-event'>"
            + "<event xmlns='http://jabber.org/protocol/pubsub#event'><items node='urn:xmpp:mds:displayed:0'>"
            + "<item id='romeo@montegue.lit'><displayed xmlns='urn:xmpp:mds:displayed:0'>"
            + "<stanza-id xmlns='urn:xmpp:sid:0' by='juliet@capulet.lit' id='\(stanzaID)'/>"
            + "</displayed></item></items></event></message>"
    }

    @Test func aNotificationFromOurAccountIsRead() throws {
        let event = try stanza(Self.notification(from: "juliet@capulet.lit"))
        #expect(DisplayedSync.isNotification(event))
        #expect(
            DisplayedSync.states(event, account: juliet) == [
                .init(
                    chat: romeo, stanzaID: "0423e3a9-d516-493d-bb06-bee0e51ab9fb", by: try JID("juliet@capulet.lit"))
            ])
        let noFrom = try stanza(Self.notification(from: nil))
        #expect(DisplayedSync.states(noFrom, account: juliet)?.count == 1, "no from: our server on our behalf")
    }

    /// Security rule 4: a contact (or a full JID, or our server's domain) cannot mark our chats read.
    @Test(arguments: ["romeo@montegue.lit", "juliet@capulet.lit/evil", "capulet.lit", "@@"])
    func aNotificationFromAnyoneElseIsRefused(_ from: String) throws {
        let event = try stanza(Self.notification(from: from))
        #expect(DisplayedSync.isNotification(event))
        #expect(DisplayedSync.states(event, account: juliet) == nil)
    }

    /// §4.1: exactly one stanza-id, with an id and a `by`; the item id a JID.
    @Test func malformedItemsAreNoState() throws {
        func item(_ id: String, _ payload: String) throws -> XMLElement {
            try stanza(
                "<item xmlns='http://jabber.org/protocol/pubsub' id='\(id)'>"
                    + "<displayed xmlns='urn:xmpp:mds:displayed:0'>\(payload)</displayed></item>")
        }
        let good = "<stanza-id xmlns='urn:xmpp:sid:0' by='juliet@capulet.lit' id='a'/>"
        #expect(DisplayedSync.State(item: try item("romeo@montegue.lit", good)) != nil)
        #expect(DisplayedSync.State(item: try item("@@", good)) == nil)
        #expect(DisplayedSync.State(item: try item("romeo@montegue.lit", "")) == nil)
        #expect(DisplayedSync.State(item: try item("romeo@montegue.lit", good + good)) == nil)
        #expect(
            DisplayedSync.State(
                item: try item("romeo@montegue.lit", "<stanza-id xmlns='urn:xmpp:sid:0' by='juliet@capulet.lit'/>"))
                == nil)
        #expect(
            DisplayedSync.State(item: try item("romeo@montegue.lit", "<stanza-id xmlns='urn:xmpp:sid:0' id='a'/>"))
                == nil)
        #expect(
            DisplayedSync.State(
                item: try item(
                    "romeo@montegue.lit", "<stanza-id xmlns='urn:xmpp:sid:1' by='juliet@capulet.lit' id='a'/>"))
                == nil)
    }

    /// XEP-0490 Example 1's publish-options are those of XEP-0402 §3.3.
    @Test func thePublishOptionsArePrivate() {
        #expect(PrivatePEP.publishOptions["pubsub#access_model"]?.values == ["whitelist"])
        #expect(PrivatePEP.publishOptions["pubsub#max_items"]?.values == ["max"])
        #expect(PrivatePEP.publishOptions["pubsub#persist_items"]?.values == ["true"])
        #expect(PrivatePEP.publishOptions == Bookmarks.publishOptions)
    }

    /// §4.1: a private chat through a room is its occupant's full JID; other chats bare JIDs.
    @Test func aPrivateChatsItemIsTheOccupantsFullJID() throws {
        let occupant = try JID("example@conference.shakespeare.lit/thirdwitch")
        let state = DisplayedSync.State(chat: occupant, stanzaID: "p1", by: try JID("juliet@capulet.lit"))
        #expect(state.item[attribute: "id"] == "example@conference.shakespeare.lit/thirdwitch")
        #expect(DisplayedSync.State(item: state.item)?.chat == occupant)
    }
}
