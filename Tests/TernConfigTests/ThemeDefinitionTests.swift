import Foundation
import TernConfig
import Testing

/// Theme files: styles as "bold yellow on #202020" per UI element. A mistake is reported with
/// the file and line and leaves the rest of the theme applied.
@Suite struct ThemeDefinitionTests {
    func style(_ text: String) throws(ThemeProblem) -> StyleSpec { try StyleSpec(parsing: text) }

    func problem(_ text: String) -> String? {
        do {
            _ = try style(text)
            return nil
        } catch {
            return error.message
        }
    }

    @Test func attributesColoursAndBackgrounds() throws {
        let spec = try style("bold underline reverse dim yellow on #20a0FF")
        #expect(spec.bold && spec.underline && spec.reverse && spec.dim)
        #expect(spec.foreground == .indexed(3))
        #expect(spec.background == .rgb(red: 0x20, green: 0xA0, blue: 0xFF))
        #expect(
            try style("on blue")
                == {
                    var s = StyleSpec()
                    s.background = .indexed(4)
                    return s
                }())
        #expect(try style("Bold RED").foreground == .indexed(1), "case does not matter")
        #expect(try style("normal") == StyleSpec())
        #expect(try style("none") == StyleSpec())
        #expect(try style("") == StyleSpec())
        #expect(
            try style("default on default")
                == {
                    var s = StyleSpec()
                    s.foreground = .default
                    s.background = .default
                    return s
                }())
    }

    @Test func colourNamesNumbersAndSpellings() throws {
        let names: [(String, Int)] = [
            ("black", 0), ("white", 7), ("grey", 8), ("gray", 8), ("bright-red", 9), ("bright_green", 10),
            ("brightwhite", 15), ("0", 0), ("255", 255),
        ]
        for (word, index) in names {
            #expect(try style(word).foreground == .indexed(index), "\(word)")
        }
        #expect(try style("#000000").foreground == .rgb(red: 0, green: 0, blue: 0))
    }

    @Test func everyMistakeIsNamed() {
        #expect(problem("256") == "colour 256 is not in 0-255")
        #expect(problem("-1") == "colour -1 is not in 0-255")
        #expect(problem("purple") == "unknown colour or attribute \"purple\"")
        #expect(problem("#fff") == "unknown colour or attribute \"#fff\"", "only six digits")
        #expect(problem("#12345g") == "unknown colour or attribute \"#12345g\"")
        #expect(problem("red green") == "two foreground colours (write \"FG on BG\" for a background)")
        #expect(problem("red on") == "\"on\" without a background colour")
        #expect(problem("italic") == "unknown colour or attribute \"italic\"")
    }

    /// Found by reading the parser: `Int(_:radix:)` takes a sign, so "#-12345" and "#+fffff" were
    /// taken for colours (a negative number's bits) instead of reported.
    @Test func aSignedHexNumberIsNoColour() {
        #expect(problem("#-12345") == "unknown colour or attribute \"#-12345\"")
        #expect(problem("#+fffff") == "unknown colour or attribute \"#+fffff\"")
    }

    @Test func aThemeFileWithMistakesStillAppliesTheRest() {
        let text = """
            description = "mine"
            "chat.me" = "bold red"
            chat.them = "cyan"
            [roster]
            online = "green"      # fine
            offline = "purple"
            nothing = "red"
            [statusbar]
            bar = 7
            """
        let (theme, problems) = ThemeDefinition.parse(text, name: "mine", file: "/t/mine.toml")
        #expect(theme.name == "mine" && theme.file == "/t/mine.toml")
        #expect(
            problems.map(\.description).sorted() == [
                "/t/mine.toml:6: roster.offline: unknown colour or attribute \"purple\"",
                "/t/mine.toml:7: roster.nothing: unknown element",
                "/t/mine.toml:9: statusbar.bar: expected a style string",
            ])
        #expect(Set(theme.styles.keys) == ["chat.me", "chat.them", "roster.online"])
        #expect(theme.styles["chat.them"]?.foreground == .indexed(6))
    }

    @Test func aThemeThatIsNotTOMLAppliesNothingAndSaysWhere() {
        let (theme, problems) = ThemeDefinition.parse("\"chat.me\" = \"red\"\n[\n", name: "x", file: "/t/x.toml")
        #expect(theme.styles.isEmpty)
        #expect(problems.count == 1)
        #expect(problems.first?.line == 2)
        #expect(problems.first?.description.hasPrefix("/t/x.toml:2: invalid TOML") == true)
    }

    @Test func theShippedThemesStyleOnlyKnownElements() throws {
        let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(
            "../../Themes")
        let files = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".toml") }
        #expect(files.count >= 3)
        for file in files {
            let text = try String(contentsOf: directory.appendingPathComponent(file), encoding: .utf8)
            let (theme, problems) = ThemeDefinition.parse(text, name: file, file: file)
            #expect(problems.isEmpty, "\(file): \(problems)")
            #expect(Set(theme.styles.keys).isSubset(of: ThemeDefinition.elements))
        }
    }
}
