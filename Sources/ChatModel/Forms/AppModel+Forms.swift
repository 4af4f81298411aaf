import XMPPExtensions

/// Forms in windows: a feature opens one (`openForm`), the UI shows `form(in:)` and changes it
/// field by field, then submits or cancels it. A window holds at most one form.
extension AppModel {
    /// Opens `form` in `window` for the user to fill in; false when the window already has one.
    @discardableResult
    func openForm(_ form: DataForm, title: String, in window: ChatWindow, handler: FormHandler) -> Bool {
        guard window.form == nil else { return false }
        window.form = FormEditor(form, title: title, handler: handler)
        formChanged(in: window)
        return true
    }

    /// The form open in `window`, as the UI shows it.
    public func form(in window: ChatWindow) -> EditedForm? {
        window.form.map(EditedForm.init)
    }

    /// Gives field `id` of the form in `window` these values (one for most fields, several for
    /// list-multi, jid-multi and text-multi); false when there is no such editable field.
    @discardableResult
    public func setFormField(_ id: Int, to values: [String], in window: ChatWindow) -> Bool {
        guard let editor = window.form, editor.set(id, to: values) else { return false }
        formChanged(in: window)
        return true
    }

    /// Submits the form in `window`: false, with the problems shown in the form, when it is not
    /// complete; else it goes out, and closes when the other side accepts it (a refusal is shown
    /// in the form, which stays open).
    @discardableResult
    public func submitForm(in window: ChatWindow) -> Bool {
        guard let editor = window.form else { return false }
        let problems = editor.submit { [weak self, weak window, weak editor] refusal in
            guard let self, let window, let editor, window.form === editor else { return }
            editor.isSending = false
            if let refusal {
                editor.refusal = refusal
            } else {
                window.form = nil
            }
            self.formChanged(in: window)
        }
        formChanged(in: window)
        return problems.isEmpty
    }

    /// Closes the form in `window` without submitting it (its handler tells the other side).
    public func cancelForm(in window: ChatWindow) {
        guard let editor = window.form else { return }
        window.form = nil
        editor.handler.cancel()
        formChanged(in: window)
    }

    private func formChanged(in window: ChatWindow) {
        if window === currentWindow { onChange(.chat) } else { onChange(.status) }
    }
}
