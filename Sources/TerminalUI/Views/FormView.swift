import ChatModel
import SafeText

/// A data form being filled in, drawn in the chat pane as an editable list: the title and
/// instructions, one row per field (its label, a `*` when required, its value, what is wrong
/// with it), headings for fixed fields, and a footer with the selected field's help and problems,
/// the form's state and the keys. Every text comes from the network and is sanitised here.
public struct FormView {
    public init() {}

    /// The keys, as the footer shows them.
    static let keys = "↑↓ select · Enter edit · Space toggle · s send · Esc cancel"

    /// Draws `form` with field `selected` (an index into `form.fields`) highlighted, the field
    /// rows starting at `top` (scrolled so that the selection shows); returns the top used.
    @discardableResult
    public func render(
        _ form: EditedForm, selected: Int, top: Int, theme: Theme, canvas: some Canvas, rect: Rect
    ) -> Int {
        var lines: [(text: String, element: String)] = [(TerminalSafe.sanitize(form.title), "form.title")]
        for paragraph in form.instructions.prefix(rect.height / 4) {
            let text = TerminalSafe.sanitize(paragraph).split(whereSeparator: \.isWhitespace).joined(separator: " ")
            lines += TextWrapping.wrap(text, firstWidth: rect.width, width: rect.width).map {
                (String($0), "form.help")
            }
        }
        let header = Array(lines.prefix(max(1, rect.height / 3)))
        let footer = footerLines(form, selected: selected, width: rect.width)
        let room = max(1, rect.height - header.count - footer.count - 1)
        let top = Self.scrolled(top, selected: selected, rows: room, count: form.fields.count)
        let labelWidth = min(
            max(8, rect.width / 2),
            (form.fields.filter(\.isEditable).map { TextWidth.of(TerminalSafe.sanitize($0.label)) }.max() ?? 0) + 4)
        var row = rect.row
        for line in header {
            canvas.drawLine(
                TextWidth.truncate(line.text, to: rect.width), row: row, column: rect.column, width: rect.width,
                style: theme.style(line.element))
            row += 1
        }
        canvas.fill(row: row, column: rect.column, width: rect.width, style: .plain)
        row += 1
        for index in top..<min(form.fields.count, top + room) {
            drawField(
                form.fields[index], selected: index == selected, labelWidth: labelWidth, theme: theme, canvas: canvas,
                row: row, rect: rect)
            row += 1
        }
        while row < rect.row + rect.height - footer.count {
            canvas.fill(row: row, column: rect.column, width: rect.width, style: .plain)
            row += 1
        }
        for line in footer where row < rect.row + rect.height {
            canvas.drawLine(
                TextWidth.truncate(line.text, to: rect.width), row: row, column: rect.column, width: rect.width,
                style: theme.style(line.element))
            row += 1
        }
        return top
    }

    /// The first field row to show so that `selected` is among the `rows` shown.
    static func scrolled(_ top: Int, selected: Int, rows: Int, count: Int) -> Int {
        var top = min(top, max(0, count - rows))
        if selected < top { top = selected }
        if selected >= top + rows { top = selected - rows + 1 }
        return max(0, top)
    }

    private func drawField(
        _ field: EditedForm.Field, selected: Bool, labelWidth: Int, theme: Theme, canvas: some Canvas, row: Int,
        rect: Rect
    ) {
        let label = TerminalSafe.sanitize(field.label)
        guard field.isEditable else {
            canvas.drawLine(
                TextWidth.truncate(label, to: rect.width), row: row, column: rect.column, width: rect.width,
                style: theme.style("form.heading"))
            return
        }
        let base = selected ? theme.style("form.selected") : .plain
        let name = TextWidth.truncate("  " + label + (field.isRequired ? "*" : ""), to: labelWidth - 1)
        var column = canvas.draw(name, row: row, column: rect.column, width: rect.width, style: base)
        canvas.fill(row: row, column: rect.column + column, width: labelWidth - column, style: base)
        column = labelWidth
        let problems = field.problems.isEmpty ? "" : "  ← " + field.problems.joined(separator: "; ")
        let valueWidth = max(1, rect.width - column - min(TextWidth.of(problems), rect.width / 3))
        column += canvas.draw(
            TextWidth.truncate(Self.summary(of: field), to: valueWidth), row: row, column: rect.column + column,
            width: rect.width - column, style: base)
        if !problems.isEmpty, column < rect.width {
            column += canvas.draw(
                TextWidth.truncate(problems, to: rect.width - column), row: row, column: rect.column + column,
                width: rect.width - column, style: theme.style("form.problem").on(base))
        }
        if column < rect.width {
            canvas.fill(row: row, column: rect.column + column, width: rect.width - column, style: base)
        }
    }

    /// A field's value on one line: booleans as [x] / [ ], choices by their labels, several
    /// lines as the first and a count, a secret as dots.
    static func summary(of field: EditedForm.Field) -> String {
        let values = field.values
        let text: String
        switch field.kind {
        case .boolean: text = isOn(field) ? "[x]" : "[ ]"
        case .listSingle, .listMulti: text = values.map(field.label(of:)).joined(separator: ", ")
        case .jidMulti: text = values.joined(separator: ", ")
        case .textMulti:
            let lines = values.flatMap { $0.split(separator: "\n", omittingEmptySubsequences: false) }
            text = (lines.first.map(String.init) ?? "") + (lines.count > 1 ? " (+\(lines.count - 1) lines)" : "")
        case .textPrivate: text = values.allSatisfy(\.isEmpty) ? "" : "••••••••"
        case .textSingle, .jidSingle, .fixed: text = values.joined(separator: " ")
        }
        return TerminalSafe.sanitize(text)
    }

    /// A boolean field's value (XEP-0004 §3.3: `1` or `true`; absent is false).
    static func isOn(_ field: EditedForm.Field) -> Bool {
        field.values.first == "1" || field.values.first == "true"
    }

    private func footerLines(_ form: EditedForm, selected: Int, width: Int) -> [(text: String, element: String)] {
        var lines: [(text: String, element: String)] = []
        if form.fields.indices.contains(selected) {
            // The selected field's help and problems in full (its row may have no room for them).
            let field = form.fields[selected]
            if let help = field.description, !help.isEmpty {
                lines.append(("  " + TerminalSafe.sanitize(help), "form.help"))
            }
            if !field.problems.isEmpty {
                lines.append(("  " + TerminalSafe.sanitize(field.problems.joined(separator: "; ")), "form.problem"))
            }
        }
        let problems = form.fields.reduce(0) { $0 + $1.problems.count }
        if form.isSending {
            lines.append(("sending…", "form.help"))
        } else if let refusal = form.refusal {
            lines.append((TerminalSafe.sanitize(refusal), "form.problem"))
        } else if problems > 0 {
            lines.append(("\(problems) problem\(problems == 1 ? "" : "s") to fix before sending", "form.problem"))
        } else if form.isChanged {
            lines.append(("changed: s sends it", "form.help"))
        }
        lines.append((Self.keys, "form.keys"))
        return lines
    }
}
