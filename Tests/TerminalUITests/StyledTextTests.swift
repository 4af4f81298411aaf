import Testing

@testable import TerminalUI

/// XEP-0393 message styling, with every example of the XEP (§5 business rules, §6 disabling
/// styling), and URL detection.
@Suite struct StyledTextTests {
    typealias A = StyledText.Attributes

    /// The styled parts of `text` with their attributes, in order.
    func styled(_ text: String) -> [String] {
        StyledText(text).runs.map { run in
            let names = [
                (A.strong, "strong"), (.emphasis, "emphasis"), (.strike, "strike"), (.code, "code"),
                (.quote, "quote"), (.url, "url"),
            ]
            return String(text[run.range]) + " = "
                + names.filter { run.attributes.contains($0.0) }.map(\.1).joined(separator: "+")
        }
    }

    /// §5.1.1: spans may not escape blocks (lines).
    @Test func plainBlocks() {
        #expect(
            styled(
                "There are three blocks in this body, one per line,\nbut there is no *formatting\n"
                    + "as spans* may not escape blocks."
            ).isEmpty)
    }

    /// §5.1.2: a preformatted block from "```" to "```", its first line's text ignored.
    @Test func preformattedBlock() {
        #expect(
            styled(
                "```ignored\n(println \"Hello, world!\")\n```\n\nThis should show up as monospace, preformatted text ⤴"
            ) == ["```ignored = code", "(println \"Hello, world!\") = code", "``` = code"])
        // Nothing styled inside, and a line that is only "```" ends it.
        #expect(
            styled("```\n*not strong*\n```\n*strong*") == [
                "``` = code", "*not strong* = code", "``` = code", "*strong* = strong",
            ])
    }

    /// §5.1.2: with no closing line, the block ends with its parent, here the quotation.
    @Test func preformattedBlockEndsWithItsParent() {
        #expect(
            styled(
                "> ```\n> (println \"Hello, world!\")\n\nThe entire blockquote is a preformatted text block, but this "
                    + "line\nis plaintext!"
            ) == [">  = quote", "``` = code+quote", ">  = quote", "(println \"Hello, world!\") = code+quote"])
    }

    /// §5.1.3: quotations, and nested ones; one leading whitespace character is trimmed before
    /// parsing the quoted lines, so styling inside them works as anywhere else.
    @Test func quotations() {
        #expect(styled("> That that is, is.\n\nSaid the old hermit of Prague.") == ["> That that is, is. = quote"])
        #expect(
            styled(">> That that is, is.\n> Said the old hermit of Prague.\n\nWho?") == [
                ">> That that is, is. = quote", "> Said the old hermit of Prague. = quote",
            ])
        #expect(styled(">*quoted* text") == ["> = quote", "*quoted* = strong+quote", " text = quote"])
        #expect(styled(">  *still strong*") == [">   = quote", "*still strong* = strong+quote"])
        #expect(styled("> >> deep _ly_") == ["> >> deep  = quote", "_ly_ = emphasis+quote"])
    }

    /// §5.2: the XEP's list of styled lines.
    @Test func spansThatAreStyled() {
        #expect(styled("plain span").isEmpty)
        #expect(styled("*strong span*") == ["*strong span* = strong"])
        #expect(styled("plain _emphasis_ plain") == ["_emphasis_ = emphasis"])
        #expect(styled("`pre` plain *strong*") == ["`pre` = code", "*strong* = strong"])
        #expect(styled("*strong*plain*") == ["*strong* = strong"])
        #expect(styled("* plain *strong*") == ["*strong* = strong"])
    }

    /// §5.2: the XEP's list of lines with nothing styled.
    @Test(arguments: ["not strong*", "*not strong", "*not \n strong*", "*not *strong", "**", "***", "****"])
    func spansThatAreNot(_ text: String) {
        #expect(styled(text).isEmpty)
    }

    /// §5.2.1 - §5.2.5: the examples of each span.
    @Test func eachKindOfSpan() {
        #expect(styled("Two spans, both *alike in dignity*") == ["*alike in dignity* = strong"])
        #expect(
            styled("The full title is _Twelfth Night, or What You Will_ but\n_most_ people shorten it.") == [
                "_Twelfth Night, or What You Will_ = emphasis", "_most_ = emphasis",
            ])
        #expect(
            styled("The full title is \"Twelfth Night, or What You Will\" but\n*most* people shorten it.") == [
                "*most* = strong"
            ])
        #expect(styled("Everyone ~dis~likes cake.") == ["~dis~ = strike"])
        #expect(styled("Wow, I can write in `monospace`!") == ["`monospace` = code"])
    }

    /// §5.2.5: nothing is styled inside a preformatted span, but it may be inside another span.
    @Test func preformattedSpans() {
        #expect(styled("This is `monospace`") == ["`monospace` = code"])
        #expect(styled("This is `*monospace*`") == ["`*monospace*` = code"])
        #expect(
            styled("This is *`monospace and bold`*") == [
                "* = strong", "`monospace and bold` = strong+code", "* = strong",
            ])
    }

    /// Spans inside spans, and an opening directive right after a different one.
    @Test func nestedSpans() {
        #expect(styled("*_both_*") == ["* = strong", "_both_ = strong+emphasis", "* = strong"])
        #expect(styled("_a *b_ c*") == ["_a *b_ = emphasis"])
    }

    /// §6: "> _ <" is a quotation (Tern does not read the `<unstyled/>` hint: the directives stay
    /// on screen, so the text reads the same either way).
    @Test func anEmoticonIsAQuotation() {
        #expect(styled("> _ <") == ["> _ < = quote"])
    }

    /// The runs of a range cut to it: what one wrapped line of a message gets.
    @Test func runsInARange() {
        let text = "plain *strong words* end"
        let styling = StyledText(text)
        let start = text.index(text.startIndex, offsetBy: 9)
        let runs = styling.runs(in: start..<text.endIndex)
        #expect(runs.map { String(text[$0.range]) } == ["rong words*"])
        #expect(runs.first?.attributes == .strong)
    }

    @Test func urls() {
        #expect(
            styled("see https://example.org/a_b_c*d*, and xmpp:romeo@montague.lit?message.") == [
                "https://example.org/a_b_c*d = url", "xmpp:romeo@montague.lit?message = url",
            ])
        // Directive characters in a URL are not directives; a span around one still is.
        #expect(
            styled("_see https://example.org/~user/_ now") == [
                "_see  = emphasis", "https://example.org/~user/ = emphasis+url", "_ = emphasis",
            ])
        #expect(
            styled("(https://en.wikipedia.org/wiki/Foo_(bar))") == ["https://en.wikipedia.org/wiki/Foo_(bar) = url"])
        #expect(
            styled("HTTP://EXAMPLE.ORG/ and aesgcm://upload.example/f#k") == [
                "HTTP://EXAMPLE.ORG/ = url", "aesgcm://upload.example/f#k = url",
            ])
        #expect(styled("nohttps://example.org http:// ftp://example.org xmpp:").isEmpty)
        // Not in a preformatted block.
        #expect(styled("```\nhttps://example.org\n```") == ["``` = code", "https://example.org = code", "``` = code"])
    }
}
