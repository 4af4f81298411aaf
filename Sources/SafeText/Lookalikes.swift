/// Shows an address so that a look-alike of another one can be told apart from it: a domain with
/// characters beyond ASCII is followed by its ASCII form (IDNA's `xn--`, RFC 3492), a part that
/// mixes Latin, Greek and Cyrillic letters ("pаypal" with a Cyrillic а) is marked, and so is a
/// zero-width joiner beside one of their letters ("ali" U+200D "ce"), where no name needs one.
extension TerminalSafe {
    /// `text` (a JID) made safe to show, with what makes it a possible look-alike spelled out.
    public static func address(_ text: String) -> String {
        let safe = sanitize(text)
        let withoutResource = safe.split(separator: "/", maxSplits: 1).first.map(String.init) ?? safe
        let parts = withoutResource.split(separator: "@", maxSplits: 1, omittingEmptySubsequences: false)
        let local = parts.count == 2 ? String(parts[0]) : nil
        let domain = String(parts.last ?? "")
        var notes: [String] = []
        if domain.unicodeScalars.contains(where: { !$0.isASCII }) {
            let ascii = domain.split(separator: ".", omittingEmptySubsequences: false).map { label in
                label.unicodeScalars.allSatisfy(\.isASCII) ? String(label) : "xn--" + punycode(String(label))
            }.joined(separator: ".")
            notes.append((local.map { $0 + "@" } ?? "") + ascii)
        }
        let labels = (local.map { [$0] } ?? []) + domain.split(separator: ".").map(String.init)
        if labels.contains(where: mixesScripts) { notes.append("mixed scripts") }
        if labels.contains(where: hidesJoiner) { notes.append("invisible joiner") }
        return notes.isEmpty ? safe : safe + " (" + notes.joined(separator: ", ") + ")"
    }

    /// Whether `text` has letters of more than one of the scripts whose letters look alike.
    static func mixesScripts(_ text: String) -> Bool {
        Set(text.unicodeScalars.compactMap(lookalikeScript)).count > 1
    }

    /// Whether a zero-width joiner or non-joiner in `text` stands beside ASCII or a Latin, Greek or
    /// Cyrillic letter: the sanitiser keeps joiners between letters (Persian and Indic names need
    /// them), but in these scripts one draws nothing and makes the name look like another.
    static func hidesJoiner(_ text: String) -> Bool {
        let scalars = Array(text.unicodeScalars)
        return scalars.indices.contains { index in
            guard scalars[index] == "\u{200C}" || scalars[index] == "\u{200D}" else { return false }
            return [index - 1, index + 1].contains {
                scalars.indices.contains($0) && (scalars[$0].isASCII || lookalikeScript(scalars[$0]) != nil)
            }
        }
    }

    /// Which of the scripts whose letters look alike a scalar is a letter of: 0 Latin, 1 Greek,
    /// 2 Cyrillic.
    private static func lookalikeScript(_ scalar: Unicode.Scalar) -> Int? {
        switch scalar.value {
        case 0x41...0x5A, 0x61...0x7A, 0xC0...0x24F: 0
        case 0x370...0x3FF, 0x1F00...0x1FFF: 1
        case 0x400...0x52F: 2
        default: nil
        }
    }

    /// RFC 3492 §6.3: the Punycode of one label (without the `xn--` prefix).
    static func punycode(_ label: String) -> String {
        let base = 36
        let tMin = 1
        let tMax = 26
        let input = label.unicodeScalars.map { Int($0.value) }
        var output = input.filter { $0 < 0x80 }.map { Character(Unicode.Scalar(UInt8($0))) }
        let basicCount = output.count
        if basicCount > 0 { output.append("-") }
        func digit(_ value: Int) -> Character {
            Character(Unicode.Scalar(UInt8(value < 26 ? value + 97 : value + 22)))
        }
        func adapt(_ delta: Int, _ points: Int, _ first: Bool) -> Int {
            var delta = first ? delta / 700 : delta / 2
            delta += delta / points
            var k = 0
            while delta > ((base - tMin) * tMax) / 2 {
                delta /= base - tMin
                k += base
            }
            return k + (base - tMin + 1) * delta / (delta + 38)
        }
        var n = 128
        var delta = 0
        var bias = 72
        var handled = basicCount
        while handled < input.count {
            let next = input.filter { $0 >= n }.min()!
            delta += (next - n) * (handled + 1)
            n = next
            for code in input {
                if code < n { delta += 1 }
                guard code == n else { continue }
                var q = delta
                var k = base
                while true {
                    let t = k <= bias ? tMin : k >= bias + tMax ? tMax : k - bias
                    if q < t { break }
                    output.append(digit(t + (q - t) % (base - t)))
                    q = (q - t) / (base - t)
                    k += base
                }
                output.append(digit(q))
                bias = adapt(delta, handled + 1, handled == basicCount)
                delta = 0
                handled += 1
            }
            delta += 1
            n += 1
        }
        return String(output)
    }
}
