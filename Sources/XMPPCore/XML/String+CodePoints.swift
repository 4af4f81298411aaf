extension String {
    /// This text without the Unicode code points at the offsets in `ranges`: XEP-0426 counts
    /// characters in message bodies as code points (what XEP-0428 fallback ranges and others
    /// name).
    public func removingCodePoints(in ranges: [Range<Int>]) -> String {
        var kept = String.UnicodeScalarView()
        for (offset, scalar) in unicodeScalars.enumerated() where !ranges.contains(where: { $0.contains(offset) }) {
            kept.append(scalar)
        }
        return String(kept)
    }
}
