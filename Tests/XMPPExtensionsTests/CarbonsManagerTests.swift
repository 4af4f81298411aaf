import TestSupport
import Testing
import XMPPCore
import XMPPExtensions

/// XEP-0280 message carbons from its own examples, for Romeo at montague.example: enabling on
/// login, copies accepted only from his own bare JID, everything else left to other handlers.
@Suite struct CarbonsManagerTests {
    let harness: SessionHarness
    let carbons = CarbonsManager()
    /// What reached the plain message handler after carbons.
    let plain = MessageHandler()
    let box = Box()

    final class Box {
        var copies: [(XMLElement, CarbonsManager.Direction)] = []
        var spoofed: [XMLElement] = []
        var plain: [ChatMessage] = []
    }

    init() throws {
        harness = SessionHarness(
            configuration: SessionConfiguration(
                jid: try JID("romeo@montague.example"), password: "pw", resource: "home"))
        harness.session.register(carbons)
        harness.session.register(plain)
        carbons.onCarbon = { [box] in box.copies.append(($0, $1)) }
        carbons.onSpoofedCarbon = { [box] in box.spoofed.append($0) }
        plain.onMessage = { [box] message, _ in box.plain.append(message) }
        try harness.establishScripted()
    }

    /// Example 3's request, as sent on login; the server's answer to it goes to `answer`.
    func enable(answer: (String) -> String) throws {
        let request = try #require(harness.takeWrittenElements().first)
        #expect(request.matches("<iq type='set' id='*'><enable xmlns='urn:xmpp:carbons:2'/></iq>"))
        harness.serverSends(answer(request.id!))
    }

    /// A carbon as the server sends it (examples 10, 11 and 13): `inner` forwarded as `direction`,
    /// with the outer `from` attribute given.
    func carbon(_ direction: String, from: String = "from='romeo@montague.example'", _ inner: String) -> String {
        "<message xmlns='jabber:client' \(from) to='romeo@montague.example/home' type='chat'>"
            + "<\(direction) xmlns='urn:xmpp:carbons:2'><forwarded xmlns='urn:xmpp:forward:0'>\(inner)</forwarded>"
            + "</\(direction)></message>"
    }

    @Test func carbonsAreEnabledOnLoginAndTheAnswerRemembered() throws {
        #expect(!carbons.isEnabled)
        // Example 4.
        try enable {
            "<iq xmlns='jabber:client' from='romeo@montague.example' id='\($0)' to='romeo@montague.example/home'"
                + " type='result'/>"
        }
        #expect(carbons.isEnabled)
        #expect(harness.session.discoFeatures.contains("urn:xmpp:carbons:2"))
    }

    @Test func aServerThatForbidsCarbonsLeavesThemOff() throws {
        // Example 5.
        try enable {
            "<iq xmlns='jabber:client' from='romeo@montague.example' id='\($0)' to='romeo@montague.example/home'"
                + " type='error'><error type='auth'><forbidden xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></iq>"
        }
        #expect(!carbons.isEnabled)
    }

    @Test func aReceivedCopyFromOurOwnAccountIsUnwrapped() throws {
        // Example 10.
        harness.serverSends(
            carbon(
                "received",
                "<message xmlns='jabber:client' from='juliet@capulet.example/balcony' to='romeo@montague.example/garden'"
                    + " type='chat'><body>What man art thou that, thus bescreen'd in night, so stumblest on my counsel?"
                    + "</body><thread>0e3141cd80894871a68e6fe6b1ec56fa</thread></message>"))
        #expect(box.copies.count == 1)
        let (inner, direction) = try #require(box.copies.first)
        #expect(direction == .received)
        let message = ChatMessage(inner)
        #expect(message.from?.description == "juliet@capulet.example/balcony")
        #expect(message.to?.description == "romeo@montague.example/garden")
        #expect(message.thread == "0e3141cd80894871a68e6fe6b1ec56fa")
        #expect(message.body?.hasPrefix("What man art thou") == true)
        #expect(box.plain.isEmpty, "the wrapper is not a message of its own")
    }

    @Test func aSentCopyFromOurOwnAccountIsUnwrapped() throws {
        // Example 13, to the resource of this session.
        harness.serverSends(
            carbon(
                "sent",
                "<message xmlns='jabber:client' to='juliet@capulet.example/balcony' from='romeo@montague.example/garden'"
                    + " type='chat'><body>Neither, fair saint, if either thee dislike.</body></message>"))
        let (inner, direction) = try #require(box.copies.first)
        #expect(direction == .sent)
        #expect(ChatMessage(inner).to?.description == "juliet@capulet.example/balcony")
        #expect(ChatMessage(inner).body == "Neither, fair saint, if either thee dislike.")
    }

    @Test func ourBareJIDInAnyCaseIsOurOwnAccount() throws {
        harness.serverSends(
            carbon(
                "received", from: "from='Romeo@Montague.Example'",
                "<message xmlns='jabber:client' from='juliet@capulet.example/b' type='chat'><body>hi</body></message>"))
        #expect(box.copies.count == 1)
        #expect(box.spoofed.isEmpty)
    }

    /// Example 11 and its variants: only the account's bare JID may send a carbon (XEP-0280 §11).
    @Test(arguments: [
        "from='tybalt@capulet.example/home'",
        "from='romeo@montague.example/garden'",
        "from='montague.example'",
        "",
    ])
    func aCopyFromAnyoneElseIsDroppedAndReported(from: String) throws {
        _ = harness.takeWritten()
        harness.serverSends(
            carbon(
                "received", from: from,
                "<message xmlns='jabber:client' from='juliet@capulet.example/balcony' to='romeo@montague.example/garden'"
                    + " type='chat'><body>Thou shall meet me tonite, at our house's hall!</body></message>"))
        #expect(box.copies.isEmpty)
        #expect(box.spoofed.count == 1)
        #expect(box.plain.isEmpty, "nor does the forged message reach the chat as a message of its own")
        #expect(harness.takeWritten().isEmpty, "not answered")
    }

    @Test func aCarbonWithoutAForwardedMessageIsDroppedQuietly() throws {
        harness.serverSends(
            "<message from='romeo@montague.example' type='chat'><sent xmlns='urn:xmpp:carbons:2'>"
                + "<forwarded xmlns='urn:xmpp:forward:0'/></sent></message>")
        harness.serverSends(
            "<message from='romeo@montague.example' type='chat'><received xmlns='urn:xmpp:carbons:2'/></message>")
        #expect(box.copies.isEmpty && box.spoofed.isEmpty && box.plain.isEmpty)
    }

    @Test func anOrdinaryMessageGoesOnToTheNextHandler() throws {
        // Example 9 and example 14 (a private message, which the server does not copy).
        harness.serverSends(
            "<message xmlns='jabber:client' from='juliet@capulet.example/balcony' to='romeo@montague.example/garden'"
                + " type='chat'><body>What man art thou?</body><thread>0e3141cd80894871a68e6fe6b1ec56fa</thread></message>"
        )
        harness.serverSends(
            "<message xmlns='jabber:client' from='juliet@capulet.example/home' to='romeo@montague.example/home'"
                + " type='chat'><body>Neither, fair saint</body><private xmlns='urn:xmpp:carbons:2'/>"
                + "<no-copy xmlns='urn:xmpp:hints'/></message>")
        #expect(box.plain.map(\.body) == ["What man art thou?", "Neither, fair saint"])
        #expect(box.copies.isEmpty && box.spoofed.isEmpty)
    }
}
