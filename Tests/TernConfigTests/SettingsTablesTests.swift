import Foundation
import TernConfig
import Testing

/// The `[ui]`, `[chat]` and `[notifications]` tables, and reading config.toml from disk.
@Suite struct SettingsTablesTests {
    @Test func uiKeysBecomeTheSettingsSetWouldMake() throws {
        let ui = try parseConfig(
            """
            [ui]
            theme = "light"
            roster_visible = false
            roster_width = 28
            roster_grouping = "groups"
            show_offline = true
            log_visible = true
            log_height = 5
            time_format = "%H:%M"
            emoji = false
            newline_key = "alt-enter"
            clipboard_osc52 = false
            """
        ).ui
        #expect(ui.theme == "light")
        #expect(
            ui.settings == [
                "roster.visible": "off", "roster.width": "28", "roster.grouping": "groups", "roster.offline": "on",
                "log.visible": "on", "log.height": "5", "time.format": "%H:%M", "text.emoji": "off",
                "input.newline": "alt-enter", "clipboard.osc52": "off",
            ])
        #expect(try parseConfig("").ui == UIConfiguration(), "nothing set: the UI's own defaults")
    }

    @Test func uiMistakesAreNamed() {
        let fraction = configProblem("[ui]\ntheme = \"dark256\"\nroster_width = 2.5\n")
        #expect(fraction?.description == "\(configFile):3: ui.roster_width: expected a string, a number or true/false")
        #expect(configProblem("[ui]\nlog_height = [5]\n")?.message == "expected a string, a number or true/false")
        #expect(configProblem("[ui]\ntheme = 1\n")?.message == "expected a string, found an integer")
        #expect(configProblem("ui = \"dark\"\n")?.message == "expected a table, found a string")
        let unknown = configProblem("[ui]\nroster.width = 20\n")
        #expect(unknown?.key == "ui.roster")
        #expect(
            unknown?.message
                == "unknown key (known keys here: clipboard_osc52, emoji, log_height, log_visible, newline_key, "
                + "roster_grouping, roster_visible, roster_width, show_offline, theme, time_format)")
    }

    @Test func chatKeysTheirRangesAndChoices() throws {
        for strangers in ChatConfiguration.Strangers.allCases {
            #expect(try parseConfig("[chat]\nstrangers = \"\(strangers.rawValue)\"\n").chat.strangers == strangers)
        }
        #expect(try parseConfig("").chat.strangers == .requests, "strangers wait under Requests unless told")
        #expect(
            configProblem("[chat]\nstrangers = \"ignore\"\n")?.message
                == "\"ignore\" is not one of \"requests\", \"window\", \"drop\"")
        #expect(try parseConfig("[chat]\nauto_away = 1440\narchive_initial = 100000\n").chat.archiveInitial == 100_000)
        #expect(configProblem("[chat]\nauto_away = 1441\n")?.message == "1441 is out of range (0 to 1440)")
        #expect(configProblem("[chat]\narchive_initial = 100001\n")?.message == "100001 is out of range (0 to 100000)")
        #expect(try parseConfig("[chat]\narchive_initial = 0\n").chat.archiveInitial == 0, "no history at first login")
        #expect(configProblem("[chat]\n\nchat_states = \"no\"\n")?.line == 3)
        #expect(configProblem("[chat]\nmarkers = 0\n")?.message == "expected true or false, found an integer")
    }

    @Test func notificationLevelsKeepAnOccupantsNickAsWritten() throws {
        let levels = try parseConfig(
            """
            [notifications.levels]
            "Room@Conference.Example.org/Nurse" = "none"
            "example.org" = "mentions"
            """
        ).notifications.levels
        #expect(levels == ["room@conference.example.org/Nurse": .none, "example.org": .mentions])
    }

    @Test func notificationMistakesAreNamed() {
        #expect(configProblem("[notifications]\nkeywords = [\"ok\", \"\"]\n")?.message == "a keyword cannot be empty")
        #expect(configProblem("[notifications]\nkeywords = []\n") == nil)
        #expect(configProblem("[notifications]\ncommand = true\n")?.message == "expected a string, found a boolean")
        #expect(configProblem("[notifications]\nbell = 1\n")?.message == "expected true or false, found an integer")
        #expect(
            configProblem("[notifications.levels]\n\"a@b.c\" = 1\n")?.message == "expected a string, found an integer")
        #expect(
            configProblem("[notifications.levels]\n\"@b.c\" = \"all\"\n")?.message == "\"@b.c\" is not a JID",
            "empty user")
    }

    @Test func theTopLevelKnowsItsTables() {
        let unknown = configProblem("[acounts]\n")
        #expect(unknown?.line == 1)
        #expect(
            unknown?.message
                == "unknown key (known keys here: accounts, chat, default_account, files, notifications, ui)")
    }

    func temporaryFile(_ data: Data) -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("tern-\(UUID().uuidString).toml").path
        _ = FileManager.default.createFile(atPath: path, contents: data)
        return path
    }

    @Test func aFileIsReadAndNamedInItsErrors() throws {
        let path = temporaryFile(Data("[accounts.w]\njid = \"a@b.c\"\nport = 0\n".utf8))
        #expect(
            throws: ConfigError(file: path, line: 3, key: "accounts.w.port", message: "0 is out of range (1 to 65535)")
        ) {
            try TernConfiguration.load(path: path)
        }
        let empty = try TernConfiguration.load(path: temporaryFile(Data()))
        #expect(empty.accounts.isEmpty && empty.chat == ChatConfiguration() && empty.defaultAccountName == nil)
    }

    @Test func aFileThatCannotBeReadAsTextIsAClearError() {
        let latin1 = temporaryFile(Data([0x23, 0x20, 0xE9, 0x0A]))
        #expect(throws: ConfigError(file: latin1, message: "the configuration file is not valid UTF-8")) {
            try TernConfiguration.load(path: latin1)
        }
        let directory = FileManager.default.temporaryDirectory.path
        #expect(throws: ConfigError(file: directory, message: "the configuration file cannot be read")) {
            try TernConfiguration.load(path: directory)
        }
    }

    @Test func xdgDirectoriesFollowTheEnvironment() {
        #expect(XDG.databasePath(environment: ["HOME": "/h"]) == "/h/.local/share/tern/tern.sqlite")
        #expect(XDG.databasePath(environment: ["HOME": "/h", "XDG_DATA_HOME": "/d"]) == "/d/tern/tern.sqlite")
        #expect(XDG.configHome(environment: ["HOME": "/h", "XDG_CONFIG_HOME": "rel"]) == "/h/.config", "relative")
        #expect(XDG.configHome(environment: [:]) == NSHomeDirectory() + "/.config", "no HOME")
    }
}
