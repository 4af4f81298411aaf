import Testing
import XMPPCore
import XMPPExtensions

/// Messages read into what a chat client uses, from the examples of the XEPs that add to them:
/// chat states (XEP-0085), receipts (XEP-0184), markers (XEP-0333), stanza and origin ids
/// (XEP-0359), corrections (XEP-0308), delays (XEP-0203), occupant ids (XEP-0421), errors.
@Suite struct ChatMessageTests {
    func read(_ xml: String) throws -> ChatMessage {
        ChatMessage(try #require(XMLElement.parse(xml)))
    }

    @Test func chatStatesWithAndWithoutContent() throws {
        // XEP-0085 example 3.
        let initial = try read(
            "<message from='bernardo@shakespeare.lit/pda' to='francisco@shakespeare.lit' type='chat'>"
                + "<body>Who's there?</body><active xmlns='http://jabber.org/protocol/chatstates'/></message>")
        #expect(initial.chatState == .active)
        #expect(initial.body == "Who's there?")
        #expect(initial.type == "chat")
        #expect(initial.from?.description == "bernardo@shakespeare.lit/pda")
        // Examples 5, 11, 15 and 18: standalone notifications, the later ones in a thread.
        for (state, thread) in [
            (ChatState.composing, nil), (.paused, "act2scene2chat1"), (.inactive, "act2scene2chat1"),
            (.gone, "act2scene2chat1"),
        ] {
            let threadElement = thread.map { "<thread>\($0)</thread>" } ?? ""
            let message = try read(
                "<message from='juliet@capulet.com/balcony' to='romeo@shakespeare.lit/orchard' type='chat'>"
                    + "\(threadElement)<\(state.rawValue) xmlns='http://jabber.org/protocol/chatstates'/></message>")
            #expect(message.chatState == state)
            #expect(message.body == nil)
            #expect(message.thread == thread)
        }
        // Example 9: a content message without one.
        let plain = try read(
            "<message from='juliet@capulet.com/balcony' to='romeo@shakespeare.lit/orchard' type='chat'>"
                + "<thread>act2scene2chat1</thread><body>Art thou not Romeo, and a Montague?</body></message>")
        #expect(plain.chatState == nil)
    }

    @Test func aChatStateOutsideTheFiveOrItsNamespaceIsNone() throws {
        #expect(try read("<message><typing xmlns='http://jabber.org/protocol/chatstates'/></message>").chatState == nil)
        #expect(try read("<message><composing xmlns='urn:example:other'/></message>").chatState == nil)
        #expect(try read("<message><composing/></message>").chatState == nil)
    }

    @Test func receiptRequestsAndReceipts() throws {
        // XEP-0184 example 3: no type is a normal message.
        let request = try read(
            "<message from='northumberland@shakespeare.lit/westminster' id='richard2-4.1.247'"
                + " to='kingrichard@royalty.england.lit/throne'><body>My lord, dispatch; read o'er these articles.</body>"
                + "<request xmlns='urn:xmpp:receipts'/></message>")
        #expect(request.requestsReceipt)
        #expect(request.id == "richard2-4.1.247")
        #expect(request.type == "normal")
        #expect(request.receiptFor == nil)
        // Example 4.
        let receipt = try read(
            "<message from='kingrichard@royalty.england.lit/throne' id='bi29sg183b4v'"
                + " to='northumberland@shakespeare.lit/westminster'>"
                + "<received xmlns='urn:xmpp:receipts' id='richard2-4.1.247'/></message>")
        #expect(receipt.receiptFor == "richard2-4.1.247")
        #expect(!receipt.requestsReceipt)
        #expect(receipt.receivedMarkerFor == nil, "a receipt is no marker")
        #expect(receipt.body == nil)
    }

    @Test func markersInAChatAndInARoom() throws {
        // XEP-0333 example 3: markable, with a receipt request too.
        let markable = try read(
            "<message to='juliet@capulet.lit' from='romeo@montegue.lit/orchard' id='the-msg-1'>"
                + "<body>Hi. How are you?</body><markable xmlns='urn:xmpp:chat-markers:0'/>"
                + "<request xmlns='urn:xmpp:receipts'/></message>")
        #expect(markable.isMarkable && markable.requestsReceipt)
        // Example 4.
        let displayed = try read(
            "<message to='romeo@montegue.lit' from='juliet@capulet.let/balcony'>"
                + "<displayed xmlns='urn:xmpp:chat-markers:0' id='the-msg-1'/></message>")
        #expect(displayed.displayedMarkerFor == "the-msg-1")
        #expect(!displayed.isMarkable && displayed.receiptFor == nil)
        // Examples 5 and 6: in a room, by the id the room stamped.
        let roomMessage = try read(
            "<message from='coven@chat.shakespeare.lit/firstwitch' to='coven@chat.shakespeare.lit' id='message-1'"
                + " type='groupchat'><thread>Act IV, Scene I</thread><body>Thrice the brinded cat hath mew'd.</body>"
                + "<markable xmlns='urn:xmpp:chat-markers:0' />"
                + "<stanza-id xmlns='urn:xmpp:sid:0' by='coven@chat.shakespeare.lit' id='39K7ZYIp' /></message>")
        #expect(roomMessage.type == "groupchat" && roomMessage.isMarkable)
        #expect(roomMessage.stanzaIDs(claimingToBe: try JID("coven@chat.shakespeare.lit")) == ["39K7ZYIp"])
        let roomMarker = try read(
            "<message from='coven@chat.shakespeare.lit/secondwitch' to='coven@chat.shakespeare.lit' id='message-2'"
                + " type='groupchat'><thread>Act IV, Scene I</thread>"
                + "<displayed xmlns='urn:xmpp:chat-markers:0' id='39K7ZYIp'/></message>")
        #expect(roomMarker.displayedMarkerFor == "39K7ZYIp")
        // The earlier drafts' received marker is read apart from a receipt.
        let received = try read("<message><received xmlns='urn:xmpp:chat-markers:0' id='m-1'/></message>")
        #expect(received.receivedMarkerFor == "m-1" && received.receiptFor == nil)
    }

    @Test func stanzaAndOriginIDs() throws {
        // XEP-0359 example 3.
        let message = try read(
            "<message xmlns='jabber:client' to='room@muc.example.com' type='groupchat'><body>Typical body text</body>"
                + "<stanza-id xmlns='urn:xmpp:sid:0' id='5f3dbc5e-e1d3-4077-a492-693f3769c7ad' by='room@muc.example.com'/>"
                + "<origin-id xmlns='urn:xmpp:sid:0' id='de305d54-75b4-431b-adb2-eb6b9e546013'/></message>")
        #expect(message.originID == "de305d54-75b4-431b-adb2-eb6b9e546013")
        #expect(message.stanzaIDs.map(\.id) == ["5f3dbc5e-e1d3-4077-a492-693f3769c7ad"])
        #expect(message.stanzaIDs.map(\.by) == ["room@muc.example.com"])
        #expect(message.stanzaIDs(claimingToBe: try JID("room@muc.example.com/nick")).count == 1, "by its bare JID")
        #expect(message.stanzaIDs(claimingToBe: try JID("other@muc.example.com")).isEmpty)
        // Example 2: an origin id alone.
        let sent = try read(
            "<message xmlns='jabber:client' to='room@muc.example.com' type='groupchat'><body>Typical body text</body>"
                + "<origin-id xmlns='urn:xmpp:sid:0' id='de305d54-75b4-431b-adb2-eb6b9e546013'/></message>")
        #expect(sent.stanzaIDs.isEmpty && sent.originID == "de305d54-75b4-431b-adb2-eb6b9e546013")
    }

    @Test func aCorrectionNamesTheMessageItReplaces() throws {
        // XEP-0308 example 4.
        let correction = try read(
            "<message to='juliet@capulet.net/balcony' id='good1'>"
                + "<body>But soft, what light through yonder window breaks?</body>"
                + "<replace id='bad1' xmlns='urn:xmpp:message-correct:0'/></message>")
        #expect(correction.replaces == "bad1")
        #expect(correction.id == "good1")
        #expect(try read("<message id='x'><body>b</body><replace id='y'/></message>").replaces == nil, "its namespace")
    }

    @Test func aDelayGivesTheTimeItWasSent() throws {
        // XEP-0203 example 1.
        let delayed = try read(
            "<message from='romeo@montague.net/orchard' to='juliet@capulet.com' type='chat'><body>"
                + "O blessed, blessed night! I am afeard.</body>"
                + "<delay xmlns='urn:xmpp:delay' from='capulet.com' stamp='2002-09-10T23:08:25Z'>Offline Storage</delay>"
                + "</message>")
        #expect(delayed.delay == 1_031_699_305_000)
        #expect(try read("<message><delay xmlns='urn:xmpp:delay' stamp='yesterday'/></message>").delay == nil)
        #expect(try read("<message><delay xmlns='urn:xmpp:delay'/></message>").delay == nil)
    }

    @Test func anOccupantIDAndASubject() throws {
        // XEP-0421 example 6.
        let reflected = try read(
            "<message from='coven@chat.shakespeare.lit/thirdwitch' id='hysf1v37' to='crone1@shakespeare.lit/desktop'"
                + " type='groupchat'><body>Harpier cries: 'tis time, 'tis time.</body>"
                + "<occupant-id xmlns=\"urn:xmpp:occupant-id:0\" id=\"dd72603deec90a38ba552f7c68cbcc61bca202cd\" />"
                + "</message>")
        #expect(reflected.occupantID == "dd72603deec90a38ba552f7c68cbcc61bca202cd")
        // XEP-0045 §8.1: a subject, and an empty one that clears it.
        let subject = try read(
            "<message from='coven@chat.shakespeare.lit/secondwitch' type='groupchat'>"
                + "<subject>Fire Burn and Cauldron Bubble!</subject></message>")
        #expect(subject.subject == "Fire Burn and Cauldron Bubble!" && subject.body == nil)
        #expect(try read("<message type='groupchat'><subject/></message>").subject == "")
        #expect(reflected.subject == nil)
    }

    @Test func anErrorKeepsItsCondition() throws {
        // XEP-0191 example 9: the contact blocked us.
        let bounced = try read(
            "<message type='error' from='romeo@montague.net' to='juliet@capulet.com'><body>Can you hear me now?</body>"
                + "<error type='cancel'><not-acceptable xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/>"
                + "<blocked xmlns='urn:xmpp:blocking:errors'/></error></message>")
        let error = try #require(bounced.error)
        #expect(error.condition == .notAcceptable)
        #expect(error.type == .cancel)
        #expect(error.applicationCondition?.name == "blocked")
        #expect(error.applicationCondition?.namespace == "urn:xmpp:blocking:errors")
        #expect(try read("<message type='chat'><error type='cancel'/></message>").error == nil, "only for type error")
    }

    @Test func anActionIsABodyStartingWithSlashMe() throws {
        #expect(try read("<message><body>/me waves</body></message>").isAction)
        #expect(try !read("<message><body>/mention</body></message>").isAction)
        #expect(try !read("<message><body>say /me waves</body></message>").isAction)
        #expect(try !read("<message/>").isAction)
    }
}
