import ChatModel

/// A rectangle of the screen.
public struct Rect: Sendable, Hashable {
    public var row: Int
    public var column: Int
    public var height: Int
    public var width: Int

    public init(row: Int, column: Int, height: Int, width: Int) {
        self.row = row
        self.column = column
        self.height = height
        self.width = width
    }

    public var isEmpty: Bool { height <= 0 || width <= 0 }
}

/// Where each pane goes for a terminal size and the settings.
public struct Layout: Sendable, Hashable {
    public static let minimumRows = 10
    public static let minimumColumns = 40

    public var title: Rect
    public var roster: Rect?
    /// The column of the roster's right border.
    public var rosterBorder: Int?
    public var chat: Rect
    /// The occupants pane of a room window, on the right, and the column of its left border.
    public var occupants: Rect?
    public var occupantsBorder: Int?
    /// The row of the log pane's top border.
    public var logBorder: Int?
    public var log: Rect?
    public var status: Rect
    public var input: Rect

    /// nil when the terminal is smaller than 40×10.
    /// `occupants`: the current window is a room (its occupants pane shows when the settings
    /// say so and the terminal is wide enough).
    public init?(rows: Int, columns: Int, settings: UISettings, logInChat: Bool, occupants: Bool = false) {
        guard rows >= Layout.minimumRows, columns >= Layout.minimumColumns else { return nil }
        title = Rect(row: 0, column: 0, height: 1, width: columns)
        status = Rect(row: rows - 2, column: 0, height: 1, width: columns)
        input = Rect(row: rows - 1, column: 0, height: 1, width: columns)
        var bodyBottom = rows - 2
        if settings.logVisible && !logInChat {
            // Leave the chat pane at least 3 rows.
            let height = min(settings.logHeight, max(0, bodyBottom - 1 - 1 - 3))
            if height > 0 {
                log = Rect(row: bodyBottom - height, column: 0, height: height, width: columns)
                logBorder = bodyBottom - height - 1
                bodyBottom = bodyBottom - height - 1
            }
        }
        var chatColumn = 0
        if settings.rosterVisible {
            let width = min(settings.rosterWidth, columns / 2)
            roster = Rect(row: 1, column: 0, height: bodyBottom - 1, width: width)
            rosterBorder = width
            chatColumn = width + 1
        }
        var chatWidth = columns - chatColumn
        if occupants && settings.occupantsVisible {
            let width = min(settings.occupantsWidth, chatWidth / 3)
            if width >= 8 {
                occupantsBorder = columns - width - 1
                self.occupants = Rect(row: 1, column: columns - width, height: bodyBottom - 1, width: width)
                chatWidth -= width + 1
            }
        }
        chat = Rect(row: 1, column: chatColumn, height: bodyBottom - 1, width: chatWidth)
    }
}
