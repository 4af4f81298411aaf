import ChatModel
import TerminalUI
import Testing
import XMPPCore

@Suite(.serialized) struct UIInputTests {
    @Test func typingAndEnterSendsAndShowsTheMessage() throws {
        let ui = UIFixture(rows: 20, columns: 80)
        ui.connect()
        ui.open(try JID("romeo@example.net"), focus: true)
        ui.type("hello 😀 你好")
        #expect(ui.render().split(separator: "\n").last == "hello 😀 你好")
        #expect(ui.screen.cursor?.column == 13, "5 + 1 + 2 (emoji) + 1 + 4 (two CJK) columns")
        ui.press(.key(.enter))
        #expect(ui.render().contains("alice: hello 😀 你好 (sent)"))
        #expect(ui.harness.takeWrittenElements().contains { $0.childText("body") == "hello 😀 你好" })
    }

    @Test func aLookalikeAddressIsSpelledOutInTheTitleAndTheRequests() throws {
        let ui = UIFixture(rows: 20, columns: 120)
        ui.connect()
        // "pаypal" with a Cyrillic а asks to be a contact, and writes.
        ui.harness.serverSends("<presence from='p\u{0430}ypal@ex\u{0430}mple.org' type='subscribe'/>")
        ui.open(try JID("p\u{0430}ypal@ex\u{0430}mple.org"), focus: true)
        let screen = ui.render()
        #expect(screen.contains("p\u{0430}ypal@ex\u{0430}mple.org (p\u{0430}ypal@xn--exmple-4nf.org, mixed scripts)"))
        #expect(screen.contains("? p\u{0430}ypal@ex\u{0430}mple.org (p…"), "the narrow roster shows that more follows")
    }

    @Test func multiLinePasteIsOneMessage() throws {
        let ui = UIFixture(rows: 20, columns: 80)
        ui.connect()
        ui.open(try JID("romeo@example.net"), focus: true)
        ui.press(.paste("first line\nsecond line"))
        #expect(ui.render().split(separator: "\n").last == "first line↵second line")
        ui.press(.key(.enter))
        #expect(ui.model.currentWindow.messages.last?.body == "first line\nsecond line")
        let text = ui.render()
        #expect(text.contains("alice: first line"))
        #expect(text.contains("             second line"))
    }

    @Test func longLinesScrollHorizontallyKeepingTheCursorVisible() {
        let ui = UIFixture(rows: 20, columns: 40)
        ui.type(String(repeating: "abcdefghij", count: 8) + "END")
        let last = ui.render().split(separator: "\n").last.map(String.init) ?? ""
        #expect(last.hasPrefix("‹"))
        #expect(last.hasSuffix("END"))
        #expect(ui.screen.cursor?.column == 39, "just after the last character")
        ui.press(.control("a"))
        #expect(ui.render().split(separator: "\n").last?.hasPrefix("abcdefghij") == true)
    }

    @Test func windowsSwitchWithAltNumbersAndArrows() throws {
        let ui = UIFixture(rows: 20, columns: 80)
        ui.open(try JID("romeo@example.net"), focus: false)
        ui.open(try JID("juliet@example.com"), focus: false)
        ui.press(.alt("3"))
        #expect(ui.model.currentIndex == 2)
        ui.press(.altKey(.left))
        #expect(ui.model.currentIndex == 1)
        ui.press(.control("n"))
        ui.press(.control("n"))
        #expect(ui.model.currentIndex == 0)
        ui.type("/win 2")
        ui.press(.key(.enter))
        #expect(ui.render().contains("[2:romeo@example.net]"))
        ui.type("/close")
        ui.press(.key(.enter))
        #expect(ui.model.windows.count == 2)
    }

