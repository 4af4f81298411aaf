/// A certificate's SHA-256 fingerprint as users write it in a pin (`pin_sha256`) and as the TLS
/// layer compares it.
public enum CertificateFingerprint {
    /// A fingerprint in the canonical form `AB:CD:...`, or nil if it is not 32 hex bytes.
    public static func normalized(_ text: String) -> String? {
        let hex = text.uppercased().filter { $0.isHexDigit }
        guard hex.count == 64, text.allSatisfy({ $0.isHexDigit || $0 == ":" || $0 == " " }) else { return nil }
        var pairs: [String] = []
        var index = hex.startIndex
        while index < hex.endIndex {
            let next = hex.index(index, offsetBy: 2)
            pairs.append(String(hex[index..<next]))
            index = next
        }
        return pairs.joined(separator: ":")
    }
}
