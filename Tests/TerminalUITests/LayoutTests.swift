import ChatModel
import TerminalUI
import Testing

/// Where the panes go at every terminal size from the smallest up, with the roster, log and
/// occupants panes shown, hidden and resized.
@Suite(.serialized) struct LayoutTests {
    /// Marks every cell a pane or border takes: each cell of the screen must be taken exactly once.
    static func coverage(_ layout: Layout, rows: Int, columns: Int) -> [Int] {
        var taken = [Int](repeating: 0, count: rows * columns)
        func take(_ rect: Rect) {
            for row in rect.row..<(rect.row + rect.height) {
                for column in rect.column..<(rect.column + rect.width) { taken[row * columns + column] += 1 }
            }
        }
        for rect in [layout.title, layout.chat, layout.status, layout.input]
            + [layout.roster, layout.occupants, layout.log]
            .compactMap({ $0 })
        {
            #expect(!rect.isEmpty && rect.row >= 0 && rect.column >= 0, "\(rect)")
            #expect(rect.row + rect.height <= rows && rect.column + rect.width <= columns, "\(rect)")
            take(rect)
        }
        if let border = layout.rosterBorder, let roster = layout.roster {
            take(Rect(row: roster.row, column: border, height: roster.height, width: 1))
        }
        if let border = layout.occupantsBorder, let occupants = layout.occupants {
            take(Rect(row: occupants.row, column: border, height: occupants.height, width: 1))
        }
        if let border = layout.logBorder { take(Rect(row: border, column: 0, height: 1, width: columns)) }
        return taken
    }

    static let sizes = [10, 11, 13, 24, 50].flatMap { rows in [40, 41, 59, 80, 121].map { (rows, $0) } }

    @Test(arguments: sizes)
    func everyCellBelongsToOnePaneAtEverySize(rows: Int, columns: Int) throws {
        for roster in [nil, 10, 24, 80] {
            for log in [nil, 1, 5, 30] {
                for occupantsWidth in [nil, 10, 60] {
                    for (logInChat, room) in [(false, false), (false, true), (true, false)] {
                        var settings = UISettings()
                        settings.rosterVisible = roster != nil
                        settings.rosterWidth = roster ?? 24
                        settings.logVisible = log != nil
                        settings.logHeight = log ?? 5
                        settings.occupantsVisible = occupantsWidth != nil
                        settings.occupantsWidth = occupantsWidth ?? 20
                        let context =
                            "\(rows)×\(columns) roster \(roster ?? 0) log \(log ?? 0) occupants \(occupantsWidth ?? 0)"
                        let layout = try #require(
                            Layout(
                                rows: rows, columns: columns, settings: settings, logInChat: logInChat, occupants: room)
                        )
                        #expect(
                            Self.coverage(layout, rows: rows, columns: columns).allSatisfy { $0 == 1 }, "\(context)")
                        #expect(layout.title.row == 0 && layout.status.row == rows - 2 && layout.input.row == rows - 1)
                        #expect(
                            layout.chat.height >= 3 && layout.chat.width >= columns / 3 - 2, "about a third: \(context)"
                        )
                        #expect((layout.roster != nil) == (roster != nil))
                        #expect(layout.roster.map { $0.width <= columns / 2 } ?? true, "\(context)")
                        #expect((layout.log != nil) == (log != nil && !logInChat))
                        if let pane = layout.occupants {
                            #expect(room && pane.width >= 8, "\(context)")
                        } else {
                            #expect(!room || occupantsWidth == nil || layout.chat.width / 3 < 8, "\(context)")
                        }
                    }
                }
            }
        }
    }

    @Test func fortyByTenIsTheSmallestScreen() {
        #expect(Layout(rows: 10, columns: 40, settings: UISettings(), logInChat: false) != nil)
        #expect(Layout(rows: 9, columns: 40, settings: UISettings(), logInChat: false) == nil)
        #expect(Layout(rows: 10, columns: 39, settings: UISettings(), logInChat: false) == nil)
        let ui = UIFixture(rows: 10, columns: 40)
        ui.connect()
        #expect(ui.row(0).hasPrefix(" Tern — console"))
        for (rows, columns) in [(9, 40), (10, 39), (2, 20), (1, 30)] {
            ui.resize(rows: rows, columns: columns)
            let screen = ui.render()
            #expect(screen.hasPrefix("terminal too small"), "\(rows)×\(columns): \(screen)")
            #expect(rows < 2 || ui.row(1) == "(need 40×10)")
            #expect(ui.screen.cursor == nil)
        }
        ui.resize(rows: 10, columns: 40)
        ui.render()
        #expect(ui.row(0).hasPrefix(" Tern — console"))
        #expect(ui.row(8).hasPrefix("[16:00] [alice@example.org: online]"))
    }

    /// The room's window with its occupants pane, at the smallest size and above: each border
    /// where the layout puts it, and the chat keeping its three rows above the log.
    @Test func theSmallestScreensDrawEveryPaneInPlace() throws {
        let ui = UIFixture(rows: 10, columns: 40)
        ui.connect()
        let room = try ui.enter("coven@chat.example.org", others: ["firstwitch", "secondwitch"])
        ui.model.openChat(room, focus: true)
        for (rows, columns) in [(10, 40), (10, 48), (11, 49), (12, 90)] {
            ui.resize(rows: rows, columns: columns)
            ui.render()
            let layout = try #require(ui.controller.layout)
            #expect(layout.chat.height >= 3)
            for row in layout.chat.row..<(layout.chat.row + layout.chat.height) {
                #expect(layout.rosterBorder.map { ui.screen.cells[row][$0].character == "│" } ?? false)
                if let border = layout.occupantsBorder { #expect(ui.screen.cells[row][border].character == "│") }
            }
            #expect((layout.occupants != nil) == (columns >= 49), "\(rows)×\(columns): room for 8 columns of nicks")
            if let log = layout.logBorder { #expect(ui.row(log) == String(repeating: "─", count: columns)) }
        }
    }

    @Test func panesFollowTheirSettingsAndF3() throws {
        let ui = UIFixture(rows: 24, columns: 80)
        ui.connect()
        let room = try ui.enter("coven@chat.example.org", others: ["firstwitch"])
        ui.model.openChat(room, focus: true)
        func borders() -> (columns: [Int], logRow: Int?) {
            ui.render()
            let columns = (0..<80).filter { ui.screen.cells[2][$0].character == "│" }
            return (columns, (1..<22).first { ui.row($0) == String(repeating: "─", count: 80) })
        }
        #expect(borders().columns == [24, 61] && borders().logRow == 16)
        ui.model.submit("/set roster.width 30")
        #expect(borders().columns == [30, 63], "the occupants pane takes at most a third of the rest")
        ui.model.submit("/set log.height 10")
        #expect(borders().logRow == 11)
        ui.model.submit("/set roster.visible off")
        #expect(borders().columns == [59])
        #expect(ui.row(1).dropFirst(60).hasPrefix("Participants (2)"))
        ui.press(.key(.function(3)))
        #expect(borders().columns.isEmpty && !ui.model.settings.occupantsVisible)
        ui.press(.key(.function(3)))
        #expect(borders().columns == [59])
        ui.model.submit("/set log.visible off")
        #expect(borders().logRow == nil)
        ui.model.switchTo(0)
        #expect(borders().columns.isEmpty, "the console has no occupants pane")
    }
}
