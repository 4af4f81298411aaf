import ChatModel
import SafeText

/// The occupants pane of a room window: occupants under their role's header (moderators,
/// participants, visitors), each with a presence mark and nick. Only the rows that fit are
/// laid out, so a room of thousands costs what the pane shows.
public struct OccupantsView {
    public init() {}

    /// The pane's lines: a header per role that has occupants, with its count, then its nicks.
    /// When they do not all fit, the last line says how many nicks are not shown.
    public func lines(_ occupants: [OccupantRow], limit: Int) -> [(text: String, element: String)] {
        var lines: [(String, String)] = []
        var index = 0
        while index < occupants.count && lines.count <= limit {
            let role = occupants[index].role
            let end = occupants[index...].firstIndex { $0.role != role } ?? occupants.count
            lines.append(("\(role.title) (\(end - index))", "occupants.header"))
            for occupant in occupants[index..<end] where lines.count <= limit {
                let mark = RosterView.indicator(occupant.presence)
                lines.append(("\(mark) \(TerminalSafe.sanitize(occupant.nick))", "occupants.\(Self.element(role))"))
            }
            index = end
        }
        guard lines.count > limit, limit > 0 else { return lines }
        lines.removeLast(lines.count - limit)
        // The line given up for the count held a nick unless it was a header.
        let shown = lines.prefix(limit - 1).count { $0.1 != "occupants.header" }
        lines[limit - 1] = ("… \(occupants.count - shown) more (/names)", "occupants.header")
        return lines
    }

    static func element(_ role: OccupantRow.Role) -> String {
        switch role {
        case .moderator: "moderator"
        case .participant: "participant"
        case .visitor: "visitor"
        }
    }

    public func render(_ occupants: [OccupantRow], theme: Theme, canvas: some Canvas, rect: Rect) {
        let lines = lines(occupants, limit: rect.height)
        for row in 0..<rect.height {
            let target = rect.row + row
            guard row < lines.count else {
                canvas.fill(row: target, column: rect.column, width: rect.width, style: .plain)
                continue
            }
            canvas.drawLine(
                TextWidth.truncate(lines[row].text, to: rect.width), row: target, column: rect.column,
                width: rect.width, style: theme.style(lines[row].element))
        }
    }
}
