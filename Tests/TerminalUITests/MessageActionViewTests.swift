import ChatStore
import TerminalUI
import Testing
import XMPPCore

/// Reactions under a message and the quoted message above a reply, as the chat pane draws them.
@Suite(.serialized) struct MessageActionViewTests {
    let romeo = try! JID("romeo@example.net")

    func chatting(columns: Int = 60) -> UIFixture {
        let ui = UIFixture(rows: 20, columns: columns, settings: .withoutRoster)
        ui.connect(roster: "<item jid='romeo@example.net' name='Romeo' subscription='both'/>")
        ui.harness.serverSends(
            "<message from='romeo@example.net/phone' type='chat' id='r1'><body>Shall we dance?</body></message>")
        ui.open(romeo, focus: true)
        return ui
    }

    func submit(_ ui: UIFixture, _ line: String) {
        ui.type(line)
        ui.press(.key(.enter))
    }

    func react(_ ui: UIFixture, _ emoji: [String], from: String = "romeo@example.net/phone") {
        ui.harness.serverSends(
            "<message from='\(from)' type='chat' id='x\(emoji.count)'><reactions id='r1' xmlns='urn:xmpp:reactions:0'>"
                + emoji.map { "<reaction>\($0)</reaction>" }.joined() + "</reactions></message>")
        ui.render()
    }

    @Test func reactionsAreOneLineUnderTheMessageWithOursInTheirOwnStyle() throws {
        let ui = chatting()
        react(ui, ["💃", "👍"])
        submit(ui, "/react 👍")
        let rows = ui.chatRows().filter { !$0.isEmpty }
        #expect(rows.suffix(2) == ["16:00 Romeo: Shall we dance?", "      👍 2  💃 1"], "\(rows)")
        #expect(try ui.style(of: "👍 2") == ui.controller.theme.style("chat.reaction.own"))
        #expect(try ui.style(of: "💃 1") == ui.controller.theme.style("chat.reaction"))
        #expect(ui.controller.theme.style("chat.reaction.own").bold)
        // Romeo takes his back: only ours is left.
        react(ui, [])
        #expect(ui.chatRows().filter { !$0.isEmpty }.last == "      👍 1")
    }

    @Test func reactionsThatDoNotFitAreCounted() throws {
        let ui = chatting(columns: 40)
        react(ui, ["💃", "👍", "🎉", "🌹", "🕺", "🎶", "🥂", "🌙", "⭐"])
        let last = try #require(ui.chatRows().filter { !$0.isEmpty }.last)
        #expect(last == "      💃 1  👍 1  🎉 1  🌹 1  🕺 1  +4", "four more than the pane's width takes")
    }

    @Test func aReplyShowsTheMessageItAnswersAboveIt() throws {
        let ui = chatting()
        submit(ui, "/reply gladly")
        ui.harness.serverSends(
            "<message from='romeo@example.net/phone' type='chat' id='r2'><body>&gt; Juliet: lost\nthen not</body>"
                + "<reply id='gone' xmlns='urn:xmpp:reply:0'/><fallback xmlns='urn:xmpp:fallback:0'"
                + " for='urn:xmpp:reply:0'><body start='0' end='15'/></fallback></message>")
        ui.render()
        let rows = Array(ui.chatRows().filter { !$0.isEmpty }.suffix(5))
        #expect(
            rows == [
                "16:00 Romeo: Shall we dance?", "      ↳ Romeo: Shall we dance?", "16:00 alice: gladly (sent)",
                "      ↳ (earlier message)", "16:00 Romeo: then not",
            ], "\(rows)")
        #expect(try ui.style(of: "↳ Romeo") == ui.controller.theme.style("chat.notice"))
    }

    /// A retracted message leaves "(message retracted)", and a reply to it no longer quotes it.
    @Test func aRetractedMessageIsGoneFromTheReplyToo() throws {
        let ui = chatting()
        submit(ui, "/reply gladly")
        ui.harness.serverSends(
            "<message from='romeo@example.net/phone' type='chat' id='x'>"
                + "<retract id='r1' xmlns='urn:xmpp:message-retract:1'/><body>fallback</body></message>")
        ui.render()
        let rows = Array(ui.chatRows().filter { !$0.isEmpty }.suffix(3))
        #expect(
            rows == ["16:00 Romeo: (message retracted)", "      ↳ Romeo: (retracted)", "16:00 alice: gladly (sent)"],
            "\(rows)")
        #expect(try ui.store.search("dance").isEmpty, "nor is it found in the reply's quote")
        #expect(try ui.store.search("gladly").count == 1)
    }

    /// Network text in a quote is sanitised like a message's.
    @Test func aQuoteIsSanitised() throws {
        let ui = chatting()
        ui.harness.serverSends(
            "<message from='romeo@example.net/phone' type='chat' id='r3'><body>evil\u{202E}txt.exe</body></message>")
        submit(ui, "/reply 1 no")
        let screen = ui.render()
        #expect(!screen.contains("\u{202E}"))
        #expect(ui.chatRows().contains { $0.contains("↳ Romeo: evil") })
    }
}
