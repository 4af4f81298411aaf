import XMPPCore

/// XEP-0384 §SCE Profile: OMEMO 2's envelope MUST carry `<rpad/>`, MAY carry `<time/>`, SHOULD carry
/// `<from/>`, and MUST carry `<to/>` when sent through a group chat. XEP-0420 §Affix Elements has the
/// receiver check `from` and `to` against the stanza and `time` against the stanza's sending time.
extension SCEEnvelope {
    /// The smallest content-plus-padding length `omemoPadding` pads to (XEP-0420: "padded to a fixed
    /// minimum size").
    public static let minimumPaddedLength = 200
    /// The most padding added on top (XEP-0420: "between 0 and 200 characters").
    public static let maximumExtraPadding = 200
    /// How far an envelope's time may be from the stanza's (10 minutes): beyond, `checkTime` refuses it.
    public static let timeMargin: Int64 = 10 * 60 * 1000

    /// An OMEMO 2 envelope of `content` from our bare JID, with `to` for a group chat (the room's
    /// bare JID), the time, and padding from `random`.
    public static func omemo(
        content: [XMLElement], from: JID, to: JID? = nil, time: Int64?, random: inout some RandomNumberGenerator
    ) -> SCEEnvelope {
        let contentLength = content.reduce(0) { $0 + $1.serialized().utf8.count }
        return SCEEnvelope(
            content: content, padding: padding(contentLength: contentLength, random: &random), time: time,
            to: to?.bare, from: from.bare)
    }

    /// Padding that brings `contentLength` up to `minimumPaddedLength`, then 0 to
    /// `maximumExtraPadding` characters more, from an alphabet that needs no XML escaping.
    public static func padding(contentLength: Int, random: inout some RandomNumberGenerator) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
        let length =
            max(0, minimumPaddedLength - contentLength) + Int.random(in: 0...maximumExtraPadding, using: &random)
        return String((0..<length).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &random)] })
    }

    /// Checks XEP-0384's profile on a received envelope: `rpad` present; `from`, when present, the
    /// sender's bare JID (in a room, the occupant's real JID); `to` present in a group chat and, when
    /// present, the stanza's recipient's bare JID.
    public func checkOMEMOProfile(sender: JID, recipient: JID, isGroupChat: Bool) throws(SCEError) {
        guard padding != nil else { throw .missing("rpad") }
        if let from, from.bare != sender.bare { throw .mismatch("from") }
        if isGroupChat && to == nil { throw .missing("to") }
        if let to, to.bare != recipient.bare { throw .mismatch("to") }
    }

    /// Checks `time`, when present, against the stanza's sending time (its delay stamp, or when it
    /// arrived): at most `margin` apart.
    public func checkTime(sentAt: Int64, margin: Int64 = timeMargin) throws(SCEError) {
        if let time, abs(time - sentAt) > margin { throw .mismatch("time") }
    }
}
