import TestServers
import TestSupport
import Testing
import XMPPCore
import XMPPExtensions

/// XEP-0420 envelopes from the XEPs' examples, strict parsing, and XEP-0384's SCE profile.
@Suite struct SCEEnvelopeTests {
    func envelope(_ xml: String) throws -> SCEEnvelope { try SCEEnvelope(#require(XMLElement.parse(xml))) }

    /// XEP-0384 §SCE Profile, "Plaintext SCE envelope element".
    static let omemoExample = """
        <envelope xmlns='urn:xmpp:sce:1'>
          <content>
            <body xmlns='jabber:client'>
             Hello World!
            </body>
          </content>
          <rpad>...</rpad>
          <from jid='romeo@montague.lit'/>
        </envelope>
        """

    @Test func theOMEMOExampleReadsAndPassesTheProfile() throws {
        let read = try envelope(Self.omemoExample)
        #expect(read.content.map(\.name) == ["body"])
        #expect(read.content.first?.namespace == Namespace.client)
        #expect(read.content.first?.text.trimmingCharacters(in: .whitespacesAndNewlines) == "Hello World!")
        #expect(read.padding == "...")
        #expect(read.from == (try JID("romeo@montague.lit")))
        #expect(read.to == nil && read.time == nil && read.otherAffixes.isEmpty)
        try read.checkOMEMOProfile(
            sender: JID("romeo@montague.lit/orchard"), recipient: JID("juliet@capulet.lit"), isGroupChat: false)
    }

    /// XEP-0420 §Affix Elements' examples in one envelope, with the Use Cases' OOB content.
    @Test func everyAffixOfXEP0420Reads() throws {
        let read = try envelope(
            """
            <envelope xmlns='urn:xmpp:sce:1'>
              <content>
                <body xmlns='jabber:client'>[...]</body>
                <x xmlns='jabber:x:oob'><url>https://en.wikipedia.org/wiki/Fight_Club#Plot</url></x>
              </content>
              <time stamp='2004-01-25T06:05:00+01:00'/>
              <to jid='missioncontrol@houston.nasa.gov'/>
              <from jid='opportunity@mars.planet'/>
              <rpad>C1DHN9HK-9A25tSmwK4hU!Jji9%GKYK^syIlHJT9TnI4</rpad>
            </envelope>
            """)
        #expect(read.content.map(\.namespace) == [Namespace.client, "jabber:x:oob"])
        #expect(read.time == XMPPDateTime.milliseconds(from: "2004-01-25T05:05:00Z"))
        #expect(read.to == (try JID("missioncontrol@houston.nasa.gov")))
        #expect(read.from == (try JID("opportunity@mars.planet")))
        #expect(read.padding == "C1DHN9HK-9A25tSmwK4hU!Jji9%GKYK^syIlHJT9TnI4")
    }

    /// XEP-0420 §Use in iq stanzas: full JIDs in the affixes, content without a body.
    @Test func theIQExampleKeepsFullJIDs() throws {
        let read = try envelope(
            """
            <envelope xmlns='urn:xmpp:sce:1'>
              <content>
                <data xmlns='urn:xmpp:bob' cid='sha1+8f35fef110ffc5df08d579a50083ff9308fb6242@bob.xmpp.org'/>
              </content>
              <from jid='doctor@shakespeare.lit/pda'/>
              <to jid='ladymacbeth@shakespear.lit/castle'/>
            </envelope>
            """)
        #expect(read.from?.resourcepart == "pda")
        #expect(read.to?.resourcepart == "castle")
        #expect(read.content.first?[attribute: "cid"]?.hasPrefix("sha1+") == true)
    }

    /// XEP-0384 §Opt-out's envelope has no padding: it reads, but is no valid OMEMO 2 envelope.
    @Test func theOptOutExampleLacksTheRequiredPadding() throws {
        let read = try envelope(
            """
            <envelope xmlns='urn:xmpp:sce:1'>
              <content>
                <opt-out xmlns='urn:xmpp:omemo:2'><reason>compliance</reason></opt-out>
              </content>
            </envelope>
            """)
        #expect(read.content.first?.name == "opt-out")
        #expect(throws: SCEError.missing("rpad")) {
            try read.checkOMEMOProfile(
                sender: JID("romeo@montague.lit"), recipient: JID("juliet@capulet.lit"), isGroupChat: false)
        }
    }

    @Test func anEnvelopeRoundTrips() throws {
        let built = SCEEnvelope(
            content: [XMLElement("body", namespace: Namespace.client, [:], text: "hi <there> & you")],
            padding: "abc", time: 1_700_000_000_123, to: try JID("room@muc.example"),
            from: try JID("alice@example.org"),
            otherAffixes: [XMLElement("custom", namespace: "urn:example:affix", ["value": "1"])])
        let read = try envelope(built.element.serialized())
        #expect(read == built)
        #expect(try envelope(SCEEnvelope(content: []).element.serialized()) == SCEEnvelope(content: []))
    }

    /// Server-processed elements are dropped from the content, read or built; origin-id stays.
    @Test func serverProcessedElementsAreDropped() throws {
        let read = try envelope(
            """
            <envelope xmlns='urn:xmpp:sce:1'>
              <content>
                <body xmlns='jabber:client'>hi</body>
                <store xmlns='urn:xmpp:hints'/>
                <stanza-id xmlns='urn:xmpp:sid:0' id='forged' by='alice@example.org'/>
                <origin-id xmlns='urn:xmpp:sid:0' id='kept'/>
                <addresses xmlns='http://jabber.org/protocol/address'/>
                <encryption xmlns='urn:xmpp:eme:0' namespace='urn:xmpp:omemo:2'/>
              </content>
              <rpad/>
            </envelope>
            """)
        #expect(read.content.map(\.name) == ["body", "origin-id"])
        #expect(read.padding == "")
        let built = SCEEnvelope(content: [XMLElement("no-store", namespace: Namespace.hints, [:])])
        #expect(built.content.isEmpty)
    }

    @Test(arguments: [
        ("<content xmlns='urn:xmpp:sce:1'/>", SCEError.notAnEnvelope),
        ("<envelope xmlns='urn:xmpp:sce:0'><content/></envelope>", .notAnEnvelope),
        ("<envelope xmlns='urn:xmpp:sce:1'><rpad>x</rpad></envelope>", .missing("content")),
        ("<envelope xmlns='urn:xmpp:sce:1'><content/><content/></envelope>", .duplicate("content")),
        ("<envelope xmlns='urn:xmpp:sce:1'><content/><rpad/><rpad/></envelope>", .duplicate("rpad")),
        (
            "<envelope xmlns='urn:xmpp:sce:1'><content/><from jid='a@b'/><from jid='c@d'/></envelope>",
            .duplicate("from")
        ),
        ("<envelope xmlns='urn:xmpp:sce:1'><content/><time/></envelope>", .missing("time stamp")),
        ("<envelope xmlns='urn:xmpp:sce:1'><content/><time stamp='yesterday'/></envelope>", .invalid("time")),
        ("<envelope xmlns='urn:xmpp:sce:1'><content/><to/></envelope>", .missing("to address")),
        ("<envelope xmlns='urn:xmpp:sce:1'><content/><from jid='@bad'/></envelope>", .invalid("from")),
        ("<envelope xmlns='urn:xmpp:sce:1'><content><body>hi</body></content></envelope>", .unqualified("body")),
    ])
    func invalidEnvelopesAreRefused(xml: String, error: SCEError) throws {
        let element = try #require(XMLElement.parse(xml))
        #expect(throws: error) { try SCEEnvelope(element) }
    }

    /// XEP-0420: `from` and `to` must match the stanza; XEP-0384: `to` is required in a group chat.
    @Test func theOMEMOProfileChecksTheAddresses() throws {
        let alice = try JID("alice@example.org/phone")
        let bob = try JID("bob@example.org")
        let room = try JID("room@muc.example.org")
        var read = try envelope(Self.omemoExample)
        read.from = try JID("mallory@example.org")
        #expect(throws: SCEError.mismatch("from")) {
            try read.checkOMEMOProfile(sender: alice, recipient: bob, isGroupChat: false)
        }
        read.from = alice.bare
        try read.checkOMEMOProfile(sender: alice, recipient: bob, isGroupChat: false)
        #expect(throws: SCEError.missing("to")) {
            try read.checkOMEMOProfile(sender: alice, recipient: room, isGroupChat: true)
        }
        read.to = bob
        #expect(throws: SCEError.mismatch("to")) {
            try read.checkOMEMOProfile(sender: alice, recipient: room, isGroupChat: true)
        }
        read.to = room
        try read.checkOMEMOProfile(sender: alice, recipient: room, isGroupChat: true)
        #expect(throws: SCEError.mismatch("to")) {
            try read.checkOMEMOProfile(sender: alice, recipient: bob, isGroupChat: false)
        }
    }

    @Test func theTimeMustBeCloseToTheStanzas() throws {
        let read = SCEEnvelope(content: [], padding: "", time: 1_000_000_000)
        try read.checkTime(sentAt: 1_000_000_000 + SCEEnvelope.timeMargin)
        #expect(throws: SCEError.mismatch("time")) {
            try read.checkTime(sentAt: 1_000_000_000 - SCEEnvelope.timeMargin - 1)
        }
        try SCEEnvelope(content: []).checkTime(sentAt: 0)
    }

    /// An OMEMO 2 envelope carries padding to the minimum plus up to 200 more, bare addresses and the
    /// time, and passes its own profile.
    @Test func anOMEMOEnvelopeIsPaddedAndAddressed() throws {
        var random = SplitMix64(state: 42)
        let body = XMLElement("body", namespace: Namespace.client, [:], text: "hi")
        let bodyLength = body.serialized().utf8.count
        var lengths: Set<Int> = []
        for _ in 0..<50 {
            let built = SCEEnvelope.omemo(
                content: [body], from: try JID("alice@example.org/phone"), to: try JID("room@muc.example.org/nick"),
                time: 5, random: &random)
            let padding = try #require(built.padding)
            #expect(bodyLength + padding.count >= SCEEnvelope.minimumPaddedLength)
            #expect(bodyLength + padding.count <= SCEEnvelope.minimumPaddedLength + SCEEnvelope.maximumExtraPadding)
            #expect(padding.allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" })
            #expect(built.from?.isBare == true && built.to?.isBare == true && built.time == 5)
            try envelope(built.element.serialized()).checkOMEMOProfile(
                sender: JID("alice@example.org"), recipient: JID("room@muc.example.org"), isGroupChat: true)
            lengths.insert(padding.count)
        }
        #expect(lengths.count > 10)
        let long = SCEEnvelope.padding(contentLength: 10_000, random: &random)
        #expect(long.count <= SCEEnvelope.maximumExtraPadding)
    }
}
