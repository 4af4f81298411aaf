import XMPPCore

/// XEP-0004: Data Forms — the forms of room configuration, registration, ad-hoc commands and
/// search, as values to show, edit and send back.
///
///     <x xmlns='jabber:x:data' type='form'>
///       <title>Bot Configuration</title>
///       <field type='hidden' var='FORM_TYPE'><value>jabber:bot</value></field>
///       <field type='boolean' label='Public bot?' var='public'><required/></field>
///       <field type='list-single' label='Maximum number of subscribers' var='maxsubs'>
///         <value>20</value>
///         <option label='10'><value>10</value></option>
///         <option label='20'><value>20</value></option>
///       </field>
///     </x>
///
/// The usual round: the service sends a `form`; the user edits it (`setting(_:to:)`), the client
/// checks it (`validate()`) and sends `submission()`, or a `cancel` form. Validation is the
/// service's job (§4: it answers `not-acceptable`); `validate()` only spares the user a round trip.
public struct DataForm: Sendable, Hashable {
    /// §3.1: what the form is for in the exchange.
    public enum FormType: String, Sendable, Hashable, CaseIterable {
        /// The service asks for the form to be filled in.
        case form
        /// The filled-in form.
        case submit
        /// The user gave up (an owner's cancel destroys a new room, XEP-0045 §10.1.3).
        case cancel
        /// Data the service returns (search results, disco#info extensions).
        case result
    }

    public var type: FormType
    public var title: String?
    /// §3: one or more lines of instructions.
    public var instructions: [String]
    public var fields: [Field]
    /// §3.4: the table header of a multi-item `result` (nil when the form has none).
    public var reported: [Field]?
    /// §3.4: the rows of a multi-item `result`, each with the fields of `reported`.
    public var items: [[Field]]

    public init(
        type: FormType, title: String? = nil, instructions: [String] = [], fields: [Field] = [],
        reported: [Field]? = nil, items: [[Field]] = []
    ) {
        self.type = type
        self.title = title
        self.instructions = instructions
        self.fields = fields
        self.reported = reported
        self.items = items
    }

    /// Reads `<x xmlns='jabber:x:data'/>`; nil for another element or a missing or unknown `type`.
    public init?(_ element: XMLElement) {
        guard element.name == "x", element.namespace == Namespace.dataForms,
            let type = element[attribute: "type"].flatMap(FormType.init(rawValue:))
        else { return nil }
        self.type = type
        title = element.childText("title", namespace: Namespace.dataForms)
        instructions = element.children("instructions", namespace: Namespace.dataForms).map(\.text)
        fields = element.children("field", namespace: Namespace.dataForms).map(Field.init)
        reported = element.child("reported", namespace: Namespace.dataForms).map {
            $0.children("field", namespace: Namespace.dataForms).map(Field.init)
        }
        items = element.children("item", namespace: Namespace.dataForms).map {
            $0.children("field", namespace: Namespace.dataForms).map(Field.init)
        }
    }

    /// The form as `<x xmlns='jabber:x:data'/>`.
    public var element: XMLElement {
        var x = XMLElement("x", namespace: Namespace.dataForms, ["type": type.rawValue])
        if let title { x.append(XMLElement("title", namespace: Namespace.dataForms, [:], text: title)) }
        for line in instructions {
            x.append(XMLElement("instructions", namespace: Namespace.dataForms, [:], text: line))
        }
        for field in fields { x.append(field.element) }
        if let reported {
            x.append(XMLElement("reported", namespace: Namespace.dataForms, [:], elements: reported.map(\.element)))
        }
        for item in items {
            x.append(XMLElement("item", namespace: Namespace.dataForms, [:], elements: item.map(\.element)))
        }
        return x
    }

    /// XEP-0068: the value of the `FORM_TYPE` field, which names the form's schema
    /// (e.g. `http://jabber.org/protocol/muc#roomconfig`).
    public var formType: String? { self["FORM_TYPE"]?.values.first }

    /// The first field named `variable`.
    public subscript(variable: String) -> Field? { fields.first { $0.variable == variable } }

    /// The `submit` form answering this one: every named field but the `fixed` ones, with its
    /// values and nothing else (the field type only on `FORM_TYPE`, which stays `hidden`).
    ///
    /// Hidden fields go back unchanged (§3.3); fields the user did not touch go back with the
    /// defaults the service sent, which §3.6 says keep their current value either way.
    public func submission() -> DataForm {
        DataForm(
            type: .submit,
            fields: fields.compactMap { field in
                guard let variable = field.variable, field.type != .fixed else { return nil }
                return Field(
                    variable: variable, type: variable == "FORM_TYPE" ? .hidden : nil, values: field.values)
            })
    }