    /// Whatever the first Tab puts on the line for a contact (a name, a quoted name, a common
    /// prefix, a JID), /msg accepts it.
    @Test(arguments: ["Carol", "Carol Jones", "carol", "CAROL"])
    func whatTabCompletesForAContactIsAccepted(name: String) throws {
        let ui = UIFixture(rows: 20, columns: 80)
        ui.connect(
            roster: "<item jid='carol@localhost' name='\(name)' subscription='both'/>"
                + "<item jid='cathy@localhost' name='Cathy' subscription='both'/>")
        for typed in ["/msg car", "/msg ca", "/msg carol@", "/msg Car"] {
            ui.type(typed)
            ui.press(.key(.tab))
            let line = String(ui.render().split(separator: "\n").last ?? "")
            ui.press(.key(.enter))
            #expect(
                ui.model.currentWindow.jid?.description.hasPrefix("ca") == true,
                "\(typed) → \(line): \(ui.model.log.last?.text ?? "")")
            ui.model.switchTo(0)
        }
    }

    @Test func altEnterAndTheConfiguredKeyTypeANewline() throws {
        let ui = UIFixture(rows: 20, columns: 80)
        ui.connect()
        ui.open(try JID("romeo@example.net"), focus: true)
        ui.type("first")
        ui.press(.altKey(.enter))
        ui.type("second")
        #expect(ui.render().split(separator: "\n").last == "first↵second")
        ui.press(.control("j"))
        #expect(ui.model.currentWindow.messages.last?.body == "first\nsecond", "Ctrl-J is Enter by default")
        ui.model.submit("/set input.newline ctrl-j")
        ui.type("one")
        ui.press(.control("j"))
        ui.type("two")
        ui.press(.key(.enter))
        #expect(ui.model.currentWindow.messages.last?.body == "one\ntwo")
    }

    @Test func upCorrectsOnlyWhatWasTypedHere() throws {
        let ui = UIFixture(rows: 20, columns: 80)
        ui.connect()
        ui.open(try JID("romeo@example.net"), focus: true)
        ui.type("typed here")
        ui.press(.key(.enter))
        ui.press(.key(.up))
        #expect(ui.render().split(separator: "\n").last == "/correct typed here")
        ui.press(.control("u"))
        ui.press(.key(.enter))
        // A message sent from the phone comes in as a carbon: it is now the last one of ours.
        ui.harness.serverSends(
            "<message from='alice@example.org' to='alice@example.org/tern' type='chat'>"
                + "<sent xmlns='urn:xmpp:carbons:2'><forwarded xmlns='urn:xmpp:forward:0'>"
                + "<message xmlns='jabber:client' to='romeo@example.net' from='alice@example.org/phone' type='chat'"
                + " id='p1'><body>from the phone</body></message></forwarded></sent></message>")
        ui.press(.key(.up))
        #expect(
            ui.render().split(separator: "\n").last?.hasPrefix("/correct") == false,
            "the last message of ours came from another device")
    }

    @Test func aQuestionKeepsItsEndOnANarrowScreen() throws {
        let ui = UIFixture(rows: 20, columns: 44)
        ui.connect(
            roster: "<item jid='juliet.capulet.of.verona@a-very-long-domain.example.com' subscription='both'/>")
        ui.press(.key(.function(2)))
        ui.press(.character("d"))
        let line = String(ui.render().split(separator: "\n").last ?? "")
        #expect(line.hasPrefix("Remove juliet."), "\(line)")
        #expect(line.contains("…"), "\(line)")
        #expect(line.hasSuffix("? (y/n)"), "the choice stays on screen: \(line)")
    }

    @Test func tabCompletesInTheInputLine() throws {
        let ui = UIFixture(rows: 20, columns: 80)
        ui.connect(roster: "<item jid='romeo@example.net' name='Romeo' subscription='both'/>")
        ui.type("/ms")
        ui.press(.key(.tab))
        #expect(ui.render().split(separator: "\n").last == "/msg")
        ui.type("ro")
        ui.press(.key(.tab))
        #expect(ui.render().split(separator: "\n").last == "/msg Romeo", "first the common prefix")
        ui.press(.key(.tab))
        #expect(ui.render().split(separator: "\n").last == "/msg Romeo")
        ui.press(.key(.tab))
        #expect(ui.render().split(separator: "\n").last == "/msg romeo@example.net", "then each match in turn")
    }
}

@Suite(.serialized) struct RosterPaneTests {
    func fixture() throws -> UIFixture {
        let ui = UIFixture(rows: 24, columns: 90)
        ui.connect(
            roster: "<item jid='romeo@example.net' name='Romeo' subscription='both'><group>Verona</group></item>"
                + "<item jid='juliet@example.com' name='Juliet' subscription='both'><group>Verona</group></item>"
                + "<item jid='nurse@example.com' subscription='none' ask='subscribe'/>")
        ui.harness.serverSends("<presence from='romeo@example.net/orchard'><show>away</show></presence>")
        ui.harness.serverSends("<presence from='juliet@example.com/balcony'/>")
        ui.harness.serverSends("<presence from='tybalt@example.com' type='subscribe'/>")
        ui.render()
        return ui
    }

    @Test func groupsPresenceAndRequests() throws {
        let ui = try fixture()
        let rows = (1..<8).map { String(ui.row($0).prefix(24)) }
        #expect(rows[0].hasPrefix("Requests"))
        #expect(rows[1].hasPrefix("? tybalt@example.com"))
        #expect(rows[2].hasPrefix("Verona"))
        #expect(rows[3].hasPrefix("● Juliet"))
        #expect(rows[4].hasPrefix("◐ Romeo"))
        #expect(rows[5].hasPrefix("Other"))
        #expect(rows[6].hasPrefix("○ nurse@example.com …"))
        ui.model.submit("/set roster.offline hide")
        ui.render()
        #expect((1..<9).map { ui.row($0) }.contains { $0.contains("(1 offline)") })
    }

