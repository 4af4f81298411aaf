import ChatModel
import Foundation
import TerminalUI
import TestSupport
import Testing
import XMPPCore

/// The form editor on a headless screen: a room's configuration form (/config) drawn as a list,
/// moved through and edited with the keys, submitted (or held back by a missing field) and
/// cancelled.
@Suite(.serialized) struct FormEditorTests {
    static let room = "coven@chat.example.org"
    static let owner = "http://jabber.org/protocol/muc#owner"

    static let form = """
        <x xmlns='jabber:x:data' type='form'><title>Configuration for "coven" Room\u{202E}</title>
        <instructions>Complete this form to modify the configuration of your room.</instructions>
        <field type='hidden' var='FORM_TYPE'><value>http://jabber.org/protocol/muc#roomconfig</value></field>
        <field type='fixed'><value>The basics</value></field>
        <field label='Room Name' type='text-single' var='name'><required/></field>
        <field label='Members Only?' type='boolean' var='membersonly'><desc>Only members may enter</desc>\
        <value>0</value></field>
        <field label='Who May Send Private Messages?' type='list-single' var='allowpm'><value>anyone</value>\
        <option label='Anyone'><value>anyone</value></option>\
        <option label='Moderators Only'><value>moderators</value></option>\
        <option label='Nobody'><value>none</value></option></field>
        <field label='Presence For' type='list-multi' var='presence'><value>moderator</value>\
        <value>participant</value><option label='Moderator'><value>moderator</value></option>\
        <option label='Participant'><value>participant</value></option>\
        <option label='Visitor'><value>visitor</value></option></field>
        <field label='Password' type='text-private' var='secret'><value>cauldronburn</value></field>
        <field label='Description' type='text-multi' var='desc'><value>line one</value><value>line two</value></field>
        <field label='Room Admins' type='jid-multi' var='admins'><value>wiccarocks@shakespeare.lit</value></field>
        </x>
        """

    /// The fixture's user, owner of the coven, with its configuration form open.
    func configuring() throws -> UIFixture {
        let ui = UIFixture(rows: 26, columns: 100, settings: .withoutRoster)
        ui.connect()
        ui.account.feature(RoomsFeature.self)?.join(try JID(Self.room), nick: "alice")
        try ui.harness.answerRoomInfo(Self.room, name: "Coven")
        ui.harness.serverSends(
            SessionHarness.occupantPresence(
                room: Self.room, nick: "alice", affiliation: "owner", role: "moderator", codes: [110]))
        _ = ui.harness.takeWritten()
        ui.model.openChat(try ui.key(Self.room), focus: true)
        ui.type("/config")
        ui.press(.key(.enter))
        let request = try #require(ui.harness.takeWrittenElements().first { $0.name == "iq" })
        ui.harness.serverSends(
            "<iq type='result' id='\(request.id!)' from='\(Self.room)'><query xmlns='\(Self.owner)'>\(Self.form)"
                + "</query></iq>")
        ui.render()
        return ui
    }

    /// The chat pane's row that shows `text`.
    func row(_ ui: UIFixture, _ text: String) throws -> (index: Int, text: String) {
        let rows = ui.chatRows()
        let index = try #require(rows.firstIndex { $0.contains(text) }, "no \(text) in \(rows)")
        return (index, rows[index])
    }

    func isSelected(_ ui: UIFixture, _ text: String) throws -> Bool {
        let (index, _) = try row(ui, text)
        return ui.screen.style(row: ui.controller.layout!.chat.row + index, column: 3).reverse
    }

    /// The input line.
    func input(_ ui: UIFixture) -> String { ui.row(ui.screen.rows - 1) }

    @Test func theFormIsDrawnAsAList() throws {
        let ui = try configuring()
        let text = ui.chatRows().joined(separator: "\n")
        #expect(try row(ui, "Configuration for \"coven\" Room").index == 0)
        #expect(!text.contains("\u{202E}"), "network text is sanitised")
        #expect(text.contains("Complete this form to modify the configuration of your room."))
        #expect(!text.contains("FORM_TYPE") && !text.contains("roomconfig"), "hidden fields are not shown")
        #expect(try row(ui, "The basics").text.hasPrefix("The basics"), "a fixed field is a heading")
        #expect(try row(ui, "Room Name*").text.hasPrefix("  Room Name*"), "a required field is marked")
        #expect(try row(ui, "Members Only?").text.contains("[ ]"))
        #expect(try row(ui, "Who May Send Private Messages?").text.contains("Anyone"))
        #expect(try row(ui, "Presence For").text.contains("Moderator, Participant"))
        #expect(try row(ui, "Password").text.contains("••••••••"))
        #expect(!ui.screen.text.contains("cauldronburn"), "a password is never shown")
        #expect(try row(ui, "Description").text.contains("line one (+1 lines)"))
        #expect(text.contains("↑↓ select · Enter edit · Space toggle · s send · Esc cancel"))
        #expect(try isSelected(ui, "Room Name"), "the first field is selected, not the heading")
        #expect(!(try isSelected(ui, "Members Only?")))
    }

