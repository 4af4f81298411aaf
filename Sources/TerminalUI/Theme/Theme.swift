import Foundation
import TernConfig

/// Resolved styles for every UI element, for a terminal with a given number of colours.
public struct Theme {
    public let name: String
    private var styles: [String: Style]

    /// How many colours the terminal shows: 0 (NO_COLOR or monochrome), 8, 16 or 256.
    public let colors: Int

    public init(definition: ThemeDefinition?, colors: Int) {
        name = definition?.name ?? "builtin"
        self.colors = colors
        styles = [:]
        for (element, spec) in definition?.styles ?? [:] { styles[element] = resolve(spec, of: element) }
    }

    /// The style of an element; elements a theme leaves out take the built-in style. Elements
    /// joined by "+" (`chat.text+chat.strong`) are layered, each on the ones before it.
    public func style(_ element: String) -> Style {
        if let style = styles[element] { return style }
        guard element.utf8.contains(UInt8(ascii: "+")) else { return Self.builtIn(element) }
        let layers = element.split(separator: "+")
        var style = self.style(String(layers[0]))
        for layer in layers.dropFirst() { style = style.layered(with: self.style(String(layer))) }
        return style
    }

    /// Plain, bars and selection reversed, what must stand out bold (a highlight also underlined,
    /// so it differs from other unread lines and activity without colour), the less important dim.
    static func builtIn(_ element: String) -> Style {
        switch element {
        case "statusbar.bar", "title.bar", "roster.selected", "form.selected", "chat.selected":
            return Style(reverse: true)
        case "statusbar.activity": return Style(bold: true, reverse: true)
        case "statusbar.highlight": return Style(bold: true, underline: true, reverse: true)
        case "roster.highlight": return Style(bold: true, underline: true)
        case "chat.me", "roster.header", "log.error", "chat.error", "chat.unread", "chat.highlight", "occupants.header",
            "occupants.moderator", "form.title", "form.heading", "form.problem", "chat.reaction.own",
            "chat.lock.untrusted", "title.lock":
            return Style(bold: true)
        case "chat.time", "log.time", "chat.state", "chat.corrected", "log.debug", "form.help", "form.keys",
            "chat.strike", "chat.quote":
            return Style(dim: true)
        case "chat.strong": return Style(bold: true)
        case "chat.emphasis", "chat.url": return Style(underline: true)
        default: return .plain
        }
    }

    /// A theme's style for `element` on this terminal. Without colours (NO_COLOR, a monochrome
    /// terminal) the theme's attributes stay, and a style that told the element apart by colour
    /// takes the built-in attributes as well, so bars stay bars and highlights still stand out.
    func resolve(_ spec: StyleSpec, of element: String) -> Style {
        var style = Style(
            foreground: spec.foreground.map(map) ?? .default, background: spec.background.map(map) ?? .default,
            bold: spec.bold, underline: spec.underline, reverse: spec.reverse, dim: spec.dim)
        if colors < 8, spec.foreground != nil || spec.background != nil {
            let builtIn = Self.builtIn(element)
            style.bold = style.bold || builtIn.bold
            style.underline = style.underline || builtIn.underline
            style.reverse = style.reverse || builtIn.reverse
            style.dim = style.dim || builtIn.dim
        }
        return style
    }

    /// Maps a colour to the nearest one the terminal has.
    func map(_ spec: ColorSpec) -> TerminalColor {
        guard colors >= 8 else { return .default }
        switch spec {
        case .default: return .default
        case .indexed(let index):
            if index < colors { return .index(index) }
            let (red, green, blue) = Palette.rgb(of: index)
            return .index(Palette.nearest(red: red, green: green, blue: blue, among: colors))
        case .rgb(let red, let green, let blue):
            return .index(Palette.nearest(red: red, green: green, blue: blue, among: colors))
        }
    }
}

/// The xterm palette, for mapping colours to what a terminal has.
enum Palette {
    static let basic: [(Int, Int, Int)] = [
        (0, 0, 0), (205, 0, 0), (0, 205, 0), (205, 205, 0), (0, 0, 238), (205, 0, 205), (0, 205, 205),
        (229, 229, 229), (127, 127, 127), (255, 0, 0), (0, 255, 0), (255, 255, 0), (92, 92, 255), (255, 0, 255),
        (0, 255, 255), (255, 255, 255),
    ]

    static func rgb(of index: Int) -> (Int, Int, Int) {
        if index < 16 { return basic[index] }
        if index < 232 {
            let cube = index - 16
            let steps = [0, 95, 135, 175, 215, 255]
            return (steps[cube / 36], steps[cube / 6 % 6], steps[cube % 6])
        }
        let grey = 8 + (index - 232) * 10
        return (grey, grey, grey)
    }

    /// The palette index (below `count`) closest to a colour. With 256 colours only the fixed
    /// cube and greys (16-255) are used: users often redefine colours 0-15. A grey becomes a
    /// grey: by distance alone a mid grey is nearest to yellow among 8 colours.
    static func nearest(red: Int, green: Int, blue: Int, among count: Int) -> Int {
        let grey = max(red, green, blue) - min(red, green, blue) <= 8
        var best = 0
        var bestDistance = Int.max
        for index in (count >= 256 ? 16 : 0)..<min(count, 256) {
            let (r, g, b) = rgb(of: index)
            if grey && !(r == g && g == b) { continue }
            // Weighted for how the eye sees it.
            let distance = 3 * (r - red) * (r - red) + 4 * (g - green) * (g - green) + 2 * (b - blue) * (b - blue)
            if distance < bestDistance {
                bestDistance = distance
                best = index
            }
        }
        return best
    }
}

/// Finds and loads theme files.
public struct ThemeLibrary {
    /// Directories searched in order: the user's themes override the installed ones.
    public let directories: [String]

    public init(environment: [String: String] = ProcessInfo.processInfo.environment, executablePath: String? = nil) {
        var directories: [String] = []
        if let custom = environment["TERN_THEMES"] { directories.append(custom) }
        directories.append(XDG.configHome(environment: environment) + "/tern/themes")
        let executable = executablePath ?? CommandLine.arguments.first ?? ""
        let binaryDirectory = URL(fileURLWithPath: executable).resolvingSymlinksInPath().deletingLastPathComponent()
        directories.append(binaryDirectory.appendingPathComponent("themes").path)
        directories.append(binaryDirectory.deletingLastPathComponent().appendingPathComponent("share/tern/themes").path)
        // A build inside the source tree finds the repository's Themes/.
        var source = URL(fileURLWithPath: #filePath)
        for _ in 0..<4 { source.deleteLastPathComponent() }
        directories.append(source.appendingPathComponent("Themes").path)
        self.directories = directories
    }

    /// Every theme name available, sorted.
    public var names: [String] {
        var names = Set<String>()
        for directory in directories {
            for file in (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
            where file.hasSuffix(".toml") {
                names.insert(String(file.dropLast(5)))
            }
        }
        return names.sorted()
    }

    /// The first file named `NAME.toml` in the search path, parsed; nil when there is none.
    public func load(_ name: String) -> (ThemeDefinition, [ConfigError])? {
        guard !name.contains("/") else { return nil }
        for directory in directories {
            let path = directory + "/" + name + ".toml"
            guard let data = FileManager.default.contents(atPath: path) else { continue }
            return ThemeDefinition.parse(String(decoding: data, as: UTF8.self), name: name, file: path)
        }
        return nil
    }
}
