import XMPPExtensions

/// A data form being filled in, as the terminal shows it: the form's title and instructions,
/// and its fields in order (hidden ones left out), each with what it holds, its choices and what
/// is wrong with it. All text in it may come from the network: the UI sanitises it.
public struct EditedForm: Sendable, Hashable {
    /// What kind of value a field takes (XEP-0004 §3.3; unknown types are text).
    public enum Kind: Sendable, Hashable {
        case boolean
        /// A heading, not a field: its text is the label.
        case fixed
        case textSingle, textPrivate, textMulti
        case jidSingle, jidMulti
        case listSingle, listMulti
    }

    /// One choice of a list field.
    public struct Option: Sendable, Hashable {
        public var label: String
        public var value: String
    }

    public struct Field: Sendable, Hashable {
        /// What `AppModel.setFormField` takes to change it.
        public var id: Int
        /// The name the field is sent under (nil for a heading).
        public var name: String?
        /// Its label, else its name; a heading's text.
        public var label: String
        /// The form's help text for it.
        public var description: String?
        public var kind: Kind
        public var values: [String]
        public var options: [Option]
        public var isRequired: Bool
        /// What is wrong with it, as short phrases ("required").
        public var problems: [String]

        /// Whether the user can change it (headings cannot).
        public var isEditable: Bool { kind != .fixed }

        /// The label of the option a value is, else the value.
        public func label(of value: String) -> String {
            options.first { $0.value == value }?.label ?? value
        }
    }

    public var title: String
    public var instructions: [String]
    public var fields: [Field]
    /// The user changed something (cancelling then asks first).
    public var isChanged: Bool
    /// A submission is out, waiting for the answer.
    public var isSending: Bool
    /// Why the other side refused the last submission.
    public var refusal: String?
}

extension EditedForm {
    init(_ editor: FormEditor) {
        let problems = editor.shownProblems
        title = editor.title
        instructions = editor.form.instructions
        fields = editor.form.fields.enumerated().compactMap { index, field in
            guard field.effectiveType != .hidden else { return nil }
            let kind = Kind(field.effectiveType)
            return Field(
                id: index, name: field.variable,
                label: kind == .fixed
                    ? field.values.joined(separator: " ") : field.label ?? field.variable ?? "",
                description: field.desc, kind: kind, values: kind == .fixed ? [] : field.values,
                options: field.options.map { Option(label: $0.label ?? $0.value, value: $0.value) },
                isRequired: field.isRequired, problems: (problems[index] ?? []).map(\.phrase))
        }
        isChanged = editor.isChanged
        isSending = editor.isSending
        refusal = editor.refusal
    }
}

extension EditedForm.Kind {
    init(_ type: DataForm.Field.FieldType) {
        switch type {
        case .boolean: self = .boolean
        case .fixed: self = .fixed
        case .textPrivate: self = .textPrivate
        case .textMulti: self = .textMulti
        case .jidSingle: self = .jidSingle
        case .jidMulti: self = .jidMulti
        case .listSingle: self = .listSingle
        case .listMulti: self = .listMulti
        case .textSingle, .hidden, .unknown: self = .textSingle
        }
    }
}

extension DataForm.Problem {
    /// The problem as a phrase next to its field.
    var phrase: String {
        switch self {
        case .requiredFieldEmpty: "required"
        case .notAnOption(_, let value): "\"\(value)\" is not one of the choices"
        case .notABoolean(_, let value): "\"\(value)\" is neither yes nor no"
        case .notAJID(_, let value): "\"\(value)\" is not an address (user@example.org)"
        case .tooManyValues(_, let count): "one value only (\(count) given)"
        }
    }
}
