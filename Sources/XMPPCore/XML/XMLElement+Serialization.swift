extension XMLElement {
    /// The element as XML text. A namespace is declared where it differs from `parentNamespace`.
    public func serialized(parentNamespace: String? = nil) -> String {
        var output = ""
        serialize(into: &output, parentNamespace: parentNamespace)
        return output
    }

    public func serialize(into output: inout String, parentNamespace: String?) {
        output += "<"
        output += name
        let effectiveNamespace = namespace ?? parentNamespace
        if let namespace, namespace != parentNamespace {
            output += " xmlns='"
            XMLEscaping.appendAttributeValue(namespace, to: &output)
            output += "'"
        }
        for attribute in attributes {
            output += " "
            output += attribute.name
            output += "='"
            XMLEscaping.appendAttributeValue(attribute.value, to: &output)
            output += "'"
        }
        if children.isEmpty {
            output += "/>"
            return
        }
        output += ">"
        for child in children {
            switch child {
            case .element(let element): element.serialize(into: &output, parentNamespace: effectiveNamespace)
            case .text(let text): XMLEscaping.appendText(text, to: &output)
            }
        }
        output += "</"
        output += name
        output += ">"
    }
}

/// Escaping for XML 1.0 text and single-quoted attribute values.
///
/// Characters that XML 1.0 does not allow at all (most C0 controls, U+FFFE, U+FFFF) are dropped:
/// sending one would make the server close the stream with `not-well-formed`. Whitespace that a
/// parser would change (a carriage return anywhere, a tab or line feed in an attribute: XML 1.0
/// §2.11, §3.3.3) is written as a character reference, so that it arrives as it was.
public enum XMLEscaping {
    public static func appendText(_ text: String, to output: inout String) {
        if !needsWork(text, attribute: false) {
            output += text
            return
        }
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": output += "&amp;"
            case "<": output += "&lt;"
            case ">": output += "&gt;"
            case "\r": output += "&#13;"
            default: if isAllowed(scalar) { output.unicodeScalars.append(scalar) }
            }
        }
    }

    public static func appendAttributeValue(_ value: String, to output: inout String) {
        if !needsWork(value, attribute: true) {
            output += value
            return
        }
        for scalar in value.unicodeScalars {
            switch scalar {
            case "&": output += "&amp;"
            case "<": output += "&lt;"
            case ">": output += "&gt;"
            case "'": output += "&apos;"
            case "\"": output += "&quot;"
            case "\t": output += "&#9;"
            case "\n": output += "&#10;"
            case "\r": output += "&#13;"
            default: if isAllowed(scalar) { output.unicodeScalars.append(scalar) }
            }
        }
    }

    public static func escapedText(_ text: String) -> String {
        var output = ""
        appendText(text, to: &output)
        return output
    }

    /// Whether XML 1.0 allows the character anywhere in a document.
    public static func isAllowed(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x9, 0xA, 0xD: true
        case 0x20...0xD7FF, 0xE000...0xFFFD, 0x10000...0x10FFFF: true
        default: false
        }
    }

    private static func needsWork(_ string: String, attribute: Bool) -> Bool {
        for byte in string.utf8 {
            switch byte {
            case UInt8(ascii: "&"), UInt8(ascii: "<"), UInt8(ascii: ">"): return true
            case UInt8(ascii: "'"), UInt8(ascii: "\""), 0x9, 0xA: if attribute { return true }
            case 0..<0x20: return true
            case 0xEF: return true  // U+FFFE and U+FFFF start with 0xEF; check those scalars slowly.
            default: continue
            }
        }
        return false
    }
}
