import ChatModel

/// The roster pane with the focus (F2): moving the selection, opening and entering, folding
/// accounts, the filter, and the questions its keys ask.
extension UIController {
    func rosterKey(_ event: KeyEvent) {
        let rows = currentRosterRows()
        dirty.insert(.roster)
        let row = rows.indices.contains(rosterSelection) ? rows[rosterSelection] : nil
        let selected = row?.key
        switch event {
        case .key(.escape):
            // First the filter goes, then the focus.
            if rosterFilter.isEmpty { setFocus(.input) } else { setRosterFilter("") }
        case .key(.up), .character("k"): moveSelection(-1, rows)
        case .key(.down), .character("j"): moveSelection(1, rows)
        case .key(.pageUp): moveSelection(-(layout?.roster?.height ?? 10), rows)
        case .key(.pageDown): moveSelection(layout?.roster?.height ?? 10, rows)
        case .key(.home): moveSelection(-rows.count, rows)
        case .key(.end): moveSelection(rows.count, rows)
        case .key(.enter), .character(" "):
            if let selected {
                switch row?.kind {
                // A room we are not in (a bookmark's) is entered; an invitation is accepted.
                case .room?: model.enterRoom(selected)
                case .invitation?: model.acceptInvitation(selected)
                default: break
                }
                model.openChat(selected, focus: true)
                setFocus(.input)
            } else if case .account(let name)? = row?.kind {
                toggleFold(name)
            }
        case .character("z"):
            if let account = row?.account { toggleFold(account) }
        case .character("a"):
            if let account = row?.account ?? model.currentAccount?.name { ask(.addJID(account: account)) }
        case .character("d"):
            if case .invitation(let key)? = row?.kind {
                ask(.declineInvitation(key))
            } else if let selected {
                ask(.confirmRemove(selected))
            }
        case .character("r"):
            if let selected { ask(.rename(selected), initial: model.contact(selected)?.name ?? "") }
        case .character("g"):
            if let selected {
                ask(.groups(selected), initial: (model.contact(selected)?.groups ?? []).joined(separator: ", "))
            }
        case .character("s"):
            if let selected {
                prompt = .subscription(selected)
                inputDirty = true
            }
        case .character("/"):
            ask(.filter, initial: rosterFilter)
        default: break
        }
    }

    /// Folds an account's part of the roster to its header, or unfolds it.
    func toggleFold(_ account: String) {
        if foldedAccounts.remove(account) == nil { foldedAccounts.insert(account) }
        rosterRows = []
        if let header = currentRosterRows().firstIndex(where: { $0.kind == .account(account) }) {
            rosterSelection = header
        }
        dirty.insert(.roster)
    }

    func setRosterFilter(_ text: String) {
        rosterFilter = text
        rosterRows = []
        rosterSelection = 0
        dirty.insert(.roster)
    }

    /// Moves the selection by `delta` rows, skipping headers (towards the movement, else back).
    func moveSelection(_ delta: Int, _ rows: [RosterView.Row]) {
        if let index = Self.selection(from: rosterSelection, by: delta, count: rows.count, { rows[$0].isSelectable }) {
            rosterSelection = index
        }
    }

    /// The row `delta` rows from `current` (kept within `count`), moved further over rows that
    /// cannot be selected, towards the movement, else back; nil when no row can be.
    static func selection(from current: Int, by delta: Int, count: Int, _ selectable: (Int) -> Bool) -> Int? {
        guard count > 0 else { return nil }
        let target = max(0, min(count - 1, current + delta))
        let step = delta >= 0 ? 1 : -1
        var index = target
        while (0..<count).contains(index) && !selectable(index) { index += step }
        if !(0..<count).contains(index) {
            index = target
            while (0..<count).contains(index) && !selectable(index) { index -= step }
        }
        return (0..<count).contains(index) ? index : nil
    }

    func currentRosterRows() -> [RosterView.Row] {
        if rosterRows.isEmpty {
            rosterRows = rosterView.rows(model: model, filter: rosterFilter, folded: foldedAccounts)
        }
        if rosterSelection >= rosterRows.count { rosterSelection = max(0, rosterRows.count - 1) }
        if rosterRows.indices.contains(rosterSelection) && !rosterRows[rosterSelection].isSelectable {
            moveSelection(1, rosterRows)
        }
        return rosterRows
    }

    /// The contact selected in the roster pane.
    public var selectedContact: ConversationKey? {
        let rows = currentRosterRows()
        return rows.indices.contains(rosterSelection) ? rows[rosterSelection].key : nil
    }
}
