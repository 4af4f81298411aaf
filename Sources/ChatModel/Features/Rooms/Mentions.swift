/// Whether a message mentions a nick or a keyword: as a whole word, case-insensitively, never
/// inside another word ("tom" is mentioned in "tom: hi" and "@tom", not in "tomato" or "atom").
public enum Mentions {
    public static func mention(_ word: String, in text: String) -> Bool {
        let needle = Array(word.lowercased().unicodeScalars)
        guard !needle.isEmpty else { return false }
        let haystack = Array(text.lowercased().unicodeScalars)
        guard haystack.count >= needle.count else { return false }
        var start = 0
        while start + needle.count <= haystack.count {
            if haystack[start] == needle[0], Array(haystack[start..<start + needle.count]) == needle {
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