    /// This form with `variable`'s values replaced; a field the form lacks is added (§3.1: a
    /// submission may carry fields the form did not have).
    public func setting(_ variable: String, to values: [String]) -> DataForm {
        var copy = self
        if let index = copy.fields.firstIndex(where: { $0.variable == variable }) {
            copy.fields[index].values = values
        } else {
            copy.fields.append(Field(variable: variable, values: values))
        }
        return copy
    }

    /// What §3.2 and §3.3 forbid in the form's current values, field by field in order. Check the
    /// filled-in form before `submission()`, which drops the `required` flags and the options.
    public func validate() -> [Problem] { fields.flatMap { $0.problems } }

    /// One reason a form would be refused.
    public enum Problem: Sendable, Hashable {
        /// A `<required/>` field has no value, or only empty ones.
        case requiredFieldEmpty(variable: String)
        /// A list field's value is none of its options (§3.3: no new options may be added).
        case notAnOption(variable: String, value: String)
        /// A boolean that is not `0`, `1`, `false` or `true`.
        case notABoolean(variable: String, value: String)
        /// A jid-single or jid-multi value that is not a JID (RFC 7622).
        case notAJID(variable: String, value: String)
        /// More than one value on a field type that allows one (§3.2).
        case tooManyValues(variable: String, count: Int)

        /// The field the problem is in.
        public var variable: String {
            switch self {
            case .requiredFieldEmpty(let variable), .notAnOption(let variable, _), .notABoolean(let variable, _),
                .notAJID(let variable, _), .tooManyValues(let variable, _):
                variable
            }
        }
    }
}

extension DataForm {
    /// One `<field/>` (§3.2).
    public struct Field: Sendable, Hashable {
        /// §3.3, with any other type kept as it was sent.
        public enum FieldType: Sendable, Hashable {
            case boolean, fixed, hidden
            case jidMulti, jidSingle
            case listMulti, listSingle
            case textMulti, textPrivate, textSingle
            /// A type this client does not know; it counts as text-single (§3.3).
            case unknown(String)

            /// The types of §3.3.
            public static let known: [FieldType] = [
                .boolean, .fixed, .hidden, .jidMulti, .jidSingle, .listMulti, .listSingle, .textMulti, .textPrivate,
                .textSingle,
            ]

            public init(rawValue: String) {
                self = FieldType.known.first { $0.rawValue == rawValue } ?? .unknown(rawValue)
            }

            public var rawValue: String {
                switch self {
                case .boolean: "boolean"
                case .fixed: "fixed"
                case .hidden: "hidden"
                case .jidMulti: "jid-multi"
                case .jidSingle: "jid-single"
                case .listMulti: "list-multi"
                case .listSingle: "list-single"
                case .textMulti: "text-multi"
                case .textPrivate: "text-private"
                case .textSingle: "text-single"
                case .unknown(let raw): raw
                }
            }

            /// §3.2: only list-multi, jid-multi, text-multi and hidden may carry several values.
            public var allowsSeveralValues: Bool {
                switch self {
                case .listMulti, .jidMulti, .textMulti, .hidden: true
                default: false
                }
            }
        }

        /// One choice of a list field: what to show and what to send.
        public struct Option: Sendable, Hashable {
            public var label: String?
            public var value: String

            public init(label: String? = nil, value: String) {
                self.label = label
                self.value = value
            }
        }

        /// The field's name (`var`); only `fixed` fields may lack one.
        public var variable: String?
        /// The type as sent; nil when absent (a `form` then means text-single, a `submit` or `result`
        /// leaves it to context, §3.2).
        public var type: FieldType?
        public var label: String?
        /// §3.2: the field's help text.
        public var desc: String?
        public var isRequired: Bool
        public var values: [String]
        public var options: [Option]
        /// Children in other namespaces (XEP-0122 validation, XEP-0221 media), kept as sent.
        public var extensions: [XMLElement]

        public init(
            variable: String?, type: FieldType? = nil, label: String? = nil, desc: String? = nil,
            isRequired: Bool = false, values: [String] = [], options: [Option] = [], extensions: [XMLElement] = []
        ) {
            self.variable = variable
            self.type = type
            self.label = label
            self.desc = desc
            self.isRequired = isRequired
            self.values = values
            self.options = options
            self.extensions = extensions
        }

