import Foundation

/// SASLprep (RFC 4013), the string preparation SCRAM applies to user names and passwords.
///
/// Maps non-ASCII spaces to U+0020, removes characters "commonly mapped to nothing" (RFC 3454
/// B.1) and applies NFKC. Passwords are never rejected here: a prohibited character the server
/// also cannot accept simply fails authentication with a clear error.
enum SASLprep {
    static func prepare(_ string: String) -> String {
        if string.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) { return string }
        var mapped = String.UnicodeScalarView()
        for scalar in string.unicodeScalars {
            if mappedToNothing(scalar) { continue }
            if scalar.value > 0x7F && scalar.properties.generalCategory == .spaceSeparator {
                mapped.append(" ")
            } else {
                mapped.append(scalar)
            }
        }
        return String(mapped).precomposedStringWithCompatibilityMapping
    }

    private static func mappedToNothing(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00AD, 0x034F, 0x1806, 0x180B...0x180D, 0x200B...0x200D, 0x2060, 0xFE00...0xFE0F, 0xFEFF: true
        default: false
        }
    }
}
