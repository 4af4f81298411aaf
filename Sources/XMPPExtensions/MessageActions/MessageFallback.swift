import XMPPCore

/// XEP-0428: Fallback Indication — which part of a message's body is there only for clients
/// that do not support a given extension, as ranges of Unicode code points (XEP-0426).
///
///     <message to='anna@example.com' id='message-id3' type='chat'>
///       <body>> Anna wrote:\n> We should bake a cake\nGreat idea!</body>
///       <reply to='anna@example.com/laptop' id='message-id1' xmlns='urn:xmpp:reply:0' />
///       <fallback xmlns='urn:xmpp:fallback:0' for='urn:xmpp:reply:0'>
///         <body start="0" end="38" />
///       </fallback>
///     </message>
///
/// A `<fallback/>` without a `<body/>` range marks the whole body.
public enum MessageFallback {
    /// The code point ranges of `message`'s body that are fallback for `namespace`: nil when
    /// there is no such indication, the whole body when it gives no range. A range out of the
    /// body's bounds, or backwards, makes the indication unusable (nil).
    public static func bodyRanges(in message: XMLElement, for namespace: String) -> [Range<Int>]? {
        guard
            let fallback = message.children("fallback", namespace: Namespace.fallback).first(where: {
                $0[attribute: "for"] == namespace
            })
        else { return nil }
        let length = message.child("body")?.text.unicodeScalars.count ?? 0
        let ranges = fallback.children("body", namespace: Namespace.fallback)
        guard !ranges.isEmpty else { return [0..<length] }
        var result: [Range<Int>] = []
        for range in ranges {
            guard let start = range[attribute: "start"].flatMap({ Int($0) }),
                let end = range[attribute: "end"].flatMap({ Int($0) }), start >= 0, start <= end, end <= length
            else { return nil }
            result.append(start..<end)
        }
        return result
    }

    /// The `<fallback/>` that marks code points `range` of the body as fallback for `namespace`.
    public static func element(for namespace: String, range: Range<Int>) -> XMLElement {
        XMLElement(
            "fallback", namespace: Namespace.fallback, ["for": namespace],
            elements: [
                XMLElement(
                    "body", namespace: Namespace.fallback,
                    ["start": String(range.lowerBound), "end": String(range.upperBound)])
            ])
    }
}
