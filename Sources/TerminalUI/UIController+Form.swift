import ChatModel
import Foundation
import SafeText

/// Which field of the form shown is selected, and which field is at the top of its list.
struct FormCursor {
    /// The form it belongs to: its window and title (another form starts at its first field).
    var form: (window: ObjectIdentifier, title: String)?
    var selected = 0
    var top = 0
}

/// A form open in the current window takes the keys the input line would (`KeyBindings`'s Form
/// section): the arrows (and k/j) select a field, Enter edits it on the input line (with a
/// question, as the roster's keys do), Space toggles, s submits, Esc cancels.
extension UIController {
    /// The form open in the current window.
    var shownForm: EditedForm? { model.form(in: model.currentWindow) }

    func formKey(_ event: KeyEvent, _ form: EditedForm) {
        let window = model.currentWindow
        syncFormCursor(form)
        dirty.insert(.chat)
        let page = max(1, (layout?.chat.height ?? 10) - 4)
        let field = form.fields.indices.contains(formCursor.selected) ? form.fields[formCursor.selected] : nil
        switch event {
        case .key(.up), .character("k"): moveFormSelection(-1, form)
        case .key(.down), .character("j"): moveFormSelection(1, form)
        case .key(.pageUp): moveFormSelection(-page, form)
        case .key(.pageDown): moveFormSelection(page, form)
        case .key(.home): moveFormSelection(-form.fields.count, form)
        case .key(.end): moveFormSelection(form.fields.count, form)
        case .key(.enter): if let field { edit(field) }
        case .character(" "): if let field { toggle(field) }
        case .character("s"): model.submitForm(in: window)
        case .key(.escape):
            if form.isChanged {
                prompt = .discardForm
                inputDirty = true
            } else {
                model.cancelForm(in: window)
            }
        default: break
        }
    }

    /// The answer to "Discard your changes?": y cancels the form, any other key goes on editing.
    func handleDiscardChoice(_ event: KeyEvent) {
        prompt = nil
        inputDirty = true
        dirty.insert(.chat)
        if event == .character("y") || event == .character("Y") { model.cancelForm(in: model.currentWindow) }
    }

    /// A field's new value, typed on the input line.
    func answerFormField(_ id: Int, kind: EditedForm.Kind, _ text: String) {
        guard let field = shownForm?.fields.first(where: { $0.id == id }) else { return }
        model.setFormField(id, to: FormInput.values(from: text, for: field), in: model.currentWindow)
    }

    func renderForm(_ form: EditedForm, canvas: some Canvas, rect: Rect) {
        syncFormCursor(form)
        formCursor.top = FormView().render(
            form, selected: formCursor.selected, top: formCursor.top, theme: theme, canvas: canvas, rect: rect)
    }

    /// Enter: a boolean toggles; any other field is asked for on the input line, with its value.
    private func edit(_ field: EditedForm.Field) {
        switch field.kind {
        case .fixed: return
        case .boolean: toggle(field)
        default:
            ask(
                .formField(id: field.id, label: TerminalSafe.sanitize(field.label), kind: field.kind),
                initial: FormInput.initialText(of: field))
        }
    }

    /// Space: a boolean flips (written as the form wrote it: 1/0 or true/false), a single choice
    /// moves to the next option; other fields are edited as with Enter.
    private func toggle(_ field: EditedForm.Field) {
        let window = model.currentWindow
        switch field.kind {
        case .boolean:
            let words = field.values.first == "true" || field.values.first == "false" ? ("true", "false") : ("1", "0")
            model.setFormField(field.id, to: [FormView.isOn(field) ? words.1 : words.0], in: window)
        case .listSingle where !field.options.isEmpty:
            let current = field.options.firstIndex { $0.value == field.values.first }
            let next = current.map { ($0 + 1) % field.options.count } ?? 0
            model.setFormField(field.id, to: [field.options[next].value], in: window)
        default:
            edit(field)
        }
    }

    /// Moves the selection by `delta` fields, over headings (towards the movement, else back).
    private func moveFormSelection(_ delta: Int, _ form: EditedForm) {
        let fields = form.fields
        if let index = Self.selection(
            from: formCursor.selected, by: delta, count: fields.count, { fields[$0].isEditable })
        {
            formCursor.selected = index
        }
    }

    /// A form the cursor does not belong to starts at its first field.
    private func syncFormCursor(_ form: EditedForm) {
        let identity = (ObjectIdentifier(model.currentWindow), form.title)
        if formCursor.form.map({ $0 != identity }) ?? true {
            formCursor = FormCursor(form: identity, selected: 0, top: 0)
            moveFormSelection(0, form)
        }
        if formCursor.selected >= form.fields.count { formCursor.selected = max(0, form.fields.count - 1) }
    }
}

/// What is typed for a form field, and what the input line starts with.
enum FormInput {
    /// What the question adds to the field's label: how to type the value.
    static func hint(_ kind: EditedForm.Kind) -> String {
        switch kind {
        case .listSingle: " (Tab: choices)"
        case .listMulti: " (comma-separated; Tab: choices)"
        case .jidSingle: " (address)"
        case .jidMulti: " (addresses, comma-separated)"
        case .textMulti: " (Alt-Enter: new line)"
        case .textPrivate: " (hidden)"
        case .boolean, .fixed, .textSingle: ""
        }
    }

    /// The field's value as the input line shows it to be edited: choices by label, several
    /// values separated by commas (lines by newlines), sanitised (it came from the network).
    static func initialText(of field: EditedForm.Field) -> String {
        let text: String
        switch field.kind {
        case .listSingle, .listMulti: text = field.values.map(field.label(of:)).joined(separator: ", ")
        case .jidMulti: text = field.values.joined(separator: ", ")
        case .textMulti: text = field.values.joined(separator: "\n")
        default: text = field.values.first ?? ""
        }
        return TerminalSafe.sanitize(text, keepNewlines: field.kind == .textMulti)
    }

    /// The values of what was typed: a choice by its label or value (else as typed, which the
    /// form then flags), lists split at commas, addresses also at spaces, lines at newlines;
    /// nothing typed is no value.
    static func values(from text: String, for field: EditedForm.Field) -> [String] {
        func option(_ typed: String) -> String {
            let folded = typed.lowercased()
            return field.options.first { $0.value == typed }?.value
                ?? field.options.first { $0.label.lowercased() == folded || $0.value.lowercased() == folded }?.value
                ?? typed
        }
        guard !text.isEmpty else { return [] }
        switch field.kind {
        case .listSingle:
            return [option(text)]
        case .listMulti:
            return text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
                .map(option)
        case .jidMulti:
            return text.split { $0 == "," || $0.isWhitespace }.map(String.init)
        case .textMulti:
            return text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        default:
            return [text]
        }
    }

    /// Tab while a list field is asked for: the option labels that start with what was typed
    /// (for a list-multi, after the last comma).
    static func completions(for text: String, prompt: UIController.Prompt?, form: EditedForm?)
        -> (wordStart: String.Index, candidates: [String])?
    {
        guard case .formField(let id, _, let kind)? = prompt,
            let field = form?.fields.first(where: { $0.id == id }), !field.options.isEmpty
        else { return nil }
        var start = text.startIndex
        if kind == .listMulti, let comma = text.lastIndex(of: ",") { start = text.index(after: comma) }
        while start < text.endIndex && text[start] == " " { start = text.index(after: start) }
        let partial = text[start...].lowercased()
        let candidates = field.options.map { TerminalSafe.sanitize($0.label) }.filter {
            $0.lowercased().hasPrefix(partial)
        }
        return candidates.isEmpty ? nil : (start, candidates)
    }
}
