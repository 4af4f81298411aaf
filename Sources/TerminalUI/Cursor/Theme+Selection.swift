extension Theme {
    /// An element's style, on the selected message marked with `chat.selected`: its background
    /// (when it has one) and its attributes over the element's colours.
    func style(_ element: String, selected: Bool) -> Style {
        var style = self.style(element)
        guard selected else { return style }
        let marker = self.style("chat.selected")
        if marker.background != .default { style.background = marker.background }
        if marker.foreground != .default { style.foreground = marker.foreground }
        style.bold = style.bold || marker.bold
        style.underline = style.underline || marker.underline
        style.reverse = style.reverse || marker.reverse
        return style
    }
}
