import ChatModel
import SafeText
import XMPPCore
import XMPPExtensions

/// The roster pane: contacts grouped by roster group (or flat, or by presence), each with a
/// presence indicator, unread count and name; pending subscription requests on top.
public final class RosterView {
    /// One row of the pane.
    public struct Row: Hashable {
        public enum Kind: Hashable {
            case header(String)
            case contact(JID)
            case request(JID)
            case hiddenOffline(Int)
            /// The filter in force (always the first row while there is one).
            case filter(String)
        }

        public var kind: Kind
        public var text: String
        public var element: String

        public var jid: JID? {
            switch kind {
            case .contact(let jid), .request(let jid): jid
            case .header, .hiddenOffline, .filter: nil
            }
        }
    }

    public init() {}

    /// The rows to show, in order; `filter` keeps contacts whose name or JID contains it.
    public func rows(model: AppModel, filter: String = "") -> [Row] {
        guard let account = model.account else { return [] }
        var rows: [Row] = []
        let folded = filter.lowercased()
        func matches(_ jid: JID) -> Bool {
            folded.isEmpty || jid.description.contains(folded) || account.displayName(jid).lowercased().contains(folded)
        }
        if !filter.isEmpty {
            rows.append(
                Row(
                    kind: .filter(filter), text: "filter: " + TerminalSafe.sanitize(filter) + " (Esc clears)",
                    element: "roster.header"))
        }
        // Requests to see our presence (?) and people not in the roster who wrote (✉, unread).
        let requests = account.subscriptionRequests.union(model.strangers).filter(matches).sorted()
        if !requests.isEmpty {
            rows.append(Row(kind: .header("Requests"), text: "Requests", element: "roster.header"))
            rows += requests.map { requestRow($0, model: model) }
        }
        let contacts = account.roster.values.filter { matches($0.jid) }
        // Each name is folded once, not once per comparison.
        func sorted(_ items: [RosterItem]) -> [RosterItem] {
            items.map { (account.displayName($0.jid).lowercased(), $0) }.sorted { $0.0 < $1.0 }.map(\.1)
        }
        func section(_ title: String?, _ items: [RosterItem]) {
            let shown =
                model.settings.showOffline
                ? items : items.filter { account.presenceManager.availability(of: $0.jid) != .offline }
            guard !items.isEmpty else { return }
            if let title {
                rows.append(Row(kind: .header(title), text: TerminalSafe.sanitize(title), element: "roster.header"))
            }
            rows += sorted(shown).map { contactRow($0, model: model) }
            if shown.count < items.count {
                let hidden = items.count - shown.count
                rows.append(Row(kind: .hiddenOffline(hidden), text: "  (\(hidden) offline)", element: "roster.offline"))
            }
        }
        switch model.settings.rosterGrouping {
        case .flat:
            section(nil, contacts)
        case .presence:
            let online = contacts.filter { account.presenceManager.availability(of: $0.jid) != .offline }
            section("Online", online)
            let offline = contacts.filter { account.presenceManager.availability(of: $0.jid) == .offline }
            if model.settings.showOffline {
                section("Offline", offline)
            } else if !offline.isEmpty {
                rows.append(
                    Row(
                        kind: .hiddenOffline(offline.count), text: "  (\(offline.count) offline)",
                        element: "roster.offline"))
            }
        case .group:
            var groups: [String: [RosterItem]] = [:]
            var ungrouped: [RosterItem] = []
            for item in contacts {
                if item.groups.isEmpty { ungrouped.append(item) }
                for group in item.groups { groups[group, default: []].append(item) }
            }
            for group in groups.keys.sorted(by: { $0.lowercased() < $1.lowercased() }) {
                section(group, groups[group]!)
            }
            section(groups.isEmpty ? nil : "Other", ungrouped)
        }
        if !filter.isEmpty && !rows.contains(where: { $0.jid != nil }) {
            rows.append(Row(kind: .header("no match"), text: "no contact matches", element: "roster.offline"))
        }
        return rows
    }

    /// A contact's row: presence, name, unread count and marks.
    func contactRow(_ item: RosterItem, model: AppModel) -> Row {
        guard let account = model.account else { return Row(kind: .contact(item.jid), text: "", element: "") }
        let availability = account.presenceManager.availability(of: item.jid)
        let name = item.name.map { TerminalSafe.sanitize($0) } ?? TerminalSafe.address(item.jid.description)
        var text = RosterView.indicator(availability) + " " + name
        if let count = model.unreadCounts[item.jid.description], count > 0 { text += " (\(count))" }
        if item.pendingOut { text += " …" }
        if account.blocking.blocked.contains(item.jid) { text += " (blocked)" }
        if account.muted.contains(item.jid.description) { text += " (muted)" }
        let element = "roster." + (availability == .online ? "online" : availability.rawValue)
        return Row(kind: .contact(item.jid), text: text, element: element)
    }

    /// A row under Requests: a subscription request (?), a stranger who wrote (✉), or both.
    func requestRow(_ jid: JID, model: AppModel) -> Row {
        let requested = model.account?.subscriptionRequests.contains(jid) == true
        var marks = requested ? "? " : ""
        if model.strangers.contains(jid) { marks += "✉ " }
        var text = marks + TerminalSafe.address(jid.description)
        if let count = model.unreadCounts[jid.description], count > 0 { text += " (\(count))" }
        return Row(kind: .request(jid), text: text, element: "roster.pending")
    }

    /// The rows again after the unread count of `conversation` changed: only its rows are
    /// rebuilt. `positions` maps each bare JID to its rows (a contact in several groups has
    /// several).
    public func updateUnread(
        _ rows: inout [Row], positions: [String: [Int]], conversation: String, model: AppModel
    ) {
        for index in positions[conversation] ?? [] {
            switch rows[index].kind {
            case .contact(let jid):
                if let item = model.account?.roster[jid] { rows[index] = contactRow(item, model: model) }
            case .request(let jid):
                rows[index] = requestRow(jid, model: model)
            case .header, .hiddenOffline, .filter:
                break
            }
        }
    }

    /// Where each contact's rows are, for `updateUnread`.
    public static func positions(of rows: [Row]) -> [String: [Int]] {
        var positions: [String: [Int]] = [:]
        for (index, row) in rows.enumerated() {
            if let jid = row.jid { positions[jid.description, default: []].append(index) }
        }
        return positions
    }

    static func indicator(_ availability: Availability) -> String {
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
