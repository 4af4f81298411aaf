import ChatRuntime
import Foundation
import TernConfig
import Testing
import XMPPClient

@Suite struct TernConfigurationTests {
    @Test func readsEveryAccountKey() throws {
        let ca = FileManager.default.temporaryDirectory.appendingPathComponent("tern-test-ca.pem").path
        _ = FileManager.default.createFile(atPath: ca, contents: Data("x".utf8))
        let config = try parseConfig(
            """
            default_account = "work"

            [accounts.work]
            jid = "Alice@Example.org"
            password_command = "pass show xmpp/work"
            resource = "tern"
            host = "127.0.0.1"
            port = 5222
            tls = "starttls"
            ca_file = "\(ca)"
            pin_sha256 = "ab:cd:ef:01:23:45:67:89:ab:cd:ef:01:23:45:67:89:ab:cd:ef:01:23:45:67:89:ab:cd:ef:01:23:45:67:89"
            ping_interval = 60
            ping_timeout = 15
            stream_management = false
            scram_max_iterations = 500000
            allow_mechanism_downgrade = true

            [accounts.home]
            jid = "alice@home.example"
            """)
        #expect(config.accounts.map(\.name) == ["home", "work"])
        let work = try config.account(named: nil)
        #expect(work.name == "work")
        #expect(work.jid.description == "alice@example.org")
        #expect(work.password == .command("pass show xmpp/work"))
        #expect(work.resource == "tern")
        #expect(work.host == "127.0.0.1")
        #expect(work.port == 5222)
        #expect(work.tls == .startTLS)
        #expect(work.caFile == ca)
        #expect(work.pinSHA256?.hasPrefix("AB:CD:EF:01") == true)
        #expect(work.pingInterval == 60 && work.pingTimeout == 15 && !work.streamManagement)
        let session = work.connectionSettings(password: "pw").session
        #expect(session.pingInterval == .seconds(60) && session.pingTimeout == .seconds(15))
        #expect(!session.streamManagement)
        #expect(session.maximumSCRAMIterations == 500_000 && session.allowMechanismDowngrade)
        let home = try config.account(named: "home")
        let homeSession = home.connectionSettings(password: "pw").session
        #expect(homeSession.maximumSCRAMIterations == 100_000, "what Prosody and ejabberd use, with room")
        #expect(!homeSession.allowMechanismDowngrade, "pinning is on unless turned off")
        #expect(
            configProblem("[accounts.w]\njid = \"a@b.c\"\nscram_max_iterations = 1000\n")?.description.contains(
                "scram_max_iterations") == true, "below RFC 7677's 4096")
        #expect(home.password == .prompt)
        #expect(home.tls == .auto)
        #expect(
            home.pingInterval == 20 && home.pingTimeout == 10 && home.streamManagement, "defaults: dead link in 30 s")
        let settings = work.connectionSettings(password: "secret")
        #expect(settings.session.password == "secret")
        #expect(settings.session.resource == "tern")
    }

    @Test func aControlCharacterIsAClearErrorNotACrash() throws {
        // Found by scripts/fuzz: toml++ asserted on "[" followed by U+0016.
        let problem = configProblem("[accounts.w]\njid = \"a@b.c\"\n[\u{16}")
        #expect(
            problem?.description.hasPrefix("/home/u/.config/tern/config.toml:3: ") == true,
            "\(String(describing: problem))")
        #expect(problem?.description.contains("control character U+0016") == true)
        #expect(configProblem("# a comment with a tab\t is fine\r\n[accounts.w]\r\njid = \"a@b.c\"\r\n") == nil)
        for header in ["[:", "[\n", "[\u{597}x]"] {
            #expect(
                configProblem("[accounts.w]\njid = \"a@b.c\"\n" + header)?.description.contains(
                    "a table name starts with")
                    == true,
                "\(header.unicodeScalars.map { $0.value })")
        }
        #expect(
            configProblem("[accounts.w]\njid = \"a@b.c\"\n[ \"quoted\" ]\nx = 1\n")?.description.contains("table name")
                != true)
    }

    @Test func chatAndNotificationTables() throws {
        let defaults = try parseConfig("[accounts.w]\njid = \"a@b.c\"\n")
        #expect(defaults.chat == ChatConfiguration())
        #expect(defaults.chat.receipts && defaults.chat.markers && defaults.chat.chatStates)
        #expect(defaults.notifications.bell && defaults.notifications.command == nil)
        let config = try parseConfig(
            """
            [chat]
            receipts = false
            markers = false
            chat_states = false
            auto_away = 0
            archive_initial = 2000

            [notifications]
            bell = false
            command = 'notify-send "$TERN_SENDER" "$TERN_TEXT"'
            """)
        #expect(!config.chat.receipts && !config.chat.markers && !config.chat.chatStates)
        #expect(config.chat.autoAwayMinutes == 0)
        #expect(config.chat.archiveInitial == 2000)
        #expect(!config.notifications.bell)
        #expect(config.notifications.command == "notify-send \"$TERN_SENDER\" \"$TERN_TEXT\"")
        #expect(configProblem("[chat]\nauto_away = -1\n")?.message == "-1 is out of range (0 to 1440)")
        #expect(configProblem("[chat]\nreceipt = true\n")?.key == "chat.receipt")
        #expect(configProblem("[notifications]\nbell = \"yes\"\n")?.line == 2)
    }

    @Test func notificationLevelsAndKeywords() throws {
        let defaults = try parseConfig("")
        #expect(defaults.notifications.rooms == .mentions, "a room rings only when it names you")
        #expect(defaults.notifications.chats == .all)
        #expect(defaults.notifications.keywords.isEmpty && defaults.notifications.levels.isEmpty)
        let config = try parseConfig(
            """
            [notifications]
            rooms = "all"             # default level for rooms
            chats = "mentions"
            keywords = ["deploy", "Tern"]
            [notifications.levels]
            "room@conference.example.org" = "all"
            "noisy@Example.ORG" = "none"
            "room@conference.example.org/nurse" = "mentions"
            """)
        #expect(config.notifications.rooms == .all)
        #expect(config.notifications.chats == .mentions)
        #expect(config.notifications.keywords == ["deploy", "Tern"])
        #expect(
            config.notifications.levels == [
                "room@conference.example.org": .all, "noisy@example.org": .none,
                "room@conference.example.org/nurse": .mentions,
            ])
    }

    @Test func wrongNotificationSettingsNameFileLineAndKey() {
        let level = configProblem("[notifications]\nbell = true\nrooms = \"loud\"\n")
        #expect(
            level?.description
                == "/home/u/.config/tern/config.toml:3: notifications.rooms: \"loud\" is not one of \"all\", \"mentions\", \"none\""
        )
        #expect(configProblem("[notifications]\nchats = 1\n")?.message == "expected a string, found an integer")
        let keywords = configProblem("[notifications]\n\nkeywords = \"deploy\"\n")
        #expect(keywords?.line == 3)
        #expect(keywords?.message == "expected an array of strings, found a string")
        #expect(
            configProblem("[notifications]\nkeywords = [\"deploy\", 3]\n")?.message
                == "expected an array of strings; item 2 is an integer")
        #expect(configProblem("[notifications]\nkeywords = [\" \"]\n")?.message == "a keyword cannot be empty")
        let unknown = configProblem("[notifications.levels]\n\"a@b.c\" = \"all\"\n\"room@conference.b.c\" = \"some\"\n")
        #expect(unknown?.line == 3)
        #expect(unknown?.key == "notifications.levels.room@conference.b.c")
        #expect(unknown?.message == "\"some\" is not one of \"all\", \"mentions\", \"none\"")
        let notJID = configProblem("[notifications]\n[notifications.levels]\n\"a b@c\" = \"all\"\n")
        #expect(notJID?.line == 3)
        #expect(notJID?.message == "\"a b@c\" is not a JID")
        #expect(configProblem("[notifications]\nlevels = \"all\"\n")?.message == "expected a table, found a string")
        #expect(configProblem("[notifications]\nkeyword = [\"x\"]\n")?.key == "notifications.keyword")
    }

    @Test func unknownKeyNamesFileLineAndKey() {
        let error = configProblem("[accounts.work]\njid = \"a@b.c\"\nprot = 5222\n")
        #expect(error?.line == 3)
        #expect(error?.key == "accounts.work.prot")
        #expect(
            error?.description.hasPrefix("/home/u/.config/tern/config.toml:3: accounts.work.prot: unknown key") == true)
        #expect(configProblem("colour = 1\n")?.key == "colour")
    }

    @Test func wrongTypesAreNamed() {
        let port = configProblem("[accounts.work]\njid = \"a@b.c\"\nport = \"5222\"\n")
        #expect(
            port?.description
                == "/home/u/.config/tern/config.toml:3: accounts.work.port: expected an integer, found a string")
        let tls = configProblem("[accounts.work]\njid = \"a@b.c\"\ntls = \"maybe\"\n")
        #expect(tls?.message == "\"maybe\" is not one of \"auto\", \"starttls\", \"direct\"")
        #expect(
            configProblem("[accounts.work]\njid = \"a@b.c\"\nport = 70000\n")?.message
                == "70000 is out of range (1 to 65535)")
        #expect(configProblem("accounts = 3\n")?.message == "expected a table, found an integer")
    }

    @Test func invalidValuesAreExplained() {
        #expect(configProblem("[accounts.w]\n")?.message == "missing key \"jid\"")
        #expect(configProblem("[accounts.w]\njid = \"example.org\"\n")?.message.contains("no user part") == true)
        #expect(configProblem("[accounts.w]\njid = \"a b@c\"\n")?.message.contains("is not a valid JID") == true)
        #expect(configProblem("[accounts.w]\njid = \"a@b.c\"\npin_sha256 = \"xyz\"\n")?.key == "accounts.w.pin_sha256")
        #expect(configProblem("[accounts.w]\njid = \"a@b.c\"\nca_file = \"/nonexistent/ca.pem\"\n")?.line == 3)
        #expect(
            configProblem("[accounts.w]\njid = \"a@b.c\"\npassword_file = \"/nonexistent/pw\"\n")?.message.contains(
                "does not exist") == true)
        #expect(configProblem("default_account = \"nope\"\n")?.message == "there is no account named \"nope\"")
    }

    @Test func syntaxErrorsCarryTheLine() {
        let error = configProblem("[accounts.w]\njid = \"unterminated\n")
        #expect(error?.line == 2)
        #expect(error?.message.hasPrefix("invalid TOML") == true)
    }

    @Test func missingFileIsAClearError() {
        #expect(throws: ConfigError(file: "/nonexistent/config.toml", message: "the configuration file does not exist"))
        {
            try TernConfiguration.load(path: "/nonexistent/config.toml")
        }
    }

    @Test func accountChoiceNeedsANameWhenAmbiguous() throws {
        let config = try parseConfig("[accounts.a]\njid = \"a@b.c\"\n[accounts.b]\njid = \"b@b.c\"\n")
        do {
            _ = try config.account(named: nil)
            Issue.record("two accounts and no default_account must not pick one")
        } catch {
            #expect(
                error.message
                    == "several accounts are configured (a, b); choose one with --account NAME or set default_account")
        }
        #expect(throws: ConfigError.self) { try config.account(named: "c") }
        #expect(try config.account(named: "b").jid.description == "b@b.c")
        let withDefault = try parseConfig(
            "default_account = \"b\"\n[accounts.a]\njid = \"a@b.c\"\n[accounts.b]\njid = \"b@b.c\"\n")
        #expect(try withDefault.account(named: nil).name == "b")
    }

    @Test func everyAccountConnectsAtStartUnlessItSaysOtherwise() throws {
        let config = try parseConfig(
            "[accounts.a]\njid = \"a@b.c\"\n[accounts.b]\njid = \"b@b.c\"\nautoconnect = false\n")
        #expect(config.accounts.map(\.name) == ["a", "b"])
        #expect(config.accounts.map(\.autoconnect) == [true, false])
        #expect(throws: ConfigError.self) { try parseConfig("[accounts.a]\njid = \"a@b.c\"\nautoconnect = \"no\"\n") }
    }

    @Test func xdgPathsFollowTheEnvironment() {
        #expect(TernConfiguration.defaultPath(environment: ["HOME": "/h"]) == "/h/.config/tern/config.toml")
        #expect(
            TernConfiguration.defaultPath(environment: ["HOME": "/h", "XDG_CONFIG_HOME": "/x"]) == "/x/tern/config.toml"
        )
        #expect(XDG.dataHome(environment: ["HOME": "/h"]) == "/h/.local/share")
        #expect(XDG.dataHome(environment: ["HOME": "/h", "XDG_DATA_HOME": "relative"]) == "/h/.local/share")
    }
}
