import ChatModel
import ChatStore
import TestSupport
import Testing

/// The settings /set changes (and config.toml's [ui] sets): what each key takes, what it says
/// about anything else, and how changes are saved, shown and forgotten.
@Suite struct SettingsTests {
    /// A key, values it takes with the value it then shows, and values it refuses with the answer.
    struct Case: Sendable, CustomTestStringConvertible {
        var key: String
        var taken: [(String, String)]
        var refused: [String]
        var answer: String

        var testDescription: String { key }
    }

    static let onOff = [
        ("on", "on"), ("OFF", "off"), ("yes", "on"), ("no", "off"), ("true", "on"), ("False", "off"), ("1", "on"),
        ("0", "off"),
    ]

    static let cases: [Case] = [
        Case(key: "roster.visible", taken: onOff, refused: ["maybe", ""], answer: "roster.visible takes on or off"),
        Case(
            key: "roster.width", taken: [("10", "10"), ("80", "80"), ("33", "33")], refused: ["9", "81", "wide", ""],
            answer: "roster.width takes 10 to 80"),
        Case(
            key: "roster.grouping", taken: [("group", "group"), ("flat", "flat"), ("presence", "presence")],
            refused: ["groups", ""], answer: "roster.grouping takes group, flat or presence"),
        Case(
            key: "roster.offline", taken: [("show", "show"), ("hide", "hide"), ("on", "show"), ("off", "hide")],
            refused: ["sometimes"], answer: "roster.offline takes show or hide"),
        Case(key: "log.visible", taken: onOff, refused: ["2"], answer: "log.visible takes on or off"),
        Case(
            key: "log.height", taken: [("1", "1"), ("30", "30")], refused: ["0", "31", "-5", "ten"],
            answer: "log.height takes 1 to 30"),
        Case(
            key: "time.format", taken: [("%H:%M:%S", "%H:%M:%S"), ("[%d.%m. %H:%M]", "[%d.%m. %H:%M]")],
            refused: [""], answer: "time.format needs a format"),
        Case(
            key: "text.emoji", taken: [("simple", "simple"), ("full", "full")], refused: ["none", "fancy"],
            answer: "text.emoji takes simple or full"),
        Case(
            key: "input.newline",
            taken: [("none", "none"), ("ctrl-j", "ctrl-j"), ("CTRL-O", "ctrl-o"), ("Ctrl-T", "ctrl-t")],
            refused: ["alt-j", "ctrl-x"], answer: "input.newline takes none, ctrl-j, ctrl-o or ctrl-t"),
        Case(key: "rooms.joinleave", taken: onOff, refused: ["few"], answer: "rooms.joinleave takes on or off"),
        Case(
            key: "rooms.joinleave.limit", taken: [("0", "0"), ("100000", "100000"), ("50", "50")],
            refused: ["-1", "100001", "many"], answer: "rooms.joinleave.limit takes 0 to 100000"),
        Case(key: "occupants.visible", taken: onOff, refused: ["visible"], answer: "occupants.visible takes on or off"),
        Case(
            key: "occupants.width", taken: [("10", "10"), ("60", "60")], refused: ["9", "61"],
            answer: "occupants.width takes 10 to 60"),
        Case(key: "clipboard.osc52", taken: onOff, refused: ["osc"], answer: "clipboard.osc52 takes on or off"),
        Case(
            key: "reactions.recent", taken: [("👍,❤", "👍,❤"), (" 🎉 , ,✅", "🎉,✅"), ("", ""), ("👍,toolong", "👍")],
            refused: [], answer: ""),
    ]

    @Test(arguments: cases)
    func eachKeyTakesItsValuesAndExplainsTheRest(_ setting: Case) {
        for (typed, shown) in setting.taken {
            var settings = UISettings()
            #expect(settings.set(setting.key, typed) == nil, "\(typed)")
            #expect(settings.value(of: setting.key) == shown, "\(typed)")
        }
        for typed in setting.refused {
            var settings = UISettings()
            #expect(settings.set(setting.key, typed) == setting.answer, "\(typed)")
            #expect(settings == UISettings(), "a refused value changes nothing")
        }
    }

    @Test func everyListedKeyHasACaseAndItsDefaultGoesBackIn() {
        #expect(UISettings.keys.map(\.key) == SettingsTests.cases.map(\.key))
        let defaults = UISettings()
        for (key, _) in UISettings.keys {
            var copy = defaults
            let value = defaults.value(of: key)
            #expect(value != nil, "\(key)")
            #expect(copy.set(key, value ?? "") == nil, "\(key)")
            #expect(copy == defaults, "\(key)")
        }
        var settings = UISettings()
        let known = UISettings.keys.map(\.key).joined(separator: ", ")
        #expect(settings.set("roster.colour", "red") == "unknown setting roster.colour (known: \(known))")
        #expect(settings.value(of: "roster.colour") == nil)
    }

