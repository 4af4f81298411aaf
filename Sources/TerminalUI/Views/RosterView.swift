import ChatModel
import SafeText

/// The roster pane: contacts grouped by roster group (or flat, or by presence), each with a
/// presence indicator, unread count and name; pending subscription requests on top. With several
/// accounts, each account's part comes under its header (which folds).
public final class RosterView {
    /// One row of the pane.
    public struct Row: Hashable {
        public enum Kind: Hashable {
            case header(String)
            /// An account's header (with several accounts): its name and state.
            case account(String)
            case contact(ConversationKey)
            case request(ConversationKey)
            /// An invitation to a room, under Requests.
            case invitation(ConversationKey)
            /// A room under Rooms.
            case room(ConversationKey)
            case hiddenOffline(Int)
            /// The filter in force (always the first row while there is one).
            case filter(String)
        }

        public var kind: Kind
        public var text: String
        public var element: String
        /// The account the row belongs to (nil for the filter line).
        public var account: String?

        public var key: ConversationKey? {
            switch kind {
            case .contact(let key), .request(let key), .room(let key), .invitation(let key): key
            case .header, .account, .hiddenOffline, .filter: nil
            }
        }

        /// Contacts, requests and account headers take the selection; other headers do not.
        public var isSelectable: Bool {
            switch kind {
            case .contact, .request, .account, .room, .invitation: true
            case .header, .hiddenOffline, .filter: false
            }
        }
    }

    public init() {}

    /// The rows to show, in order; `filter` keeps contacts whose name or JID contains it; the
    /// accounts in `folded` show only their header.
    public func rows(model: AppModel, filter: String = "", folded: Set<String> = []) -> [Row] {
        var rows: [Row] = []
        if !filter.isEmpty {
            rows.append(
                Row(
                    kind: .filter(filter), text: "filter: " + TerminalSafe.sanitize(filter) + " (Esc clears)",
                    element: "roster.header"))
        }
        let several = model.hasSeveralAccounts
        for account in model.accountRows {
            if several {
                rows.append(header(account, model: model, folded: folded.contains(account.name)))
                if folded.contains(account.name) { continue }
            }
            rows += accountRows(account.name, model: model, filter: filter)
        }
        if !filter.isEmpty && !rows.contains(where: { $0.key != nil }) {
            rows.append(Row(kind: .header("no match"), text: "no contact matches", element: "roster.offline"))
        }
        return rows
    }

    /// An account's header: fold mark, name and connection state; folded, its unread total.
    func header(_ account: AccountRow, model: AppModel, folded: Bool) -> Row {
        var text =
            (folded ? "▸ " : "▾ ") + TerminalSafe.sanitize(account.name) + " · "
            + account.status.summary(now: model.now)
        if folded {
            let unread = model.unreadCounts.reduce(0) { $0 + ($1.key.account == account.name ? $1.value : 0) }
            if unread > 0 { text += " (\(unread))" }
        }
        return Row(
            kind: .account(account.name), text: text,
            element: account.status.isOnline ? "roster.header" : "roster.offline", account: account.name)
    }