    @Test func keysMoveAndEditTheFields() throws {
        let ui = try configuring()
        let window = ui.model.currentWindow
        ui.press(.key(.down))
        #expect(try isSelected(ui, "Members Only?"))
        #expect(ui.chatRows().contains { $0.contains("Only members may enter") }, "the selected field's help")
        ui.press(.character(" "))
        #expect(try row(ui, "Members Only?").text.contains("[x]"))
        ui.press(.key(.enter))
        #expect(try row(ui, "Members Only?").text.contains("[ ]"), "Enter toggles a boolean too")
        ui.press(.character(" "))
        // A single choice: Space takes the next option, Enter asks with Tab through the choices.
        ui.press(.character("j"))
        ui.press(.character(" "))
        #expect(try row(ui, "Who May Send Private Messages?").text.contains("Moderators Only"))
        ui.press(.key(.enter))
        #expect(input(ui).hasPrefix("Who May Send Private Messages? (Tab: choices): Moderators Only"))
        ui.press(.control("u"))
        ui.type("no")
        ui.press(.key(.tab))
        #expect(input(ui).contains(": Nobody"))
        ui.press(.key(.enter))
        #expect(try row(ui, "Who May Send Private Messages?").text.contains("Nobody"))
        // Several choices, comma-separated, Tab completing after the last comma.
        ui.press(.key(.down))
        ui.press(.key(.enter))
        ui.press(.key(.end))
        ui.type(", vi")
        ui.press(.key(.tab))
        ui.press(.key(.enter))
        #expect(try row(ui, "Presence For").text.contains("Moderator, Participant, Visitor"))
        // A password is typed unseen.
        ui.press(.key(.down))
        ui.press(.key(.enter))
        #expect(input(ui).contains("Password (hidden): ••••••••••••") && !input(ui).contains("cauldron"))
        ui.press(.key(.escape))
        // Up (and k) back to the first field, over the heading.
        for _ in 0..<6 { ui.press(.character("k")) }
        #expect(try isSelected(ui, "Room Name"))
        ui.press(.key(.enter))
        ui.type("Witches' Kitchen")
        ui.press(.key(.enter))
        #expect(try row(ui, "Room Name").text.contains("Witches' Kitchen"))
        let form = try #require(ui.model.form(in: window))
        #expect(form.fields.first { $0.name == "allowpm" }?.values == ["none"])
        #expect(form.fields.first { $0.name == "presence" }?.values == ["moderator", "participant", "visitor"])
        #expect(form.fields.first { $0.name == "membersonly" }?.values == ["1"])
        #expect(form.fields.first { $0.name == "secret" }?.values == ["cauldronburn"], "Esc left it as it was")
        #expect(form.isChanged)
        // Other keys do not reach the input line, and PageUp does not scroll the messages away.
        ui.type("x")
        ui.press(.key(.pageUp))
        #expect(input(ui).trimmingCharacters(in: .whitespaces).isEmpty)
        #expect(window.scrollAnchor == nil)
    }

