import ChatModel
import ChatStore
import Foundation
import TernConfig
import Testing
import XMPPCore

@testable import TerminalUI

/// The message cursor's parts: the reaction picker, message references, what `y` copies, the
/// selected style, the details' lines (sanitised) and where the overlays go.
@Suite(.serialized) struct MessageCursorPartsTests {
    let romeo = try! JID("romeo@example.net")

    /// Stores a message; its id.
    static func insert(_ ui: UIFixture, _ message: NewMessage) throws -> Int64 {
        guard case .inserted(let id) = try ui.store.insert(message, account: ui.account.accountID) else {
            throw UIFixture.NotOnScreen(description: "not stored")
        }
        return id
    }

    @Test func thePickerPutsRecentReactionsFirstWithoutRepeatsAndAtMostNine() {
        #expect(ReactionPicker(recent: []).choices == ReactionPicker.common)
        #expect(ReactionPicker(recent: ["🎉", "🙈"]).choices == ["🎉", "🙈", "👍", "❤", "😂", "😮", "😢", "✅"])
        let many = ReactionPicker(recent: ["🙈", "🙉", "🙊", "🐒", "🦍", "🦧"])
        #expect(many.choices.count == 9 && many.choices.prefix(5) == ["🙈", "🙉", "🙊", "🐒", "🦍"])
        #expect(ReactionPicker.recent(after: "👍", ["❤", "👍", "😂", "😮", "😢"]) == ["👍", "❤", "😂", "😮", "😢"])
        #expect(ReactionPicker.recent(after: "🎉", ["❤", "👍", "😂", "😮", "😢"]) == ["🎉", "❤", "👍", "😂", "😮"])
    }

    @Test func thePickersKeys() {
        var picker = ReactionPicker(recent: [])
        #expect(picker.handle(.key(.left)) == .moved && picker.selected == 6, "round to the last")
        #expect(picker.handle(.key(.right)) == .moved && picker.selected == 0)
        #expect(picker.handle(.character("l")) == .moved && picker.handle(.key(.tab)) == .moved)
        #expect(picker.handle(.key(.enter)) == .picked("😂"))
        #expect(picker.handle(.character("7")) == .picked("✅"))
        #expect(picker.handle(.character("8")) == .ignored, "no eighth choice")
        #expect(picker.handle(.character("0")) == .ignored)
        #expect(picker.handle(.character("q")) == .ignored && picker.selected == 2)
        #expect(picker.handle(.key(.escape)) == .closed)
    }

    @Test func messageReferences() {
        #expect(MessagePick(nil) == .fromNewest(1))
        #expect(MessagePick("3") == .fromNewest(3))
        #expect(MessagePick("#42") == .id(42))
        for wrong in ["0", "-1", "#0", "#-3", "#", "#x", "x", "1.5", "#9999999999999999999999"] {
            #expect(MessagePick(wrong) == nil, "\(wrong)")
        }
    }

    /// `N` counts people's messages: a room speaking for itself (its subject) is not one.
    @Test func numbersCountMessagesNotTheRoomsOwn() throws {
        let ui = UIFixture(rows: 30, columns: 100, settings: .withoutRoster)
        ui.connect()
        let room = "coven@chat.shakespeare.lit"
        let key = try ui.enter(room, others: ["firstwitch"])
        let window = ui.model.openChat(key, focus: true)
        ui.harness.serverSends("<message from='\(room)/firstwitch' type='groupchat'><body>one</body></message>")
        ui.harness.serverSends("<message from='\(room)' type='groupchat'><body>the room speaks</body></message>")
        ui.render()
        #expect(window.messages.last?.body == "the room speaks")
        #expect(MessagePick.fromNewest(1).message(in: window)?.body == "one")
        #expect(MessagePick.fromNewest(2).message(in: window) == nil)
        let id = try #require(window.messages.first { $0.body == "one" }?.id)
        #expect(MessagePick.id(id).message(in: window)?.body == "one")
        #expect(MessagePick.id(id + 1000).message(in: window) == nil)
    }

    @Test func whatYCopies() {
        func row(_ body: String) -> MessageRow? {
            let ui = UIFixture(rows: 20, columns: 80, settings: .withoutRoster)
            ui.fill(1)
            return ui.model.openChat(try! ui.key("romeo@example.net"), focus: true).messages.last.map {
                var message = $0
                message.body = body
                return message
            }
        }
        #expect(row(" https://example.org/a \n").map(MessageCursor.copiedText) == "https://example.org/a")
        #expect(row("xmpp:room@example.org?join").map(MessageCursor.copiedText) == "xmpp:room@example.org?join")
        #expect(row("see https://example.org/a").map(MessageCursor.copiedText) == "see https://example.org/a")
        #expect(row("  indented\ncode ").map(MessageCursor.copiedText) == "  indented\ncode ", "text as written")
    }

