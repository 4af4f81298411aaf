/// A terminal colour: the terminal's default, or an index into its palette (0-7 basic, 8-15
/// bright, 16-255 the 256-colour cube and greys).
public enum TerminalColor: Sendable, Hashable {
    case `default`
    case index(Int)
}

/// How a piece of text is drawn.
public struct Style: Sendable, Hashable {
    public var foreground: TerminalColor
    public var background: TerminalColor
    public var bold: Bool
    public var underline: Bool
    public var reverse: Bool
    public var dim: Bool

    public init(
        foreground: TerminalColor = .default,
        background: TerminalColor = .default,
        bold: Bool = false,
        underline: Bool = false,
        reverse: Bool = false,
        dim: Bool = false
    ) {
        self.foreground = foreground
        self.background = background
        self.bold = bold
        self.underline = underline
        self.reverse = reverse
        self.dim = dim
    }

    public static let plain = Style()

    /// This style with `other`'s colours where it sets them and its attributes added (strong text
    /// in a quotation is bold and dim).
    public func layered(with other: Style) -> Style {
        var style = self
        if other.foreground != .default { style.foreground = other.foreground }
        if other.background != .default { style.background = other.background }
        style.bold = style.bold || other.bold
        style.underline = style.underline || other.underline
        style.reverse = style.reverse || other.reverse
        style.dim = style.dim || other.dim
        return style
    }

    /// This style with `other`'s background when this one has none (text on a coloured bar).
    public func on(_ other: Style) -> Style {
        var style = self
        if style.background == .default { style.background = other.background }
        if other.reverse && style.foreground == .default && style.background == .default { style.reverse = true }
        return style
    }
}