    /// The account headers again (their state changes with no other row): the rest stays.
    /// Returns whether a row changed.
    public func updateHeaders(_ rows: inout [Row], model: AppModel, folded: Set<String>) -> Bool {
        guard model.hasSeveralAccounts else { return false }
        let accounts = Dictionary(model.accountRows.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        var changed = false
        for index in rows.indices {
            guard case .account(let name) = rows[index].kind, let account = accounts[name] else { continue }
            let fresh = header(account, model: model, folded: folded.contains(name))
            if fresh != rows[index] {
                rows[index] = fresh
                changed = true
            }
        }
        return changed
    }

    /// One account's requests and contacts.
    private func accountRows(_ account: String, model: AppModel, filter: String) -> [Row] {
        var rows: [Row] = []
        let folded = filter.lowercased()
        func matches(_ key: ConversationKey, _ name: String?) -> Bool {
            folded.isEmpty || key.address.contains(folded) || (name ?? key.address).lowercased().contains(folded)
        }
        // Invitations to rooms (⇥), requests to see our presence (?) and people not in the roster
        // who wrote (✉, unread).
        let invitations = model.invitations(of: account).filter { matches($0.key, $0.inviter) }
        let requests = model.requests(of: account).filter { matches($0.key, nil) }
        if !requests.isEmpty || !invitations.isEmpty {
            rows.append(Row(kind: .header("Requests"), text: "Requests", element: "roster.header", account: account))
            rows += invitations.map { invitationRow($0) }
            rows += requests.map { requestRow($0) }
        }
        // Rooms we are in or will enter again, and bookmarked ones, with their unread and highlight
        // counts.
        let rooms = model.rooms(of: account).filter { matches($0.key, $0.name) }
        if !rooms.isEmpty {
            rows.append(Row(kind: .header("Rooms"), text: "Rooms", element: "roster.header", account: account))
            rows += rooms.map { roomRow($0) }
        }
        let contacts = model.contacts(of: account).filter { matches($0.key, $0.name) }
        // Each name is folded once, not once per comparison; names alike but for case by address
        // (the model lists contacts in no particular order).
        func sorted(_ items: [ContactRow]) -> [ContactRow] {
            items.map { (($0.name ?? $0.key.address).lowercased(), $0) }
                .sorted { ($0.0, $0.1.key.address) < ($1.0, $1.1.key.address) }.map(\.1)
        }
        func section(_ title: String?, _ items: [ContactRow]) {
            let shown = model.settings.showOffline ? items : items.filter { !$0.presence.isOffline }
            guard !items.isEmpty else { return }
            if let title {
                rows.append(
                    Row(
                        kind: .header(title), text: TerminalSafe.sanitize(title), element: "roster.header",
                        account: account))
            }
            rows += sorted(shown).map { contactRow($0) }
            if shown.count < items.count {
                let hidden = items.count - shown.count
                rows.append(
                    Row(
                        kind: .hiddenOffline(hidden), text: "  (\(hidden) offline)", element: "roster.offline",
                        account: account))
            }
        }
        switch model.settings.rosterGrouping {
        case .flat:
            section(nil, contacts)
        case .presence:
            section("Online", contacts.filter { !$0.presence.isOffline })
            let offline = contacts.filter { $0.presence.isOffline }
            if model.settings.showOffline {
                section("Offline", offline)
            } else if !offline.isEmpty {
                rows.append(
                    Row(
                        kind: .hiddenOffline(offline.count), text: "  (\(offline.count) offline)",
                        element: "roster.offline", account: account))
            }
        case .group:
            var groups: [String: [ContactRow]] = [:]
            var ungrouped: [ContactRow] = []
            for item in contacts {
                if item.groups.isEmpty { ungrouped.append(item) }
                for group in item.groups { groups[group, default: []].append(item) }
            }
            for group in groups.keys.sorted(by: { ($0.lowercased(), $0) < ($1.lowercased(), $1) }) {
                section(group, groups[group]!)
            }
            section(groups.isEmpty ? nil : "Other", ungrouped)
        }
        return rows
    }

    /// A contact's row: presence, name, unread count and marks.
    func contactRow(_ contact: ContactRow) -> Row {
        let name = contact.name.map { TerminalSafe.sanitize($0) } ?? TerminalSafe.address(contact.key.address)
        var text = RosterView.indicator(contact.presence) + " " + name
        if contact.unread > 0 { text += " (\(contact.unread))" }
        if contact.pendingOut { text += " …" }
        if contact.blocked { text += " (blocked)" }
        if contact.muted { text += " (muted)" }
        let element = "roster." + (contact.presence == .online ? "online" : contact.presence.rawValue)
        return Row(kind: .contact(contact.key), text: text, element: element, account: contact.key.account)
    }

    /// A room's row: `#` when we are in it (else `○`), its name, its unread count and, after `!`,
    /// how many of those named us or a keyword (`# coven (12 !2)`).
    func roomRow(_ room: RoomRow) -> Row {
        var text = (room.isIn ? "# " : "○ ") + TerminalSafe.sanitize(room.title)
        if room.unread > 0 {
            text += room.highlights > 0 ? " (\(room.unread) !\(room.highlights))" : " (\(room.unread))"
        }
        let element: String
        switch room.state {
        case .joined where room.highlights > 0: element = "roster.highlight"
        case .joined: element = room.unread > 0 ? "roster.unread" : "roster.online"
        case .joining, .offline, .left: element = "roster.offline"
        }
        return Row(kind: .room(room.key), text: text, element: element, account: room.key.account)
    }

    /// A row under Requests: a subscription request (?), a stranger who wrote (✉), or both.
    func requestRow(_ request: RequestRow) -> Row {
        var marks = request.askedForPresence ? "? " : ""
        if request.wrote { marks += "✉ " }
        var text = marks + TerminalSafe.address(request.key.address)
        if request.unread > 0 { text += " (\(request.unread))" }
        return Row(kind: .request(request.key), text: text, element: "roster.pending", account: request.key.account)
    }

    /// An invitation under Requests: the room, and who invites.
    func invitationRow(_ invitation: InvitationRow) -> Row {
        var text = "⇥ " + TerminalSafe.address(invitation.key.address)
        if let inviter = invitation.inviter { text += " from " + TerminalSafe.address(inviter) }
        return Row(
            kind: .invitation(invitation.key), text: text, element: "roster.pending", account: invitation.key.account)
    }

    /// The rows again after the unread count or presence of `conversation` changed: only its rows are
    /// rebuilt (and, with several accounts, its folded account's header). `positions` maps each
    /// conversation to its rows (a contact in several groups has several).
    public func updateRows(
        _ rows: inout [Row], positions: [ConversationKey: [Int]], conversation: ConversationKey, model: AppModel
    ) {
        for index in positions[conversation] ?? [] {
            switch rows[index].kind {
            case .contact(let key):
                if let contact = model.contact(key) { rows[index] = contactRow(contact) }
            case .request(let key):
                rows[index] = requestRow(model.request(key))
            case .room(let key):
                if let room = model.room(key) { rows[index] = roomRow(room) }
            case .header, .account, .hiddenOffline, .filter, .invitation:
                break
            }
        }
    }

    /// Where each contact's rows are, for `updateRows`.
    public static func positions(of rows: [Row]) -> [ConversationKey: [Int]] {
        var positions: [ConversationKey: [Int]] = [:]
        for (index, row) in rows.enumerated() {
            if let key = row.key { positions[key, default: []].append(index) }
        }
        return positions
    }

    static func indicator(_ availability: PresenceShown) -> String {
        switch availability {
        case .chat, .online: "●"
        case .away: "◐"
        case .xa: "◑"
        case .dnd: "⊘"
        case .offline: "○"
        }
    }

    /// Draws the rows, scrolled so that `selected` is visible; returns the first row shown.
    @discardableResult
    public func render(
        _ rows: [Row],
        selected: Int?,
        focused: Bool,
        scroll: Int,
        theme: Theme,
        canvas: some Canvas,
        rect: Rect
    ) -> Int {
        var first = scroll
        if let selected {
            if selected < first { first = selected }
            if selected >= first + rect.height { first = selected - rect.height + 1 }
        }
        first = max(0, min(first, max(0, rows.count - rect.height)))
        for line in 0..<rect.height {
            let index = first + line
            let target = rect.row + line
            guard index < rows.count else {
                canvas.fill(row: target, column: rect.column, width: rect.width, style: .plain)
                continue
            }
            var style = theme.style(rows[index].element)
            if focused && index == selected { style = theme.style("roster.selected") }
            canvas.drawLine(
                TextWidth.truncate(rows[index].text, to: rect.width), row: target, column: rect.column,
                width: rect.width,
                style: style)
        }
        return first
    }
}
