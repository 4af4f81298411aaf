import ChatModel
import Foundation
import TerminalUI
import TernConfig
import Testing

/// Themes: the shipped ones, theme files and their mistakes, colours mapped to what the
/// terminal has (8, 16 or 256, or none with NO_COLOR), built-in looks for what a theme leaves
/// out, and a theme switched while Tern runs.
@Suite(.serialized) struct ThemeTests {
    @Test func shippedThemesLoadWithoutProblems() throws {
        let library = ThemeLibrary(environment: ["HOME": "/nonexistent"])
        #expect(Set(library.names).isSuperset(of: ["default", "dark256", "light"]))
        for name in ["default", "dark256", "light"] {
            let (definition, problems) = try #require(library.load(name))
            #expect(problems.isEmpty, "\(name): \(problems)")
            #expect(definition.styles.count > 30)
        }
    }

    @Test func problemsAreReportedWithFileAndLineAndTheRestLoads() {
        let (theme, problems) = ThemeDefinition.parse(
            "\"chat.me\" = \"bold red\"\n\"chat.nope\" = \"red\"\n[roster]\nonline = \"purple\"\naway = \"#ffaa00 on 236\"\n",
            name: "test", file: "/t/test.toml")
        #expect(
            problems.map(\.description).sorted() == [
                "/t/test.toml:2: chat.nope: unknown element",
                "/t/test.toml:4: roster.online: unknown colour or attribute \"purple\"",
            ])
        #expect(theme.styles["chat.me"]?.bold == true)
        #expect(theme.styles["roster.away"]?.background == .indexed(236))
    }

    @Test func colorsMapToWhatTheTerminalHas() {
        var spec = StyleSpec()
        spec.foreground = .rgb(red: 0xff, green: 0x00, blue: 0x00)
        spec.background = .indexed(236)
        var definition = ThemeDefinition(name: "t", file: "", styles: ["chat.me": spec])
        #expect(Theme(definition: definition, colors: 256).style("chat.me").foreground == .index(196))
        #expect(Theme(definition: definition, colors: 8).style("chat.me").foreground == .index(1))
        #expect(Theme(definition: definition, colors: 8).style("chat.me").background == .index(0))
        let noColor = Theme(definition: definition, colors: 0).style("chat.me")
        #expect(noColor.foreground == .default && noColor.background == .default)
        spec.bold = true
        definition.styles["chat.me"] = spec
        #expect(Theme(definition: definition, colors: 0).style("chat.me").bold, "attributes survive NO_COLOR")
    }

    @Test func themeSwitchesLiveAndUserThemesOverrideBuiltIns() throws {
        let ui = UIFixture(rows: 20, columns: 80, colors: 256)
        ui.type("/theme dark256")
        ui.press(.key(.enter))
        #expect(ui.controller.theme.name == "dark256")
        #expect(ui.controller.theme.style("chat.me").foreground == .index(75))
        let style = ui.controller.theme.style("chat.me")
        ui.type("/theme nonexistent")
        ui.press(.key(.enter))
        #expect(ui.model.log.last?.text == "no theme named nonexistent (see /theme)")
        #expect(ui.controller.theme.name == "dark256", "an unknown theme changes nothing")
        #expect(ui.controller.theme.style("chat.me") == style)
        #expect(ui.model.settings.theme == "dark256")
        ui.type("/theme")
        ui.press(.key(.enter))
        #expect(ui.model.log.last?.text.hasSuffix("(current: dark256)") == true)

        let directory = "/tmp/tern-themes-\(ProcessInfo.processInfo.processIdentifier)"
        try FileManager.default.createDirectory(atPath: directory + "/tern/themes", withIntermediateDirectories: true)
        try "\"chat.me\" = \"green\"\n".write(
            toFile: directory + "/tern/themes/default.toml", atomically: true, encoding: .utf8)
        let library = ThemeLibrary(environment: ["XDG_CONFIG_HOME": directory])
        let (definition, _) = try #require(library.load("default"))
        #expect(definition.file == directory + "/tern/themes/default.toml")
    }

    /// The foreground a theme's `spec` gets on a terminal of `colors`.
    func foreground(_ spec: String, colors: Int) throws -> TerminalColor {
        let definition = ThemeDefinition(name: "t", file: "", styles: ["chat.me": try StyleSpec(parsing: spec)])
        return Theme(definition: definition, colors: colors).style("chat.me").foreground
    }

    @Test func eachColourBecomesTheNearestTheTerminalHas() throws {
        let expected: [(String, Int, TerminalColor)] = [
            ("yellow", 8, .index(3)), ("brightred", 8, .index(1)), ("196", 8, .index(1)), ("#0000ff", 8, .index(4)),
            ("#fafafa", 8, .index(7)),
            ("244", 8, .index(7)), ("242", 8, .index(0)), ("#7a8080", 8, .index(7)),
            ("brightred", 16, .index(9)), ("196", 16, .index(9)), ("244", 16, .index(8)),
            ("12", 256, .index(12)), ("#808080", 256, .index(244)), ("#000000", 256, .index(16)),
            ("#ff0000", 256, .index(196)), ("#5f87af", 256, .index(67)), ("#ffaf00", 256, .index(214)),
            ("default", 256, .default), ("#ff0000", 0, .default),
        ]
        for (spec, colors, colour) in expected {
            let got = try foreground(spec, colors: colors)
            #expect(got == colour, "\(spec) on \(colors) colours")
        }
    }

    @Test func whatAThemeLeavesOutHasItsBuiltInLook() throws {
        let builtIn = Theme(definition: nil, colors: 8)
        #expect(builtIn.name == "builtin")
        #expect(builtIn.style("title.bar") == Style(reverse: true))
        #expect(builtIn.style("statusbar.highlight") == Style(bold: true, underline: true, reverse: true))
        #expect(builtIn.style("chat.time") == Style(dim: true))
        #expect(builtIn.style("occupants.header") == Style(bold: true))
        #expect(builtIn.style("no.such.element") == .plain)
        let definition = ThemeDefinition(
            name: "t", file: "", styles: ["title.bar": try StyleSpec(parsing: "underline")])
        #expect(Theme(definition: definition, colors: 8).style("title.bar") == Style(underline: true), "replaced whole")
        #expect(
            Style(foreground: .index(3)).on(Style(background: .index(4)))
                == Style(foreground: .index(3), background: .index(4)))
        #expect(
            Style(bold: true).on(Style(reverse: true)) == Style(bold: true, reverse: true),
            "plain text on a reversed bar")
        #expect(Style(background: .index(1)).on(Style(background: .index(4))).background == .index(1))
    }

    /// With NO_COLOR nothing on the screen has a colour, and what a theme set apart by its
    /// background or by colours alone (the bars) keeps its built-in look: the bars still stand out.
    @Test func noColorLeavesNoColourButTheBarsStandOut() throws {
        let ui = UIFixture(rows: 20, columns: 80, colors: 0)
        ui.connect()
        ui.render()
        let cells = ui.screen.cells.joined()
        #expect(cells.allSatisfy { $0.style.foreground == .default && $0.style.background == .default })
        #expect(ui.screen.style(row: 0, column: 5) == Style(reverse: true), "the title bar")
        #expect(ui.screen.style(row: 18, column: 60) == Style(reverse: true), "the status bar")
        #expect(try ui.style(of: "connected as").reverse == false)
        #expect(ui.controller.theme.style("chat.me") == Style(bold: true), "attributes stay")
        ui.model.submit("/theme dark256")
        ui.render()
        #expect(ui.screen.style(row: 0, column: 5) == Style(bold: true, reverse: true), "its own bold, and reversed")
    }

    @Test func aThemeSwitchedWhileRunningRedrawsAtOnce() throws {
        let ui = UIFixture(rows: 20, columns: 80, colors: 256)
        ui.connect()
        ui.model.submit("/msg romeo@example.net hello")
        ui.render()
        #expect(ui.screen.style(row: 0, column: 5) == Style(foreground: .index(7), background: .index(4)))
        ui.type("/theme dark256")
        ui.press(.key(.enter))
        #expect(
            ui.screen.style(row: 0, column: 5) == Style(foreground: .index(252), background: .index(238), bold: true))
        #expect(try ui.style(of: "alice:") == ui.controller.theme.style("chat.me"))
        #expect(ui.controller.theme.style("chat.me").foreground == .index(75))
    }

    @Test func aThemeFilesMistakesAreShownAndTheRestApplies() throws {
        let directory = "/tmp/tern-theme-mistakes-\(ProcessInfo.processInfo.processIdentifier)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try "\"chat.me\" = \"red bold\"\n\"chat.nope\" = \"red\"\n".write(
            toFile: directory + "/mistakes.toml", atomically: true, encoding: .utf8)
        let ui = UIFixture(rows: 20, columns: 100)
        ui.controller.themes = ThemeLibrary(environment: ["TERN_THEMES": directory, "HOME": "/nonexistent"])
        ui.type("/theme mistakes")
        ui.press(.key(.enter))
        #expect(ui.model.log.map(\.text).contains("theme: \(directory)/mistakes.toml:2: chat.nope: unknown element"))
        #expect(ui.controller.theme.style("chat.me") == Style(foreground: .index(1), bold: true))
        #expect(ui.model.settings.theme == "mistakes")
    }

    @Test func theLibrarySearchesItsDirectoriesInOrderAndOnlyThem() throws {
        let base = "/tmp/tern-theme-library-\(ProcessInfo.processInfo.processIdentifier)"
        let fileManager = FileManager.default
        try fileManager.createDirectory(atPath: base + "/custom", withIntermediateDirectories: true)
        try fileManager.createDirectory(atPath: base + "/xdg/tern/themes", withIntermediateDirectories: true)
        defer { try? fileManager.removeItem(atPath: base) }
        try "\"chat.me\" = \"red\"\n".write(toFile: base + "/custom/light.toml", atomically: true, encoding: .utf8)
        try "\"chat.me\" = \"green\"\n".write(
            toFile: base + "/xdg/tern/themes/light.toml", atomically: true, encoding: .utf8)
        try "\"chat.me\" = \"blue\"\n".write(
            toFile: base + "/xdg/tern/themes/mine.toml", atomically: true, encoding: .utf8)
        try "not a theme".write(toFile: base + "/custom/notes.txt", atomically: true, encoding: .utf8)
        let library = ThemeLibrary(environment: ["TERN_THEMES": base + "/custom", "XDG_CONFIG_HOME": base + "/xdg"])
        #expect(library.names.filter { ["light", "mine", "notes"].contains($0) } == ["light", "mine"])
        #expect(library.names == library.names.sorted() && Set(library.names).count == library.names.count)
        #expect(try #require(library.load("light")).0.file == base + "/custom/light.toml", "TERN_THEMES first")
        #expect(try #require(library.load("mine")).0.file == base + "/xdg/tern/themes/mine.toml")
        #expect(library.load("../custom/light") == nil, "a name is not a path")
        #expect(library.load("nosuch") == nil)
    }

    @Test func anUnknownThemeAtStartKeepsTheBuiltInOneAndSaysSo() {
        var settings = UISettings()
        settings.theme = "nosuch"
        let ui = UIFixture(rows: 20, columns: 80, settings: settings)
        #expect(ui.controller.theme.name == "builtin")
        #expect(ui.model.log.last?.text == "no theme named nosuch; using the built-in one")
        #expect(ui.model.log.last?.level == .warning)
    }
}
