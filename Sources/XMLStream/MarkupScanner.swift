import Glibc

/// A pass over the raw bytes ahead of libxml2 that keeps each start tag to `limit` attributes
/// (namespace declarations included). libxml2 2.9 checks a new attribute against every earlier
/// one of its element before any callback runs, so a tag with 100,000 attributes (a 1 MB stanza)
/// would hold the event loop for seconds. Attributes past the limit are blanked out with spaces,
/// which keeps the XML well-formed and every byte offset as it was; the tree builder then discards
/// the stanza, whose element has reached the limit, and the stream (and an archive that stored the
/// stanza) stays usable.
///
/// It knows just enough XML to stay in step: start and end tags, quoted attribute values (which
/// may hold `=`, `<` and `>`), CDATA sections, and other `<!…>` / `<?…?>` markup, which the parser
/// refuses anyway.
struct MarkupScanner {
    enum State: Equatable {
        case text
        /// Just after `<`.
        case tagOpen
        /// Inside a start tag, outside quotes, with this many complete attributes.
        case startTag(Int)
        case quoted(UInt8, Int)
        /// An attribute past the limit, blanked up to the end of the tag.
        case excess
        case excessQuoted(UInt8)
        /// An end tag or other markup, up to `>`.
        case markup
        /// How many bytes of `![CDATA[` have been seen after `<`.
        case cdataOpening(Int)
        /// Inside a CDATA section; how many bytes of `]]>` have been seen.
        case cdata(Int)
    }

    let limit: Int
    private(set) var state = State.text

    init(limit: Int) { self.limit = limit }

    private static let cdataOpening = Array("![CDATA[".utf8)
    private static let cdataClosing = Array("]]>".utf8)
    private static let space = UInt8(ascii: " ")

    /// Scans `bytes`. When some must be blanked, `buffer` receives the changed copy and the result
    /// is true; otherwise `bytes` can be used as they are.
    ///
    /// Text, quoted values, CDATA and other markup are skipped with `memchr`, and the names inside
    /// a start tag under the limit with a tight loop: only the bytes that can change the state go
    /// through `step`.
    mutating func limit(_ bytes: UnsafeRawBufferPointer, copyingInto buffer: inout [UInt8]) -> Bool {
        guard let base = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return false }
        let count = bytes.count
        var copied = false
        var index = 0
        /// The index just past the next `byte` at or after `index`, or nil.
        func after(_ byte: UInt8) -> Int? {
            guard let found = memchr(base + index, Int32(byte), count - index) else { return nil }
            return base.distance(to: found.assumingMemoryBound(to: UInt8.self)) + 1
        }
        while index < count {
            switch state {
            case .text:
                guard let next = after(UInt8(ascii: "<")) else { return copied }
                index = next
                state = .tagOpen
                continue
            case .quoted(let quote, let complete):
                guard let next = after(quote) else { return copied }
                index = next
                state = .startTag(complete + 1)
                continue
            case .markup:
                guard let next = after(UInt8(ascii: ">")) else { return copied }
                index = next
                state = .text
                continue
            case .cdata(0):
                guard let next = after(UInt8(ascii: "]")) else { return copied }
                index = next
                state = .cdata(1)
                continue
            case .startTag(let complete) where complete < limit:
                while index < count {
                    let byte = base[index]
                    if byte == UInt8(ascii: ">") || byte == UInt8(ascii: "'") || byte == UInt8(ascii: "\"") { break }
                    index += 1
                }
                guard index < count else { return copied }
            default:
                break
            }
            if !step(base[index]) {
                if !copied {
                    buffer.removeAll(keepingCapacity: true)
                    buffer.append(contentsOf: bytes)
                    copied = true
                }
                buffer[index] = Self.space
            }
            index += 1
        }
        return copied
    }

    /// Advances over one byte; false when the byte belongs to an attribute past the limit.
    private mutating func step(_ byte: UInt8) -> Bool {
        switch state {
        case .text:
            if byte == UInt8(ascii: "<") { state = .tagOpen }
        case .tagOpen:
            switch byte {
            case UInt8(ascii: "!"): state = .cdataOpening(1)
            case UInt8(ascii: "/"), UInt8(ascii: "?"): state = .markup
            default: state = .startTag(0)
            }
        case .startTag(let complete):
            switch byte {
            case UInt8(ascii: ">"): state = .text
            case UInt8(ascii: "/"), 0x20, 0x09, 0x0A, 0x0D: break
            default:
                if complete >= limit {
                    state = byte == UInt8(ascii: "'") || byte == UInt8(ascii: "\"") ? .excessQuoted(byte) : .excess
                    return false
                }
                if byte == UInt8(ascii: "'") || byte == UInt8(ascii: "\"") { state = .quoted(byte, complete) }
            }
        case .quoted(let quote, let complete):
            if byte == quote { state = .startTag(complete + 1) }
        case .excess:
            switch byte {
            case UInt8(ascii: ">"):
                state = .text
                return true
            case UInt8(ascii: "/"):
                state = .startTag(limit)
                return true
            case UInt8(ascii: "'"), UInt8(ascii: "\""): state = .excessQuoted(byte)
            case 0x20, 0x09, 0x0A, 0x0D: state = .startTag(limit)
            default: break
            }
            return false
        case .excessQuoted(let quote):
            if byte == quote { state = .excess }
            return false
        case .markup:
            if byte == UInt8(ascii: ">") { state = .text }
        case .cdataOpening(let matched):
            if byte == Self.cdataOpening[matched] {
                state = matched + 1 == Self.cdataOpening.count ? .cdata(0) : .cdataOpening(matched + 1)
            } else {
                state = byte == UInt8(ascii: ">") ? .text : .markup
            }
        case .cdata(let matched):
            if byte == Self.cdataClosing[matched] {
                state = matched + 1 == Self.cdataClosing.count ? .text : .cdata(matched + 1)
            } else {
                state = .cdata(byte == Self.cdataClosing[0] ? 1 : 0)
            }
        }
        return true
    }

    mutating func reset() {
        state = .text
    }
}
