import XMPPCore
import XMPPExtensions

/// Whoever asked for a form (a room's configuration, a role or affiliation list; later a
/// registration or an ad-hoc command): it sends what the user filled in, or gives up.
struct FormHandler {
    /// Sends `filled`; calls `done` once, with nil when the other side accepted it, else with a
    /// sentence saying why not (the form then stays open, to be corrected or cancelled).
    var submit: (_ filled: DataForm, _ done: @escaping (String?) -> Void) -> Void
    /// The user gave up; `cancel` tells the other side if it needs to know.
    var cancel: () -> Void
}

/// A data form (XEP-0004) being filled in, in a window: the form as it came, as the user changed
/// it, and what is wrong with it. It knows nothing of whose form it is; its `handler` does.
final class FormEditor {
    let title: String
    /// The form as the other side sent it.
    let original: DataForm
    private(set) var form: DataForm
    let handler: FormHandler
    /// Fields (by index) the user changed: their problems show at once, the others' after a
    /// submission was tried.
    private(set) var touched: Set<Int> = []
    private(set) var submissionTried = false
    /// A submission is out and not answered yet.
    var isSending = false
    /// Why the other side refused the last submission.
    var refusal: String?

    init(_ form: DataForm, title: String, handler: FormHandler) {
        self.title = title
        original = form
        self.form = form
        self.handler = handler
    }

    /// Whether the user changed anything.
    var isChanged: Bool { form.fields.map(\.values) != original.fields.map(\.values) }

    /// Gives the field at `index` these values; false for a field that cannot be edited (none
    /// there, a fixed or hidden one).
    @discardableResult
    func set(_ index: Int, to values: [String]) -> Bool {
        guard form.fields.indices.contains(index), Self.isEditable(form.fields[index]) else { return false }
        form.fields[index].values = values
        touched.insert(index)
        refusal = nil
        return true
    }

    /// Whether the user may change a field: not a heading, not one the service keeps hidden (§3.3),
    /// and only one with a name to send it back under.
    static func isEditable(_ field: DataForm.Field) -> Bool {
        field.variable != nil && field.effectiveType != .fixed && field.effectiveType != .hidden
    }

    /// The problems to show now, by field index: those of touched fields, and after a tried
    /// submission all of them.
    var shownProblems: [Int: [DataForm.Problem]] {
        var problems: [Int: [DataForm.Problem]] = [:]
        for (index, field) in form.fields.enumerated() where submissionTried || touched.contains(index) {
            let found = DataForm(type: .form, fields: [field]).validate()
            if !found.isEmpty { problems[index] = found }
        }
        return problems
    }

    /// Tries to submit: the problems that stop it, or none once the handler has the form.
    func submit(_ done: @escaping (String?) -> Void) -> [DataForm.Problem] {
        submissionTried = true
        let problems = form.validate()
        guard problems.isEmpty, !isSending else { return problems }
        isSending = true
        refusal = nil
        handler.submit(form, done)
        return []
    }
}
