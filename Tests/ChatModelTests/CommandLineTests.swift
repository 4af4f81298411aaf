import ChatModel
import TestSupport
import Testing
import XMPPCore

/// How a typed command line becomes a command and its arguments: words and quotes, the rest of
/// the line, repeated arguments, `--account`, subcommands, and the message for every mistake.
@Suite struct CommandLineTests {
    /// What a probe command received.
    final class Received {
        var arguments: [String: String] = [:]
        var repeated: [String] = []
        var accountName: String?
        var runs = 0
    }

    /// A registry with `/probe word [other] [text...]`, `/many first [more...]` and `/tree sub word`.
    func probes(_ received: Received) -> CommandRegistry {
        let record: (CommandContext) throws(CommandError) -> Void = { context in
            received.arguments = context.arguments
            received.repeated = context.repeated
            received.accountName = context.accountName
            received.runs += 1
        }
        let registry = CommandRegistry()
        registry.register([
            CommandSpec(
                "probe",
                arguments: [
                    ArgumentSpec("word"), ArgumentSpec("other", optional: true),
                    ArgumentSpec("text", optional: true, rest: true),
                ], summary: "records its arguments", handler: record),
            CommandSpec(
                "many", arguments: [ArgumentSpec("first"), ArgumentSpec("more", optional: true, repeated: true)],
                summary: "records repeated arguments", handler: record),
            CommandSpec(
                "tree", summary: "has a subcommand",
                subcommands: [
                    CommandSpec("sub", arguments: [ArgumentSpec("word")], summary: "records", handler: record)
                ]),
        ])
        return registry
    }

    @Test func quotesGroupWordsAndTheRestOfTheLineKeepsItsSpacing() throws {
        let fixture = ModelFixture()
        let received = Received()
        let registry = probes(received)
        #expect(registry.run("probe \"two words\" x  hello   \"quoted\"  world  ", model: fixture.model) == nil)
        #expect(received.arguments == ["word": "two words", "other": "x", "text": "hello   \"quoted\"  world"])
        #expect(registry.run("probe\t\"open ended", model: fixture.model) == nil)
        #expect(received.arguments == ["word": "open ended"], "an unclosed quote runs to the end")
        #expect(registry.run("probe \"\" x", model: fixture.model) == nil)
        #expect(received.arguments == ["word": "", "other": "x"], "empty quotes are an empty word")
        #expect(registry.run("probe it's say\"hi\"", model: fixture.model) == nil)
        #expect(received.arguments == ["word": "it's", "other": "say\"hi\""], "a quote inside a word is a character")
        #expect(registry.run("PROBE Word", model: fixture.model) == nil)
        #expect(received.arguments == ["word": "Word"], "the name in any case, the arguments as typed")
        #expect(received.runs == 5)
    }

    @Test func aRepeatedArgumentTakesEveryWordLeft() throws {
        let fixture = ModelFixture()
        let received = Received()
        let registry = probes(received)
        #expect(registry.run("many romeo Friends \"New York\" Verona", model: fixture.model) == nil)
        #expect(received.repeated == ["Friends", "New York", "Verona"])
        #expect(received.arguments["more"] == "Friends New York Verona")
        #expect(registry.run("many romeo", model: fixture.model) == nil)
        #expect(received.repeated.isEmpty && received.arguments["more"] == "", "none is no group")
    }

