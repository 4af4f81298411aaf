import TernConfig
import Testing

@testable import TernConfig

/// The checks in front of the TOML parser: toml++ asserts (the process aborts at start) on some
/// inputs instead of reporting them, so these must be refused first with the file and line, and
/// nothing valid may be refused with them.
@Suite struct TOMLDocumentTests {
    let file = "/home/u/.config/tern/config.toml"

    func problem(_ text: String) -> ConfigError? {
        do {
            _ = try TOMLDocument.parse(text, file: file)
            return nil
        } catch {
            return error
        }
    }

    @Test func everyRawControlCharacterIsRefusedWithItsLine() {
        for value in UInt32(0)...0x1F where ![0x09, 0x0A, 0x0D].contains(value) {
            let text = "a = 1\nb = \"x\(Unicode.Scalar(value)!)\"\n"
            let error = problem(text)
            #expect(error?.line == 2, "U+\(value)")
            #expect(error?.message.contains("control character U+00") == true, "U+\(value)")
        }
        #expect(problem("a = 1\n\n# \u{7F}\n")?.message.contains("U+007F") == true)
        #expect(problem("a = 1\n\n# \u{7F}\n")?.line == 3)
        #expect(problem("a = \"tab\tand CRLF\"\r\nb = 2\r\n") == nil)
    }

    @Test func aHeaderNameMustStartLikeAKey() {
        for header in ["[:", "[[:", "[ :", "[\t:", "[", "[\n", "[=x]", "[.a]"] {
            let error = problem("a = 1\n" + header + "\n")
            #expect(error?.line == 2, "\(header)")
            #expect(error?.message.contains("a table name starts with") == true, "\(header)")
        }
        for header in ["[a]", "[[a]]", "[ a ]", "[\"q.x\"]", "['lit']", "[-a]", "[_a]", "[9]"] {
            #expect(problem("z = 1\n" + header + "\n") == nil, "\(header)")
        }
    }

    @Test func textThatLooksLikeAHeaderInsideAValueIsLeftToTheParser() {
        #expect(problem("s = \"\"\"\n[:\n\"\"\"\n") == nil, "a line of a multi-line string")
        #expect(problem("s = '''\n[\n'''\n") == nil, "a line of a multi-line literal string")
        #expect(problem("a = [\n  [1, 2],\n  [\"x\"],\n]\n[t]\n") == nil, "nested arrays over lines")
        #expect(problem("a = [ # [\n  1,\n]\n") == nil, "a bracket in a comment")
        #expect(problem("a = [\n  [:\n]\n")?.message.contains("table name") != true, "an array's own error")
    }

    /// Found by reading the old check: it counted brackets and `"""` wherever they stood on a line,
    /// so one inside a string or a comment made it skip the next header, and toml++ aborted on it.
    @Test func bracketsAndDelimitersInsideStringsOrCommentsCountForNothing() {
        let traps = [
            "k = [\"[\"]\n[:\n", "c = \"[ # ]\"\n[:\n", "x = '''a\"\"\"b'''\n[:\n", "# see \"\"\"\n[:\n",
            "l = '['\n[:\n", "e = \"\\\"[\"\n[:\n", "m = \"\"\"\n\\\"\"\"[\n\"\"\"\n[:\n",
        ]
        for text in traps {
            let error = problem(text)
            #expect(error?.message.contains("a table name starts with") == true, "\(text)")
            #expect(error?.line == text.split(separator: "\n").count, "\(text)")
        }
    }

    @Test func aLineContinuationInAMultiLineStringKeepsTheLineCount() {
        let error = problem("s = \"\"\"one \\\ntwo\"\"\"\n[:\n")
        #expect(error?.line == 3)
    }

    @Test func parserErrorsCarryTheirLine() {
        let duplicate = problem("a = 1\nb = 2\na = 3\n")
        #expect(duplicate?.line == 3)
        #expect(duplicate?.message.hasPrefix("invalid TOML: ") == true)
        #expect(problem("a = \n")?.line == 1)
        #expect(problem("[t]\nx = 1\n[t]\n")?.line == 3, "a table defined twice")
    }
}
