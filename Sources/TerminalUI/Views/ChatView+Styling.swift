/// Message styling in the chat pane: a wrapped piece of a message's text cut into segments by its
/// XEP-0393 runs, each drawn with the text's element and the theme's elements for its attributes
/// layered on top (`chat.text+chat.strong`, see `Theme.style`).
extension ChatView {
    /// The theme elements for styling attributes, in the order they are layered.
    static let styleElements: [(StyledText.Attributes, String)] = [
        (.quote, "chat.quote"), (.code, "chat.code"), (.strong, "chat.strong"), (.emphasis, "chat.emphasis"),
        (.strike, "chat.strike"), (.url, "chat.url"),
    ]

    /// `piece` (a slice of the text `styling` was parsed from) as segments: plain parts in
    /// `element`, styled parts in `element` with the attributes' elements after it.
    static func styledSegments(
        _ piece: Substring, styling: StyledText, element: String
    ) -> [(text: String, element: String)] {
        let runs = styling.runs(in: piece.startIndex..<piece.endIndex)
        if runs.isEmpty { return [(String(piece), element)] }
        var segments: [(text: String, element: String)] = []
        var position = piece.startIndex
        for run in runs {
            if position < run.range.lowerBound {
                segments.append((String(piece[position..<run.range.lowerBound]), element))
            }
            segments.append((String(piece[run.range]), self.element(element, with: run.attributes)))
            position = run.range.upperBound
        }
        if position < piece.endIndex { segments.append((String(piece[position...]), element)) }
        return segments
    }

    /// `base` with the elements of `attributes` layered on it.
    static func element(_ base: String, with attributes: StyledText.Attributes) -> String {
        var element = base
        for (attribute, name) in styleElements where attributes.contains(attribute) { element += "+" + name }
        return element
    }
}