    @Test func theSelectedStyleGoesOverEachElement() {
        let builtIn = Theme(definition: nil, colors: 8)
        #expect(builtIn.style("chat.time", selected: true).reverse && builtIn.style("chat.time", selected: true).dim)
        #expect(builtIn.style("chat.me", selected: true) == Style(bold: true, reverse: true))
        #expect(builtIn.style("chat.me", selected: false) == Style(bold: true))
        let (definition, problems) = ThemeDefinition.parse(
            "[chat]\nselected = \"on 238 underline\"\nme = \"blue bold\"\n", name: "test", file: "test.toml")
        #expect(problems.isEmpty)
        let theme = Theme(definition: definition, colors: 256)
        let me = theme.style("chat.me", selected: true)
        #expect(me.background == .index(238) && me.foreground == theme.style("chat.me").foreground)
        #expect(me.bold && me.underline && !me.reverse)
    }

    /// Ids and senders come from the network: the details show them without control characters.
    @Test func detailsAreSanitisedAndSayWhatIsKnown() throws {
        let ui = UIFixture(rows: 30, columns: 100, settings: .withoutRoster)
        let evil = "x\u{9B}31mred\u{7}"
        let id = try Self.insert(
            ui,
            NewMessage(
                conversation: romeo, outgoing: true, sender: "alice@example.org/tern", senderKey: "alice@example.org",
                body: "hi", timestamp: 1_764_000_000_000, idAttribute: evil, originID: "o1", stanzaID: nil,
                state: .delivered, encryption: "OMEMO"))
        let key = try ui.key("romeo@example.net")
        let details = try #require(ui.model.messageDetails(id, in: key))
        let lines = details.lines()
        let controls = lines.filter { line in line.unicodeScalars.contains { $0.value == 0x9B || $0.value == 0x07 } }
        #expect(controls.isEmpty)
        #expect(lines[0] == "message #\(id), sent Monday 24 November 2025, 16:00:00")
        #expect(lines[2] == "ids: id x\u{FFFD}31mred\u{2407}, origin-id o1", "the controls shown as symbols")
        #expect(lines[3] == "delivery: delivered")
        #expect(lines[4] == "encrypted (OMEMO)")
        #expect(ui.model.messageDetails(id, in: try ui.key("juliet@example.net")) == nil, "not this conversation's")
        #expect(ui.model.messageDetails(id + 1, in: key) == nil)
    }

    @Test func aRoomMessagesDetailsNameTheOccupantId() throws {
        let ui = UIFixture(rows: 30, columns: 100, settings: .withoutRoster)
        let room = try JID("coven@chat.shakespeare.lit")
        let id = try Self.insert(
            ui,
            NewMessage(
                conversation: room, kind: .groupchat, outgoing: false, sender: "firstwitch",
                senderKey: "occupant:dd72603",
                body: "hail", timestamp: 1_764_000_000_000, type: "groupchat", stanzaID: "s1",
                stanzaIDBy: "coven@chat.shakespeare.lit"))
        let details = try #require(ui.model.messageDetails(id, in: try ui.key("coven@chat.shakespeare.lit")))
        #expect(details.lines()[1] == "from: firstwitch (occupant-id dd72603)")
        #expect(details.lines()[2] == "ids: stanza-id s1 by coven@chat.shakespeare.lit")
        #expect(!details.lines().contains { $0.hasPrefix("delivery:") }, "only ours have a delivery state")
    }

    /// The details go over the bottom of the pane, or over its top when the selected message is
    /// drawn at the bottom.
    @Test func theDetailsStayOffTheSelectedMessage() throws {
        var settings = UISettings.withoutRoster
        settings.logVisible = false
        let ui = UIFixture(rows: 30, columns: 100, settings: settings)
        ui.fill(60)
        ui.open(romeo, focus: true)
        ui.press(.altKey(.up))
        ui.press(.character("i"))
        let chat = try #require(ui.controller.layout?.chat)
        #expect(ui.screen.text(row: chat.row).hasPrefix("─── details"), "on top: \(ui.render())")
        #expect(ui.chatRows().last?.hasSuffix("message 59") == true)
        for _ in 0..<40 { ui.press(.key(.up)) }
        ui.press(.character("i"))
        let rows = ui.chatRows()
        #expect(rows.first?.hasSuffix("message 19") == true && rows.contains { $0.hasPrefix("─── details") })
        #expect(!ui.screen.text(row: chat.row).hasPrefix("─── details"))
    }
}