    @Test func linesAndAddressesAreTypedOnOneLine() throws {
        let ui = try configuring()
        let window = ui.model.currentWindow
        for _ in 0..<5 { ui.press(.key(.down)) }
        #expect(try isSelected(ui, "Description"))
        ui.press(.key(.enter))
        #expect(input(ui).hasPrefix("Description (Alt-Enter: new line): line one↵line two"))
        ui.press(.altKey(.enter))
        ui.type("line three")
        ui.press(.key(.enter))
        #expect(try row(ui, "Description").text.contains("line one (+2 lines)"))
        ui.press(.key(.down))
        ui.press(.key(.enter))
        #expect(input(ui).hasPrefix("Room Admins (addresses, comma-separated): wiccarocks@shakespeare.lit"))
        ui.type(", hecate@shakespeare.lit  @witches")
        ui.press(.key(.enter))
        let form = try #require(ui.model.form(in: window))
        #expect(form.fields.first { $0.name == "desc" }?.values == ["line one", "line two", "line three"])
        #expect(
            form.fields.first { $0.name == "admins" }?.values == [
                "wiccarocks@shakespeare.lit", "hecate@shakespeare.lit", "@witches",
            ])
        // A wrong value is marked as soon as it is typed.
        #expect(try row(ui, "Room Admins").text.contains("← \"@witches\" is not an"))
        #expect(ui.chatRows().contains { $0.hasPrefix("  \"@witches\" is not an address (user@example.org)") })
        ui.press(.key(.enter))
        ui.press(.control("u"))
        ui.press(.key(.enter))
        #expect(ui.model.form(in: window)?.fields.first { $0.name == "admins" }?.values == [], "emptied")
    }

    @Test func aMissingRequiredFieldIsShownInsteadOfSending() throws {
        let ui = try configuring()
        ui.press(.character("s"))
        #expect(ui.harness.takeWrittenElements().isEmpty, "nothing is sent")
        #expect(try row(ui, "Room Name*").text.contains("← required"))
        #expect(ui.chatRows().contains { $0.hasPrefix("1 problem to fix before sending") })
        ui.press(.key(.enter))
        ui.type("Coven")
        ui.press(.key(.enter))
        #expect(!(try row(ui, "Room Name*").text.contains("required")))
        ui.press(.character("s"))
        let submitted = try #require(ui.harness.takeWrittenElements().first)
        #expect(submitted.child("query", namespace: Self.owner)?.elements.first?[attribute: "type"] == "submit")
        #expect(ui.chatRows().contains { $0.hasPrefix("sending…") })
        ui.harness.serverSends(SessionHarness.iqError(id: submitted.id!, from: Self.room, condition: .notAcceptable))
        #expect(ui.chatRows().contains { $0.hasPrefix("\(Self.room) refused this configuration") })
        ui.press(.character("s"))
        let again = try #require(ui.harness.takeWrittenElements().first)
        ui.harness.serverSends("<iq type='result' id='\(again.id!)' from='\(Self.room)'/>")
        let chat = ui.chatRows()
        #expect(!chat.contains { $0.contains("Room Name") }, "the form is gone")
        #expect(chat.contains { $0.contains("saved the configuration of \(Self.room)") })
    }

    @Test func escCancelsAndAsksFirstWhenSomethingChanged() throws {
        let ui = try configuring()
        ui.press(.key(.escape))
        #expect(!ui.chatRows().contains { $0.contains("Room Name") }, "nothing changed: closed at once")
        #expect(ui.harness.takeWrittenElements().first?[attribute: "type"] == "set", "the room is told")
        ui.type("/config")
        ui.press(.key(.enter))
        let request = try #require(ui.harness.takeWrittenElements().first)
        ui.harness.serverSends(
            "<iq type='result' id='\(request.id!)' from='\(Self.room)'><query xmlns='\(Self.owner)'>\(Self.form)"
                + "</query></iq>")
        ui.press(.key(.down))
        ui.press(.character(" "))
        ui.press(.key(.escape))
        #expect(input(ui).hasPrefix("Discard your changes to this form? (y/n)"))
        ui.press(.character("n"))
        #expect(try row(ui, "Members Only?").text.contains("[x]"), "still there, as changed")
        ui.press(.key(.escape))
        ui.press(.character("y"))
        #expect(!ui.chatRows().contains { $0.contains("Members Only?") })
        #expect(ui.model.form(in: ui.model.currentWindow) == nil)
        let cancel = try #require(ui.harness.takeWrittenElements().first)
        #expect(cancel.child("query", namespace: Self.owner)?.elements.first?[attribute: "type"] == "cancel")
        // The input line is the input line again.
        ui.type("hello")
        #expect(input(ui).contains("hello"))
    }

    @Test func aLongFormScrollsToKeepTheSelectionInSight() throws {
        let ui = UIFixture(rows: 14, columns: 80, settings: .withoutRoster)
        ui.connect()
        let key = try ui.key(Self.room)
        ui.account.feature(RoomsFeature.self)?.join(try JID(Self.room), nick: "alice")
        try ui.harness.answerRoomInfo(Self.room, name: "Coven")
        ui.harness.serverSends(
            SessionHarness.occupantPresence(
                room: Self.room, nick: "alice", affiliation: "owner", role: "moderator", codes: [110]))
        ui.model.openChat(key, focus: true)
        ui.type("/affiliation list member")
        ui.press(.key(.enter))
        let request = try #require(ui.harness.takeWrittenElements().first { $0.name == "iq" })
        let items = (1...30).map { "<item affiliation='member' jid='user\($0)@example.org'/>" }.joined()
        ui.harness.serverSends(
            "<iq type='result' id='\(request.id!)' from='\(Self.room)'>"
                + "<query xmlns='http://jabber.org/protocol/muc#admin'>\(items)</query></iq>")
        ui.render()
        #expect(try isSelected(ui, "user1@example.org"))
        for _ in 0..<20 { ui.press(.key(.down)) }
        #expect(try isSelected(ui, "user21@example.org"))
        #expect(!ui.chatRows().contains { $0.contains("user1@example.org") }, "scrolled out of sight")
        ui.press(.key(.end))
        #expect(try isSelected(ui, "Add as a member"))
        ui.press(.key(.home))
        #expect(try isSelected(ui, "user1@example.org"))
        ui.press(.character(" "))
        #expect(try row(ui, "user1@example.org").text.contains("none (remove)"))
    }
}
