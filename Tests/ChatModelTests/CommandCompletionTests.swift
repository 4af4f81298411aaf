import ChatModel
import TestSupport
import Testing
import XMPPCore

/// Tab completion of every kind of argument, where the completed word starts, and what
/// `--account` changes.
@Suite struct CommandCompletionTests {
    static let roster =
        "<item jid='romeo@example.net' name='Romeo Montague' subscription='both'><group>Verona</group></item>"
        + "<item jid='rosaline@example.net' subscription='both'><group>Friends</group><group>Verona</group></item>"
    static let room = "coven@chat.shakespeare.lit"

    func connected() -> ModelFixture { ModelFixture.connected(rosterItems: CommandCompletionTests.roster) }

    func complete(_ line: String, _ model: AppModel) -> [String] {
        model.commands.completions(for: line, values: { model.completionValues($0, account: $1) })?.candidates ?? []
    }

    /// Joins the room as thirdwitch with two other witches in it; its window is on screen.
    func inTheRoom(_ fixture: ModelFixture) throws {
        fixture.model.submit("/join \(CommandCompletionTests.room)/thirdwitch")
        try fixture.harness.answerRoomInfo(CommandCompletionTests.room, name: "A Dark Cave")
        for nick in ["firstwitch", "Second Witch"] {
            fixture.harness.serverSends(SessionHarness.occupantPresence(room: CommandCompletionTests.room, nick: nick))
        }
        fixture.harness.serverSends(
            SessionHarness.occupantPresence(room: CommandCompletionTests.room, nick: "thirdwitch", codes: [110]))
        fixture.model.switchTo(fixture.model.windows.count - 1)
        #expect(fixture.model.currentWindow.jid?.description == CommandCompletionTests.room)
    }

    @Test func theCompletedWordIsReplacedFromWhereItStarts() throws {
        let fixture = connected()
        let line = "/msg --account test rom"
        let found = try #require(
            fixture.model.commands.completions(for: line, values: { fixture.model.completionValues($0, account: $1) }))
        #expect(found.candidates == ["\"Romeo Montague\"", "romeo@example.net"], "by address or by name")
        #expect(String(line[found.wordStart...]) == "rom")
        let after = "/sub allow "
        let next = try #require(
            fixture.model.commands.completions(for: after, values: { fixture.model.completionValues($0, account: $1) }))
        #expect(next.wordStart == after.endIndex, "after a space a new word starts")
        #expect(next.candidates == ["\"Romeo Montague\"", "romeo@example.net", "rosaline@example.net"])
    }

    @Test func commandsAndFixedChoicesComplete() throws {
        let fixture = connected()
        #expect(complete("/", fixture.model) == fixture.model.commands.commands.map(\.name).sorted())
        #expect(complete("/UN", fixture.model) == ["unblock", "unmute", "unset"], "in any case")
        #expect(complete("/help ro", fixture.model) == ["role", "rooms", "roster"])
        #expect(complete("/sub ", fixture.model) == ["allow", "cancel", "deny", "request"])
        #expect(complete("/notify m", fixture.model) == ["mentions"])
        #expect(complete("/status d", fixture.model) == ["dnd"])
        #expect(complete("/frobnicate x", fixture.model).isEmpty)
        #expect(complete("/roster nothing x", fixture.model).isEmpty, "no such subcommand")
    }

    @Test func argumentsWithoutCompletionAndPastTheLastCompleteNothing() throws {
        let fixture = connected()
        #expect(complete("/msg romeo@example.net he", fixture.model).isEmpty, "message text")
        #expect(complete("/win ", fixture.model).isEmpty)
        #expect(complete("/sub allow romeo@example.net r", fixture.model).isEmpty, "no third argument")
        #expect(complete("hello ro", fixture.model).isEmpty, "not a command")
    }

    @Test func groupsCompleteForEveryGroupGiven() throws {
        let fixture = connected()
        #expect(complete("/roster group romeo@example.net ", fixture.model) == ["Friends", "Verona"])
        #expect(complete("/roster group romeo@example.net Verona F", fixture.model) == ["Friends"])
        #expect(complete("/roster group romeo@example.net Verona Friends v", fixture.model) == ["Verona"])
    }

    @Test func contactsIncludeOpenChatsWithStrangers() throws {
        let fixture = connected()
        fixture.open(try JID("mallory@evil.example"), focus: false)
        #expect(complete("/msg ma", fixture.model) == ["mallory@evil.example"])
        #expect(complete("/block ", fixture.model).contains("mallory@evil.example"))
    }

    @Test func settingsAndAccountsComplete() throws {
        let fixture = connected()
        #expect(complete("/unset occ", fixture.model) == ["occupants.visible", "occupants.width"])
        #expect(complete("/set rooms.j", fixture.model) == ["rooms.joinleave", "rooms.joinleave.limit"])
        #expect(complete("/set time.format %", fixture.model).isEmpty, "a value is free text")
        #expect(complete("/connect ", fixture.model) == ["test"])
        #expect(complete("/msg --account ", fixture.model) == ["test"])
        #expect(complete("/msg -", fixture.model) == ["--account"])
        let contacts = ["\"Romeo Montague\"", "romeo@example.net", "rosaline@example.net"]
        #expect(complete("/roster --account test remove ro", fixture.model) == contacts)
        #expect(complete("/roster remove --account test ro", fixture.model) == contacts)
        #expect(complete("/roster --account test re", fixture.model) == ["remove", "rename"])
    }

    @Test func themesComeFromWhoeverKnowsThem() throws {
        let fixture = connected()
        fixture.model.commands.register([
            CommandSpec("theme", arguments: [ArgumentSpec("name", optional: true, completion: .theme)], summary: "x") {
                _ throws(CommandError) in
            }
        ])
        #expect(complete("/theme ", fixture.model).isEmpty)
        fixture.model.extraCompletions = { kind in kind == .theme ? ["default", "dark256", "solarized"] : [] }
        #expect(complete("/theme d", fixture.model) == ["dark256", "default"])
    }

    @Test func roomsAndTheirOccupantsComplete() throws {
        let fixture = connected()
        #expect(complete("/bookmark add co", fixture.model).isEmpty, "no room yet")
        try inTheRoom(fixture)
        #expect(complete("/bookmark add co", fixture.model) == [CommandCompletionTests.room])
        #expect(complete("/accept ", fixture.model) == [CommandCompletionTests.room])
        #expect(complete("/kick ", fixture.model) == ["\"Second Witch\"", "firstwitch"], "not our own nick")
        #expect(complete("/kick s", fixture.model) == ["\"Second Witch\""])
        #expect(complete("/role l", fixture.model) == ["list"])
        #expect(complete("/affiliation ", fixture.model) == ["\"Second Witch\"", "firstwitch", "list"])
        #expect(
            complete("/notify all ", fixture.model)
                == ["\"Romeo Montague\"", CommandCompletionTests.room, "romeo@example.net", "rosaline@example.net"],
            "contacts and rooms")
        fixture.model.switchTo(0)
        #expect(complete("/kick ", fixture.model).isEmpty, "no room on screen")
    }
}