    /// Unread counts change one row in place; the rows around it, the order and the selection
    /// stay, also for a contact in two groups, and reading the chat clears the count.
    @Test func unreadCountsUpdateTheirRowsInPlace() throws {
        let ui = try fixture()
        ui.harness.serverSends(
            "<iq type='set' id='push1'><query xmlns='jabber:iq:roster'><item jid='juliet@example.com' name='Juliet'"
                + " subscription='both'><group>Verona</group><group>Capulets</group></item></query></iq>")
        ui.render()
        let before = (1..<10).map { ui.row($0) }
        for index in 0..<3 {
            ui.harness.serverSends(
                "<message from='juliet@example.com/balcony' type='chat' id='j\(index)'><body>hi \(index)</body></message>"
            )
        }
        ui.render()
        let after = (1..<10).map { ui.row($0) }
        let changed = zip(before, after).filter { $0 != $1 }
        #expect(changed.count == 2, "the two rows of Juliet and nothing else: \(after)")
        #expect(changed.allSatisfy { $0.1.contains("● Juliet (3)") })
        ui.harness.serverSends(
            "<message from='romeo@example.net/orchard' type='chat' id='r1'><body>hey</body></message>")
        ui.render()
        #expect((1..<10).map { ui.row($0) }.contains { $0.contains("◐ Romeo (1)") })
        ui.model.submit("/msg Juliet")
        ui.render()
        let read = (1..<10).map { String(ui.row($0).prefix(24)) }
        #expect(read.filter { $0.hasPrefix("● Juliet") }.count == 2)
        #expect(!read.contains { $0.contains("Juliet (") }, "read: \(read)")
        #expect(read.contains { $0.contains("◐ Romeo (1)") })
    }

    @Test func keyboardRosterManagement() throws {
        let ui = try fixture()
        _ = ui.harness.takeWritten()
        ui.press(.key(.function(2)))
        #expect(ui.render().split(separator: "\n").last?.hasPrefix("roster: ") == true)
        // Selection starts on the first contact (the request), then moves down.
        #expect(ui.controller.selectedContact?.address == "tybalt@example.com")
        ui.press(.character("j"))
        #expect(ui.controller.selectedContact?.address == "juliet@example.com")
        ui.press(.character("r"))
        #expect(ui.render().split(separator: "\n").last == "New name for juliet@example.com: Juliet")
        ui.press(.control("u"))
        ui.type("Juliet Capulet")
        ui.press(.key(.enter))
        let rename = try #require(ui.harness.takeWrittenElements().first)
        #expect(rename.child("query")?.child("item")?[attribute: "name"] == "Juliet Capulet")
        #expect(ui.controller.focus == .roster, "answering a question goes back to the roster")
        ui.press(.character("d"))
        ui.type("y")
        ui.press(.key(.enter))
        #expect(
            ui.harness.takeWrittenElements().first?.child("query")?.child("item")?[attribute: "subscription"]
                == "remove")
        ui.press(.character("a"))
        ui.type("benvolio@example.net")
        ui.press(.key(.enter))
        ui.type("Benvolio")
        ui.press(.key(.enter))
        let added = ui.harness.takeWrittenElements()
        #expect(added.contains { $0.child("query")?.child("item")?[attribute: "jid"] == "benvolio@example.net" })
        #expect(added.contains { $0.matches("<presence to='benvolio@example.net' type='subscribe'/>") })
        ui.press(.key(.home))
        ui.press(.character("s"))
        ui.press(.character("a"))
        #expect(
            ui.harness.takeWrittenElements().first?.matches("<presence to='tybalt@example.com' type='subscribed'/>")
                == true)
        ui.press(.character("/"))
        ui.type("rom")
        ui.press(.key(.enter))
        #expect(ui.controller.selectedContact?.address == "romeo@example.net")
        ui.press(.key(.enter))
        #expect(ui.model.currentWindow.jid?.description == "romeo@example.net")
        #expect(ui.controller.focus == .input)
    }

    @Test func aFilterShowsInThePaneAndEscClearsIt() throws {
        let ui = try fixture()
        ui.press(.key(.function(2)))
        ui.press(.character("/"))
        ui.type("zzz")
        ui.press(.key(.enter))
        #expect(ui.row(1).hasPrefix("filter: zzz (Esc clears)"))
        #expect(ui.row(2).hasPrefix("no contact matches"), "an empty pane says why")
        ui.press(.key(.escape))
        #expect(ui.controller.focus == .roster)
        #expect(!ui.render().contains("filter:"))
        #expect(ui.row(1).hasPrefix("Requests"), "every contact is back")
        ui.press(.character("/"))
        ui.type("jul")
        ui.press(.key(.enter))
        #expect(ui.row(1).hasPrefix("filter: jul"))
        #expect(ui.controller.selectedContact?.address == "juliet@example.com")
        ui.press(.key(.escape))
        ui.press(.key(.escape))
        #expect(ui.controller.focus == .input, "the second Esc leaves the roster")
        ui.press(.key(.function(2)))
        ui.press(.character("/"))
        ui.type("rom")
        ui.press(.key(.escape))
        #expect(!ui.render().contains("filter:"), "Esc at the filter question clears the filter too")
    }
}
