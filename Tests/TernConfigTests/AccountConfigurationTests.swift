import Foundation
import TernConfig
import Testing

/// One `[accounts.NAME]` table: each key's type and range, the password source, paths relative to
/// the configuration file, and which account a command uses.
@Suite struct AccountConfigurationTests {
    /// The problem with an account `w` whose JID is fine and whose other keys are `account`.
    func error(_ account: String) -> ConfigError? {
        configProblem("[accounts.w]\njid = \"a@b.c\"\n" + account)
    }

    /// A directory with a config.toml (not written) and the files named, each mode 0600.
    func directory(with files: [String]) -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("tern-config-\(UUID().uuidString)")
            .path
        try? FileManager.default.createDirectory(atPath: path + "/keys", withIntermediateDirectories: true)
        for name in files {
            _ = FileManager.default.createFile(
                atPath: path + "/" + name, contents: Data("pw\n".utf8), attributes: [.posixPermissions: 0o600])
        }
        return path
    }

    @Test func relativePathsAreReadFromTheConfigurationFilesDirectory() throws {
        let base = directory(with: ["keys/work.pw", "ca.pem"])
        let config = try parseConfig(
            "[accounts.w]\njid = \"a@b.c\"\npassword_file = \"keys/work.pw\"\nca_file = \"ca.pem\"\n",
            file: base + "/config.toml")
        let account = try config.account(named: "w")
        #expect(account.password == .file(base + "/keys/work.pw"))
        #expect(account.caFile == base + "/ca.pem")
        #expect(try account.password.fetch() == "pw")
        let absolute = try parseConfig("[accounts.w]\njid = \"a@b.c\"\npassword_file = \"\(base)/keys/work.pw\"\n")
        #expect(try absolute.account(named: "w").password == .file(base + "/keys/work.pw"))
    }

    @Test func aHomeRelativePathIsReadFromTheHomeDirectory() {
        let name = "tern-test-missing-\(UUID().uuidString)"
        let problem = error("password_file = \"~/\(name)\"\n")
        #expect(problem?.message == "the file \(NSHomeDirectory())/\(name) does not exist")
        #expect(problem?.line == 3)
    }

    @Test func theTwoPasswordSourcesExcludeEachOther() {
        let base = directory(with: ["pw"])
        let problem = error("password_command = \"pass show x\"\npassword_file = \"\(base)/pw\"\n")
        #expect(problem?.key == "accounts.w.password_file")
        #expect(problem?.line == 4)
        #expect(problem?.message == "set either password_command or password_file, not both")
    }

    @Test func everyKeyRefusesTheWrongType() {
        let cases: [(String, String)] = [
            ("jid = 5", "expected a string, found an integer"),
            ("host = 1", "expected a string, found an integer"),
            ("password_command = [\"pass\"]", "expected a string, found an array"),
            ("port = 5222.0", "expected an integer, found a number with a fraction"),
            ("port = 1979-05-27", "expected an integer, found a date or time"),
            ("ping_interval = \"20\"", "expected an integer, found a string"),
            ("stream_management = \"yes\"", "expected true or false, found a string"),
            ("allow_mechanism_downgrade = 1", "expected true or false, found an integer"),
            ("autoconnect = { now = true }", "expected true or false, found a table"),
            ("tls = true", "expected a string, found a boolean"),
        ]
        for (line, message) in cases {
            let text =
                line.hasPrefix("jid") ? "[accounts.w]\n" + line + "\n" : "[accounts.w]\njid = \"a@b.c\"\n" + line + "\n"
            #expect(configProblem(text)?.message == message, "\(line)")
            #expect(configProblem(text)?.line == text.split(separator: "\n").count, "\(line)")
        }
    }

    @Test func numbersMustBeInTheirRange() {
        let ranges: [(key: String, low: Int, high: Int)] = [
            ("port", 1, 65535), ("ping_interval", 1, 3600), ("ping_timeout", 1, 600),
            ("scram_max_iterations", 4096, 10_000_000),
        ]
        for (key, low, high) in ranges {
            #expect(error("\(key) = \(low)\n") == nil, "\(key)")
            #expect(error("\(key) = \(high)\n") == nil, "\(key)")
            #expect(error("\(key) = \(low - 1)\n")?.message == "\(low - 1) is out of range (\(low) to \(high))")
            #expect(error("\(key) = \(high + 1)\n")?.message == "\(high + 1) is out of range (\(low) to \(high))")
        }
    }

    @Test func theResourceComesFromTheJIDUnlessGiven() throws {
        let config = try parseConfig(
            "[accounts.a]\njid = \"a@b.c/laptop\"\n[accounts.b]\njid = \"b@b.c/laptop\"\nresource = \"desk\"\n")
        #expect(try config.account(named: "a").jid.description == "a@b.c", "the account's JID is bare")
        #expect(try config.account(named: "a").resource == "laptop")
        #expect(try config.account(named: "b").resource == "desk")
        #expect(error("resource = \"\"\n")?.message == "the resource must not be empty")
        #expect(error("host = \"\"\n")?.message == "the host must not be empty")
    }

    @Test func aPinIsAnySpellingOfSixtyFourHexDigits() throws {
        let hex = String(repeating: "0a", count: 32)
        let spaced = stride(from: 0, to: 64, by: 2).map { index in
            String(hex.dropFirst(index).prefix(2))
        }.joined(separator: " ")
        let expected = Array(repeating: "0A", count: 32).joined(separator: ":")
        for pin in [hex, spaced, hex.uppercased()] {
            let config = try parseConfig("[accounts.w]\njid = \"a@b.c\"\npin_sha256 = \"\(pin)\"\n")
            #expect(try config.account(named: "w").pinSHA256 == expected)
        }
        #expect(error("pin_sha256 = \"\(hex.dropLast())\"\n")?.line == 3, "63 digits")
        #expect(error("pin_sha256 = \"\(hex.dropLast())g\"\n") != nil, "not hex")
        #expect(
            error("pin_sha256 = \"sha256:\(hex)\"\n")?.message
                == "expected a SHA-256 fingerprint (64 hex digits, colons allowed)")
    }

    @Test func theTLSModesAreTheThreeNamed() throws {
        for mode in AccountConfiguration.TLSMode.allCases {
            let config = try parseConfig("[accounts.w]\njid = \"a@b.c\"\ntls = \"\(mode.rawValue)\"\n")
            #expect(try config.account(named: "w").tls == mode)
        }
        #expect(error("tls = \"STARTTLS\"\n")?.message.hasPrefix("\"STARTTLS\" is not one of") == true, "exact")
    }

    @Test func everyWayOfWritingAnAccountIsTheSame() throws {
        let forms = [
            "[accounts.w]\njid = \"a@b.c\"\nport = 5223\n",
            "accounts.w.jid = \"a@b.c\"\naccounts.w.port = 5223\n",
            "[accounts]\nw = { jid = \"a@b.c\", port = 5223 }\n",
            "[accounts]\n\"w\".jid = \"a@b.c\"\nw.port = 5223\n",
        ]
        for text in forms {
            let account = try parseConfig(text).account(named: nil)
            #expect(account.name == "w" && account.jid.description == "a@b.c" && account.port == 5223, "\(text)")
        }
        #expect(
            configProblem("[accounts]\nw = 1\n")?.description
                == "\(configFile):2: accounts.w: expected a table, found an integer")
    }

    @Test func theAccountToUseIsNamedDefaultedOrTheOnlyOne() throws {
        let none = try parseConfig("")
        #expect(
            throws: ConfigError(file: configFile, message: "no account is configured; add an [accounts.NAME] table")
        ) {
            try none.account(named: nil)
        }
        #expect(throws: ConfigError(file: configFile, message: "no account named \"w\" (configured: none)")) {
            try none.account(named: "w")
        }
        let two = try parseConfig("[accounts.b]\njid = \"b@b.c\"\n[accounts.a]\njid = \"a@b.c\"\n")
        #expect(throws: ConfigError(file: configFile, message: "no account named \"c\" (configured: a, b)")) {
            try two.account(named: "c")
        }
        #expect(try parseConfig("[accounts.only]\njid = \"o@b.c\"\n").account(named: nil).name == "only")
        let wrongType = configProblem("default_account = 1\n[accounts.a]\njid = \"a@b.c\"\n")
        #expect(wrongType?.message == "expected a string, found an integer")
        #expect(wrongType?.line == 1)
    }

    @Test func anAccountIsConnectedAtStartAndPinnedUnlessItSaysOtherwise() throws {
        let account = try parseConfig("[accounts.w]\njid = \"a@b.c\"\n").account(named: nil)
        #expect(account.autoconnect && !account.allowMechanismDowngrade && account.streamManagement)
        #expect(account.host == nil && account.port == nil && account.caFile == nil && account.pinSHA256 == nil)
        #expect(account.scramMaximumIterations == 100_000)
    }
}
