import Testing

@testable import SafeText

/// Addresses shown so that a look-alike of another one can be told apart: the ASCII form of an
/// internationalised domain, mixed scripts and invisible joiners pointed out, controls removed.
@Suite struct AddressTests {
    @Test func punycodeMatchesMoreOfRFC3492sSamples() {
        // §7.1 (B) Chinese (simplified), (I) Russian, and (S), which is all ASCII.
        #expect(
            TerminalSafe.punycode("\u{4ED6}\u{4EEC}\u{4E3A}\u{4EC0}\u{4E48}\u{4E0D}\u{8BF4}\u{4E2D}\u{6587}")
                == "ihqwcrb4cv8a8dqg056pqjye")
        #expect(TerminalSafe.punycode("почемужеонинеговорятпорусски") == "b1abfaaepdrnnbgefbadotcwatmq2g4l")
        #expect(TerminalSafe.punycode("-> $1.00 <-") == "-> $1.00 <--")
    }

    @Test func aDomainInOneOtherScriptShowsItsASCIIFormOnly() {
        #expect(TerminalSafe.address("иван@пример.рф") == "иван@пример.рф (иван@xn--e1afmkfd.xn--p1ai)")
        #expect(TerminalSafe.address("ελληνικά.example") == "ελληνικά.example (xn--hxargifdar.example)")
        #expect(TerminalSafe.address("alice@xn--bcher-kva.example") == "alice@xn--bcher-kva.example", "already ASCII")
    }

    @Test func scriptsAreMixedOnlyWithinOneLabel() {
        #expect(TerminalSafe.address("\u{03B1}lice@example.org") == "\u{03B1}lice@example.org (mixed scripts)")
        #expect(TerminalSafe.address("ex\u{0430}mple.org") == "ex\u{0430}mple.org (xn--exmple-4nf.org, mixed scripts)")
        #expect(TerminalSafe.address("иван_2024@example.org") == "иван_2024@example.org", "digits are no script")
        // A Cyrillic user at a Latin domain is two labels, each in one script.
        #expect(TerminalSafe.address("иван@example.org") == "иван@example.org")
    }

    @Test func anInvisibleJoinerInALatinNameIsPointedOut() {
        // "ali\u{200D}ce" draws exactly like "alice": the sanitiser keeps a joiner between letters, which
        // Persian and Indic names need, but no Latin, Greek or Cyrillic name does.
        #expect(TerminalSafe.address("ali\u{200D}ce@example.org") == "ali\u{200D}ce@example.org (invisible joiner)")
        #expect(
            TerminalSafe.address("bo\u{200C}b@ex\u{0430}mple.org")
                == "bo\u{200C}b@ex\u{0430}mple.org (bo\u{200C}b@xn--exmple-4nf.org, mixed scripts, invisible joiner)")
        #expect(TerminalSafe.address("خانه\u{200C}ها@example.org") == "خانه\u{200C}ها@example.org")
    }

    @Test func controlsInAnAddressAreNeutralised() {
        #expect(TerminalSafe.address("evil\u{1B}[2J@example.org") == "evil␛[2J@example.org")
        #expect(TerminalSafe.address("alice@example.org/\u{202E}enohp") == "alice@example.org/\u{FFFD}enohp")
        #expect(TerminalSafe.address("") == "")
    }

    @Test func theResourceIsNeitherConvertedNorChecked() {
        #expect(TerminalSafe.address("alice@example.org/ноутбук") == "alice@example.org/ноутбук")
        #expect(TerminalSafe.address("alice@example.org/l\u{0430}ptop") == "alice@example.org/l\u{0430}ptop")
    }
}
