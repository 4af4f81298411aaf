import TernConfig
import Testing

@testable import TernConfig

/// Every mistake in config.toml is reported as FILE:LINE: KEY: what is wrong, wherever and however
/// the key was written.
@Suite struct ErrorLocationTests {
    @Test func aCommentAfterATableHeaderKeepsTheLine() {
        let problem = configProblem("[accounts.work]   # the office\njid = \"a@b.c\"\nprot = 5222\n")
        #expect(problem?.line == 3)
        #expect(problem?.key == "accounts.work.prot")
        #expect(configProblem("[chat] # what Tern does\nauto_away = 2000\n")?.line == 2)
    }

    @Test func keysWrittenInEveryFormAreFound() {
        #expect(configProblem("[ accounts . work ]\njid = \"a@b.c\"\nport = 0\n")?.line == 3, "blanks in the header")
        #expect(configProblem("[\"accounts\".'work']\njid = \"a@b.c\"\nport = 0\n")?.line == 3, "quoted parts")
        #expect(configProblem("accounts.work.jid = \"a@b.c\"\naccounts.work.port = 0\n")?.line == 2, "dotted keys")
        #expect(configProblem("[accounts]\nwork.jid = \"a@b.c\"\nwork.port = 0\n")?.line == 3, "dotted under a table")
        #expect(configProblem("[chat]\n  auto_away   =   -5   # indented\n")?.line == 2)
    }

    @Test func aKeyContainingTheSignsOfTheSyntaxIsFound() {
        // JIDs as keys of [notifications.levels]: a resource may contain "=", "#" and quotes.
        let equals = configProblem("[notifications.levels]\n\"a@b.c\" = \"all\"\n\"room@muc.b.c/x=y\" = \"loud\"\n")
        #expect(equals?.line == 3)
        #expect(equals?.key == "notifications.levels.room@muc.b.c/x=y")
        let hash = configProblem("[notifications.levels]\n\n\"room@muc.b.c/#1\" = \"loud\"\n")
        #expect(hash?.line == 3)
    }

    @Test func aTableNamedOnlyInASubtablesHeaderIsLocatedThere() {
        let unknown = configProblem("default_account = \"w\"\n[account.w]\njid = \"a@b.c\"\n")
        #expect(unknown?.key == "account")
        #expect(unknown?.line == 2, "the header, not the first key under it")
        #expect(configProblem("[notifications.levels]\n\"a@b.c\" = \"all\"\n[notifications]\nbell = 3\n")?.line == 4)
    }

    @Test func aWholeTableIsLocatedAtItsHeader() {
        let missing = configProblem("default_account = \"w\"\n\n[accounts.w]\nresource = \"r\"\n")
        #expect(missing?.line == 3)
        #expect(missing?.description == "/home/u/.config/tern/config.toml:3: accounts.w: missing key \"jid\"")
    }

    @Test func aKeyOfAnInlineTableIsLocatedAtTheTable() {
        // An inline table puts its keys on the line of the table: the line of the table is given.
        let inline = configProblem("[accounts]\nw = { jid = \"a@b.c\", port = 0 }\n")
        #expect(inline?.key == "accounts.w.port")
        #expect(inline?.line == 2)
    }

    @Test func descriptionsReadFileLineKeyMessage() {
        #expect(ConfigError(file: "f", message: "m").description == "f: m")
        #expect(ConfigError(file: "f", line: 3, message: "m").description == "f:3: m")
        #expect(ConfigError(file: "f", key: "a.b", message: "m").description == "f: a.b: m")
        #expect(ConfigError(file: "f", line: 3, key: "a.b", message: "m").description == "f:3: a.b: m")
    }

    @Test func sourceLinesMatchDottedNamesHowEverTheyWereSplit() {
        let source = SourceLines(file: "f", text: "[a]\nb.c = 1\n[\"x.y\"]\nz = 2\n")
        #expect(source.line(of: ["a", "b", "c"]) == 2)
        #expect(source.line(of: ["a", "b"]) == 2, "a table made by a dotted key is where it is first written")
        #expect(source.line(of: ["x.y", "z"]) == 4)
        #expect(source.line(of: ["nowhere"]) == nil)
        #expect(source.line(of: []) == nil)
    }
}
