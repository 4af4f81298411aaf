import TestSupport
import Testing
import XMPPCore
import XMPPExtensions

/// The messages a chat client sends, against the XEPs' examples: what each carries, and what it
/// must not (a receipt never asks for a receipt; a chat state alone is not archived).
@Suite struct OutgoingMessageTests {
    func contact(_ text: String) -> JID { JID(parsing: text)! }

    @Test func aChatMessageCarriesItsOriginIDAndWhatItAsksFor() throws {
        let message = OutgoingMessage.chat(to: contact("juliet@capulet.net/balcony"), body: "But soft", id: "bad1")
        #expect(
            message.matches(
                "<message to='juliet@capulet.net/balcony' type='chat' id='bad1'><body>But soft</body>"
                    + "<origin-id xmlns='urn:xmpp:sid:0' id='bad1'/><request xmlns='urn:xmpp:receipts'/>"
                    + "<markable xmlns='urn:xmpp:chat-markers:0'/><active xmlns='http://jabber.org/protocol/chatstates'/>"
                    + "</message>"))
        #expect(message.namespace == "jabber:client")
        let bare = OutgoingMessage.chat(
            to: contact("juliet@capulet.net"), body: "x", id: "m2", requestReceipt: false, markable: false,
            chatState: nil)
        #expect(bare.elements.map(\.name) == ["body", "origin-id"])
    }

    @Test func aCorrectionNamesTheOriginal() throws {
        // XEP-0308 example 4.
        let correction = OutgoingMessage.chat(
            to: contact("juliet@capulet.net/balcony"), body: "But soft, what light through yonder window breaks?",
            id: "good1", replacing: "bad1", requestReceipt: false, markable: false, chatState: nil)
        #expect(
            correction.matches(
                "<message to='juliet@capulet.net/balcony' type='chat' id='good1'>"
                    + "<body>But soft, what light through yonder window breaks?</body>"
                    + "<origin-id xmlns='urn:xmpp:sid:0' id='good1'/><replace xmlns='urn:xmpp:message-correct:0' id='bad1'/>"
                    + "</message>"))
        #expect(ChatMessage(correction).replaces == "bad1")
    }

    @Test func aReceiptEchoesTheIDAndAsksForNothing() throws {
        // XEP-0184 example 4.
        let receipt = OutgoingMessage.receipt(
            to: contact("northumberland@shakespeare.lit/westminster"), for: "richard2-4.1.247", newID: "bi29sg183b4v")
        #expect(
            receipt.matches(
                "<message to='northumberland@shakespeare.lit/westminster' id='bi29sg183b4v'>"
                    + "<received xmlns='urn:xmpp:receipts' id='richard2-4.1.247'/></message>"))
        #expect(receipt.elements.count == 1, "§5.3: only the receipt, never a request (no loops)")
    }

    @Test func aDisplayedMarkerIsKeptInTheArchive() throws {
        // XEP-0333 example 4, typed, with a hint to store it for our other clients.
        let marker = OutgoingMessage.displayed(to: contact("romeo@montegue.lit"), for: "the-msg-1", newID: "d1")
        #expect(
            marker.matches(
                "<message to='romeo@montegue.lit' id='d1' type='chat'>"
                    + "<displayed xmlns='urn:xmpp:chat-markers:0' id='the-msg-1'/><store xmlns='urn:xmpp:hints'/></message>"
            ))
        let read = ChatMessage(marker)
        #expect(read.displayedMarkerFor == "the-msg-1" && !read.isMarkable && read.body == nil)
    }

    @Test(arguments: ChatState.allCases)
    func aChatStateAloneIsNotArchived(state: ChatState) throws {
        // XEP-0085 example 5, with XEP-0334's no-store.
        let notification = OutgoingMessage.chatState(state, to: contact("francisco@shakespeare.lit/elsinore"))
        #expect(
            notification.matches(
                "<message to='francisco@shakespeare.lit/elsinore' type='chat'>"
                    + "<\(state.rawValue) xmlns='http://jabber.org/protocol/chatstates'/><no-store xmlns='urn:xmpp:hints'/>"
                    + "</message>"))
        #expect(ChatMessage(notification).chatState == state)
        #expect(notification[attribute: "id"] == nil)
    }

    @Test func aRoomMessageGoesToTheBareRoom() throws {
        // XEP-0045 example 60 and XEP-0359 example 2.
        let message = OutgoingMessage.groupchat(
            to: contact("coven@chat.shakespeare.lit/thirdwitch"), body: "Harpier cries: 'tis time, 'tis time.",
            id: "hysf1v37")
        #expect(
            message.matches(
                "<message to='coven@chat.shakespeare.lit' type='groupchat' id='hysf1v37'>"
                    + "<body>Harpier cries: 'tis time, 'tis time.</body><origin-id xmlns='urn:xmpp:sid:0' id='hysf1v37'/>"
                    + "</message>"))
    }

    @Test func theChatStatesAreTheXEPsFive() {
        #expect(ChatState.allCases.map(\.rawValue) == ["active", "composing", "paused", "inactive", "gone"])
    }
}