        /// Reads a `<field/>`. Options without exactly one value are dropped (§3.2 requires one).
        public init(_ element: XMLElement) {
            variable = element[attribute: "var"]
            type = element[attribute: "type"].map(FieldType.init(rawValue:))
            label = element[attribute: "label"]
            desc = element.childText("desc", namespace: Namespace.dataForms)
            isRequired = element.child("required", namespace: Namespace.dataForms) != nil
            values = element.children("value", namespace: Namespace.dataForms).map(\.text)
            options = element.children("option", namespace: Namespace.dataForms).compactMap { option in
                let values = option.children("value", namespace: Namespace.dataForms)
                guard values.count == 1 else { return nil }
                return Option(label: option[attribute: "label"], value: values[0].text)
            }
            extensions = element.elements.filter { $0.namespace != Namespace.dataForms }
        }

        public var element: XMLElement {
            var field = XMLElement(
                "field", namespace: Namespace.dataForms, ["var": variable, "type": type?.rawValue, "label": label])
            if let desc { field.append(XMLElement("desc", namespace: Namespace.dataForms, [:], text: desc)) }
            if isRequired { field.append(XMLElement("required", namespace: Namespace.dataForms)) }
            for value in values { field.append(XMLElement("value", namespace: Namespace.dataForms, [:], text: value)) }
            for option in options {
                field.append(
                    XMLElement(
                        "option", namespace: Namespace.dataForms, ["label": option.label],
                        elements: [XMLElement("value", namespace: Namespace.dataForms, [:], text: option.value)]))
            }
            for element in extensions { field.append(element) }
            return field
        }

        /// The type to treat the field as: absent and unknown types are text-single (§3.2, §3.3).
        public var effectiveType: FieldType {
            switch type {
            case nil, .unknown: .textSingle
            case let known?: known
            }
        }

        /// A boolean field's value: absent or empty means false (§3.3); nil for a value that is no
        /// boolean.
        public var boolValue: Bool? {
            guard let value = values.first, !value.isEmpty else { return false }
            return DataForm.Field.boolean(value)
        }

        /// The value as one line of plain text: booleans as `true`/`false`, list values by their
        /// option labels, multi values joined with ", " (text-multi with newlines, §3.3), and a
        /// text-private value as eight asterisks whatever its length. It is network text: the
        /// terminal still sanitises it.
        public var displayValue: String {
            switch effectiveType {
            case .boolean:
                boolValue.map { $0 ? "true" : "false" } ?? values.joined(separator: ", ")
            case .listSingle, .listMulti:
                values.map { value in options.first { $0.value == value }?.label ?? value }.joined(separator: ", ")
            case .textMulti:
                values.joined(separator: "\n")
            case .textPrivate:
                values.allSatisfy(\.isEmpty) ? "" : "********"
            default:
                values.joined(separator: ", ")
            }
        }

        /// What `DataForm.validate()` finds in this field.
        var problems: [Problem] {
            guard let variable, effectiveType != .fixed else { return [] }
            var problems: [Problem] = []
            if isRequired, values.allSatisfy(\.isEmpty) { problems.append(.requiredFieldEmpty(variable: variable)) }
            if !effectiveType.allowsSeveralValues, values.count > 1 {
                problems.append(.tooManyValues(variable: variable, count: values.count))
            }
            // An empty value is no value (§3.6); only `required` minds it.
            for value in values where !value.isEmpty { problems += self.problems(of: value, variable: variable) }
            return problems
        }

        private func problems(of value: String, variable: String) -> [Problem] {
            switch effectiveType {
            case .boolean:
                return DataForm.Field.boolean(value) == nil ? [.notABoolean(variable: variable, value: value)] : []
            case .listSingle, .listMulti:
                guard !options.isEmpty, !options.contains(where: { $0.value == value }) else { return [] }
                return [.notAnOption(variable: variable, value: value)]
            case .jidSingle, .jidMulti:
                guard JID(parsing: value) == nil else { return [] }
                return [.notAJID(variable: variable, value: value)]
            default:
                return []
            }
        }

        /// XML Schema's xs:boolean, which XEP-0004 §3.3 adopts: `1`/`true` and `0`/`false`.
        static func boolean(_ value: String) -> Bool? {
            switch value {
            case "1", "true": true
            case "0", "false": false
            default: nil
            }
        }
    }
}