    /// A model over `store` with `configured` as config.toml's [ui].
    func started(_ fixture: ModelFixture, _ configured: UISettings = UISettings()) -> AppModel {
        AppModel(
            accounts: [fixture.account], settings: configured, scheduler: fixture.scheduler,
            settingsStore: fixture.store)
    }

    @Test func setShowsOneSettingOrAllAndSaysWhichAreSaved() throws {
        let fixture = ModelFixture()
        let model = started(fixture)
        model.submit("/set occupants.width 30")
        #expect(model.log.last?.text == "occupants.width = 30 (saved for the next start)")
        model.submit("/set occupants.width")
        #expect(model.log.last?.text == "occupants.width = 30 (saved)")
        model.submit("/set log.height")
        #expect(model.log.last?.text == "log.height = 5", "not saved")
        model.submit("/set input.newline CTRL-J")
        #expect(model.log.last?.text == "input.newline = ctrl-j (saved for the next start)", "as it is kept")
        model.submit("/set")
        let listed = model.log.suffix(UISettings.keys.count).map(\.text)
        #expect(listed.count == 15)
        #expect(listed.contains("occupants.width = 30 (10-60, saved)"))
        #expect(listed.contains("input.newline = ctrl-j (none|ctrl-j|ctrl-o|ctrl-t, saved)"))
        #expect(listed.contains("roster.width = 24 (10-80)"))
        #expect(try fixture.store.uiSettings() == ["occupants.width": "30", "input.newline": "ctrl-j"])
    }

    @Test func aRefusedValueIsNeitherAppliedNorSaved() throws {
        let fixture = ModelFixture()
        let model = started(fixture)
        model.submit("/set log.height 99")
        #expect(model.log.last?.text == "log.height takes 1 to 30")
        #expect(model.log.last?.level == .warning)
        #expect(model.settings.logHeight == 5)
        #expect(try fixture.store.uiSettings().isEmpty)
        #expect(model.savedSettings.isEmpty)
    }

    @Test func aSettingChangeRedrawsEverything() throws {
        let fixture = ModelFixture()
        let model = started(fixture)
        var changes: [ModelChanges] = []
        model.onChange = { changes.append($0) }
        model.submit("/set roster.visible off")
        #expect(changes.contains(.all))
        #expect(!model.settings.rosterVisible)
    }

    @Test func theThemeIsSavedAndUnsetLikeAnyKey() throws {
        let fixture = ModelFixture()
        var configured = UISettings()
        configured.theme = "solarized"
        let first = started(fixture, configured)
        #expect(first.changeSetting("theme", to: "dark256") == nil)
        #expect(first.savedSettings == ["theme"])
        let restarted = started(fixture, configured)
        #expect(restarted.settings.theme == "dark256")
        #expect(restarted.resetSetting("theme") == nil)
        #expect(restarted.settings.theme == "solarized", "config.toml's")
        #expect(started(fixture, configured).settings.theme == "solarized")
    }

    @Test func unsetOfAKeyNeverChangedGoesToTheConfiguredValue() throws {
        let fixture = ModelFixture()
        var configured = UISettings()
        configured.rosterGrouping = .presence
        let model = started(fixture, configured)
        model.submit("/unset roster.grouping")
        #expect(model.log.last?.text == "roster.grouping = presence (as configured)")
        #expect(model.settings.rosterGrouping == .presence)
    }

    @Test func aSavedSettingThatNoLongerAppliesIsReportedOnceAndForgotten() throws {
        let fixture = ModelFixture()
        var configured = UISettings()
        configured.rosterWidth = 30
        try fixture.store.setUISetting("roster.width", to: "500")
        try fixture.store.setUISetting("roster.sorting", to: "by-name")
        try fixture.store.setUISetting("log.height", to: "3")
        let model = started(fixture, configured)
        let known = UISettings.keys.map(\.key).joined(separator: ", ")
        #expect(
            model.log.map(\.text) == [
                "a saved setting no longer applies and is forgotten: unknown setting roster.sorting (known: \(known))",
                "a saved setting no longer applies and is forgotten: roster.width takes 10 to 80",
            ])
        #expect(model.log.allSatisfy { $0.level == .warning })
        #expect(model.settings.rosterWidth == 30, "config.toml's value")
        #expect(model.settings.logHeight == 3, "the others still apply")
        #expect(model.savedSettings == ["log.height"])
        let restarted = started(fixture, configured)
        #expect(restarted.log.isEmpty, "said once")
        #expect(try fixture.store.uiSettings() == ["log.height": "3"])
    }
}
