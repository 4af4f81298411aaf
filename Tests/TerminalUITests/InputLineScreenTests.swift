import TerminalUI
import Testing
import XMPPCore

/// The input line on the screen: what it shows of a long, wide or pasted line and where the
/// cursor stands, history per window, the roster's questions, and the keys that act on the
/// whole screen.
@Suite(.serialized) struct InputLineScreenTests {
    /// The input line (the last row).
    func input(_ ui: UIFixture) -> String { ui.row(ui.screen.rows - 1) }

    /// At every cursor position of a line of CJK, emoji and ASCII three times wider than the
    /// screen: the cursor is on screen, on the character it stands before (at the end, just after
    /// the last one), and what is shown is a run of the line's whole characters.
    @Test(arguments: [40, 41])
    func theCursorIsAlwaysOnScreenBesideItsCharacter(columns: Int) throws {
        let ui = UIFixture(rows: 12, columns: columns)
        ui.press(.paste(String(repeating: "你好😀ab", count: 16)))
        let characters = ui.controller.input.characters
        for step in 0...characters.count {
            let cursor = ui.controller.input.cursor
            let row = ui.screen.rows - 1
            let column = try #require(ui.screen.cursor?.column, "a cursor at \(cursor)")
            #expect(column < columns)
            let cells = ui.screen.cells[row]
            if cursor < characters.count {
                #expect(cells[column].character == String(characters[cursor]), "step \(step): on its character")
            }
            if cursor == characters.count {
                let before = cells[..<column].last { !$0.isContinuation }
                #expect(before?.character == String(characters[cursor - 1]), "at the end: after the last one")
            }
            let shown = input(ui).hasPrefix("‹") ? String(input(ui).dropFirst()) : input(ui)
            #expect(String(characters).contains(shown.trimmingCharacters(in: .whitespaces)), "step \(step)")
            ui.press(.key(.left))
        }
        #expect(input(ui).hasPrefix("你好😀ab"), "back at the start, nothing hidden on the left")
        ui.press(.control("e"))
        #expect(!input(ui).hasSuffix(" "), "at the end, the last character is shown: \(input(ui))")
    }

    /// A paste is inserted as it is, but a tab, an escape sequence, a bell, a bidi override or a
    /// zero-width space in it is drawn as a visible placeholder, never written to the terminal
    /// (ASCII alone goes through the canvas's fast path).
    @Test(arguments: [
        ("a\tb\u{1B}[31mc\u{7}d", "a␉b␛[31mc␇d"),
        ("a\tb\u{1B}[31mc\u{7}d\u{202E}e\u{200B}f", "a␉b␛[31mc␇d\u{FFFD}e\u{FFFD}f"),
    ])
    func pastedControlCharactersAreShownAsPlaceholders(pasted: String, shown: String) {
        let ui = UIFixture(rows: 12, columns: 60)
        ui.press(.paste(pasted))
        #expect(ui.controller.input.text == pasted)
        #expect(input(ui) == shown)
        let hidden = ui.screen.cells.joined().filter { cell in
            cell.character.unicodeScalars.contains {
                $0.value < 0x20 || (0x7F...0x9F).contains($0.value) || [0x202E, 0x200B].contains($0.value)
            }
        }
        #expect(hidden.isEmpty, "no control or invisible character in any cell")
        #expect(ui.screen.cursor?.column == shown.count, "one column per character")
    }

    /// Each window has its own history; browsing one window's and going on in another's (the
    /// line is shared) shows the other's lines, and never crashes.
    @Test func historyIsPerWindow() throws {
        let ui = UIFixture(rows: 20, columns: 80)
        ui.connect()
        for line in ["one", "two", "three"] {
            ui.type(line)
            ui.press(.key(.enter))
        }
        ui.open(try JID("romeo@example.net"), focus: true)
        ui.type("hello")
        ui.press(.key(.enter))
        ui.press(.alt("1"))
        ui.press(.key(.up))
        ui.press(.key(.up))
        #expect(input(ui) == "two")
        ui.press(.alt("2"))
        #expect(input(ui) == "two", "the line follows to the other window")
        ui.press(.key(.up))
        #expect(input(ui) == "hello", "this window's history")
        ui.press(.key(.up))
        #expect(input(ui) == "hello", "and nothing from the console's")
        ui.press(.key(.down))
        #expect(input(ui).isEmpty, "Down ends at the draft")
    }

    @Test func theRostersQuestionsAndTheirAnswers() throws {
        let ui = UIFixture(rows: 24, columns: 90)
        ui.connect(
            roster: "<item jid='romeo@example.net' name='Romeo' subscription='both'><group>Verona</group></item>")
        _ = ui.harness.takeWritten()
        ui.press(.key(.function(2)))
        ui.press(.character("a"))
        ui.type("romeo")
        ui.press(.key(.enter))
        #expect(ui.model.log.last?.text == "\"romeo\" is not a JID (user@domain)")
        #expect(ui.controller.focus == .roster && input(ui).hasPrefix("roster: "))
        ui.press(.character("g"))
        #expect(input(ui) == "Groups for romeo@example.net (comma-separated): Verona")
        ui.press(.control("u"))
        ui.type("Montagues, , Verona ,Mantua")
        ui.press(.key(.enter))
        let groups = try #require(ui.harness.takeWrittenElements().first?.child("query")?.child("item"))
        #expect(groups.elements.map(\.text) == ["Montagues", "Verona", "Mantua"], "trimmed, empty ones left out")
        ui.press(.character("r"))
        ui.press(.control("u"))
        ui.press(.key(.enter))
        let renamed = try #require(ui.harness.takeWrittenElements().first?.child("query")?.child("item"))
        #expect(renamed[attribute: "name"] == nil, "an empty name removes it")
        ui.press(.character("s"))
        #expect(input(ui).hasPrefix("Subscription of romeo@example.net: [a]llow [d]eny [r]equest [c]ancel"))
        ui.press(.character("x"))
        #expect(input(ui).hasPrefix("roster: "), "another key answers nothing")
        ui.press(.character("d"))
        ui.press(.key(.escape))
        #expect(ui.controller.focus == .roster && input(ui).hasPrefix("roster: "), "Esc cancels, back to the roster")
        #expect(ui.harness.takeWrittenElements().isEmpty, "nothing was sent for either")
        ui.press(.key(.escape))
        ui.type("kept")
        ui.press(.key(.escape))
        #expect(input(ui) == "kept", "Esc with no question leaves the line alone")
    }

    @Test func ctrlLRepaintsWhatSomethingElseOverwroteAndCtrlCQuits() {
        let ui = UIFixture(rows: 20, columns: 80)
        ui.connect()
        let before = ui.render()
        for row in 0..<20 {
            ui.screen.draw(String(repeating: "#", count: 80), row: row, column: 0, width: 80, style: .plain)
        }
        #expect(ui.render().contains("####"), "nothing changed: nothing is drawn again")
        ui.press(.control("l"))
        #expect(ui.render() == before)
        #expect(!ui.model.quitRequested)
        ui.press(.control("c"))
        #expect(ui.model.quitRequested)
    }
}
