/// Whether a message mentions a nick or a keyword: as a whole word, case-insensitively, never
/// inside another word ("tom" is mentioned in "tom: hi" and "@tom", not in "tomato" or "atom").
public enum Mentions {
    /// Whether `text` mentions any of `words` (the text is folded once, whatever the number of
    /// words; empty words mention nothing).
    public static func mention(_ words: [String], in text: String) -> Bool {
        let needles = words.map { Array($0.lowercased().unicodeScalars) }.filter { !$0.isEmpty }
        guard !needles.isEmpty else { return false }
        let haystack = Array(text.lowercased().unicodeScalars)
        return needles.contains { contains($0, asWordIn: haystack) }
    }

    private static func contains(_ needle: [Unicode.Scalar], asWordIn haystack: [Unicode.Scalar]) -> Bool {
        guard haystack.count >= needle.count else { return false }
        var start = 0
        while start + needle.count <= haystack.count {
            if haystack[start] == needle[0], haystack[start..<start + needle.count].elementsEqual(needle) {
                let before = start == 0 || !isWordCharacter(haystack[start - 1])
                let end = start + needle.count
                let after = end == haystack.count || !isWordCharacter(haystack[end])
                if before && after { return true }
            }
            start += 1
        }
        return false
    }

    /// Letters, digits, marks and the joiners people use inside nicks.
    static func isWordCharacter(_ scalar: Unicode.Scalar) -> Bool {
        scalar == "_" || scalar.properties.isAlphabetic || scalar.properties.numericType != nil
            || scalar.properties.generalCategory == .nonspacingMark
    }
}