    @Test func theAccountOptionComesBeforeTheArgumentsOfTheCommandOrItsSubcommand() throws {
        let fixture = ModelFixture()
        let received = Received()
        let registry = probes(received)
        #expect(registry.run("probe --account home x", model: fixture.model) == nil)
        #expect(received.accountName == "home" && received.arguments == ["word": "x"])
        #expect(registry.run("tree --account work sub y", model: fixture.model) == nil)
        #expect(received.accountName == "work" && received.arguments == ["word": "y"])
        #expect(registry.run("tree sub --account club z", model: fixture.model) == nil)
        #expect(received.accountName == "club" && received.arguments == ["word": "z"])
        #expect(registry.run("tree --account work sub --account club z", model: fixture.model) == nil)
        #expect(received.accountName == "club", "the one nearer the arguments")
        #expect(registry.run("probe x --account home", model: fixture.model) == nil)
        #expect(received.accountName == nil, "after an argument it is text like any other")
        #expect(received.arguments == ["word": "x", "other": "--account", "text": "home"])
        #expect(
            registry.run("probe --account", model: fixture.model)
                == "--account needs the name of an account — usage: /probe word [other] [text]")
        #expect(received.runs == 5)
    }

    @Test func subcommandsAreChosenByTheirNameInAnyCase() throws {
        let fixture = ModelFixture()
        let received = Received()
        let registry = probes(received)
        #expect(registry.run("tree SUB x", model: fixture.model) == nil)
        #expect(received.arguments == ["word": "x"])
        #expect(registry.run("tree", model: fixture.model) == "usage: /tree sub ...")
        #expect(registry.run("tree branch x", model: fixture.model) == "usage: /tree sub ...")
        #expect(registry.run("tree sub", model: fixture.model) == "missing word — usage: /tree sub word")
        #expect(registry.run("tree sub x y", model: fixture.model) == "too many arguments — usage: /tree sub word")
        #expect(registry.run("", model: fixture.model) == "type /help for the list of commands")
        #expect(received.runs == 1)
    }

    /// Each command's answer to a line it cannot run, as the console shows it.
    @Test(arguments: [
        ("/", "type /help for the list of commands"),
        ("/affiliation", "missing nick|jid|list — usage: /affiliation nick|jid|list affiliation [reason]"),
        ("/ban", "missing nick|jid — usage: /ban nick|jid [reason]"),
        ("/block", "missing jid — usage: /block jid [report]"),
        ("/block romeo@example.net ham", "\"ham\" is not a report: spam or abuse — usage: /block jid [report]"),
        ("/bookmark frobnicate", "usage: /bookmark [add|remove|autojoin ...]"),
        ("/bookmark autojoin", "missing on|off — usage: /bookmark autojoin on|off [room]"),
        ("/close", "the console cannot be closed"),
        ("/close now", "too many arguments — usage: /close"),
        ("/connect nobody", "no account named nobody (accounts: test)"),
        ("/correct", "missing text — usage: /correct text"),
        ("/correct oops", "/correct works in a chat window"),
        ("/help frobnicate", "no command /frobnicate"),
        ("/info", "which JID? — usage: /info [jid]"),
        ("/invite", "missing jid — usage: /invite jid [reason]"),
        ("/join", "missing room[@service][/nick] — usage: /join room[@service][/nick] [password]"),
        ("/kick", "missing nick — usage: /kick nick [reason]"),
        ("/me", "missing action — usage: /me action"),
        ("/me waves", "/me works in a chat window"),
        ("/msg --account", "--account needs the name of an account — usage: /msg jid [text]"),
        ("/msg --account nobody romeo@example.net", "no account named nobody (accounts: test)"),
        ("/msg @", "\"@\" is neither a JID nor the name of a contact of test — usage: /msg jid [text]"),
        ("/mute", "which contact? — usage: /mute [jid]"),
        ("/nick", "missing nick — usage: /nick nick"),
        ("/notify", "which contact? — usage: /notify [all|mentions|none|default] [jid]"),
        (
            "/notify loud romeo@example.net",
            "\"loud\" is not a level — usage: /notify [all|mentions|none|default] [jid]"
        ),
        ("/role", "missing nick|list — usage: /role nick|list role [reason]"),
        ("/roster", "usage: /roster add|remove|rename|group ..."),
        ("/roster add", "missing jid — usage: /roster add jid [name]"),
        ("/roster add romeo", "\"romeo\" is not a JID (user@domain) — usage: /roster add jid [name]"),
        ("/roster remove", "missing jid — usage: /roster remove jid"),
        ("/roster rename romeo@example.net", "missing name — usage: /roster rename jid name"),
        ("/roster group", "missing jid — usage: /roster group jid [group...]"),
        ("/search", "missing text — usage: /search text"),
        (
            "/set frobnicate",
            "unknown setting frobnicate (known: \(UISettings.keys.map(\.key).joined(separator: ", ")))"
        ),
        ("/status", "missing online|chat|away|xa|dnd — usage: /status online|chat|away|xa|dnd [message]"),
        ("/status offline", "unknown presence — usage: /status online|chat|away|xa|dnd [message]"),
        ("/sub", "missing allow|deny|request|cancel — usage: /sub allow|deny|request|cancel jid"),
        ("/sub allow", "missing jid — usage: /sub allow|deny|request|cancel jid"),
        (
            "/sub maybe romeo@example.net",
            "choose allow, deny, request or cancel — usage: /sub allow|deny|request|cancel jid"
        ),
        ("/unblock", "missing jid — usage: /unblock jid"),
        ("/unset", "missing key — usage: /unset key"),
        (
            "/unset frobnicate",
            "unknown setting frobnicate (known: \(UISettings.keys.map(\.key).joined(separator: ", ")))"
        ),
        ("/win", "missing number — usage: /win number"),
        ("/win two", "no window two (there are 1)"),
        ("/win 0", "no window 0 (there are 1)"),
    ])
    func aLineTheCommandCannotRunIsAnswered(line: String, answer: String) {
        let fixture = ModelFixture()
        fixture.model.submit(line)
        #expect(fixture.model.log.last?.text == answer)
        #expect(fixture.connectionCount == 0, "nothing connected")
    }

    @Test func commandsThatNeedTheServerSaySoWhenOffline() throws {
        let fixture = ModelFixture(roster: [RosterItem(jid: try JID("romeo@example.net"), name: "Romeo")])
        for (line, answer) in [
            ("/roster add juliet@example.com Juliet", "not connected: cannot add juliet@example.com"),
            ("/roster remove Romeo", "not connected: cannot remove romeo@example.net"),
            ("/roster rename Romeo Romeo M.", "not connected: cannot change romeo@example.net"),
            ("/roster group romeo@example.net Friends", "not connected: cannot change romeo@example.net"),
            ("/sub allow Romeo", "not connected: cannot change the subscription of romeo@example.net"),
            ("/block Romeo", "not connected: cannot block romeo@example.net"),
            ("/unblock mallory@evil.example", "not connected: cannot unblock mallory@evil.example"),
            ("/info Romeo", "not connected"),
        ] {
            fixture.model.submit(line)
            #expect(fixture.model.log.last?.text == answer, "\(line)")
        }
        #expect(fixture.connectionCount == 0)
    }

    @Test func helpExplainsOneCommandWithItsSubcommands() throws {
        let fixture = ModelFixture()
        fixture.model.submit("/help /roster")
        let lines = fixture.model.log.map(\.text)
        #expect(
            lines == [
                "/roster add|remove|rename|group ... — manage contacts",
                "  /roster add jid [name] — add a contact and ask to see its presence",
                "  /roster remove jid — remove a contact (and both subscriptions)",
                "  /roster rename jid name — rename a contact",
                "  /roster group jid [group...] — put a contact in these groups (none: no group)",
            ])
        fixture.model.submit("/help SUB")
        #expect(fixture.model.log.last?.text == "  request: ask to see the contact's presence; cancel: stop seeing it")
        fixture.model.submit("/help")
        #expect(
            fixture.model.log.suffix(fixture.model.commands.commands.count).map(\.text)
                == fixture.model.commands.overview())
    }

    @Test func theManPageAndTheReadmeTableEscapeWhatTheirFormatsMeanSpecially() {
        let registry = CommandRegistry()
        registry.register([
            CommandSpec(
                "pick", arguments: [ArgumentSpec("on|off")], summary: "a two-sided choice",
                help: ".not a request\n'nor this\nback\\slash"
            ) { _ throws(CommandError) in }
        ])
        #expect(
            registry.manPageSection()
                == ".SH COMMANDS\n.TP\n.B /pick on|off\na two\\-sided choice\n.br\n\\&.not a request\n\\&'nor this\n"
                + "back\\eslash\n")
        #expect(
            registry.markdownTable() == "| command | does |\n|---|---|\n| `/pick on\\|off` | a two-sided choice |\n")
    }
}
