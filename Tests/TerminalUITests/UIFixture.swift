import ChatModel
import ChatStore
import Foundation
import TerminalUI
import TernConfig
import TestSupport
import XMPPCore

/// A UI on a headless screen, with a model on an in-memory store.
final class UIFixture {
    let store: ChatStore
    let scheduler = ManualScheduler(now: 1_764_000_000_000)
    let account: AccountController
    let model: AppModel
    let controller: UIController
    let screen: ScreenBuffer
    var connections: [HarnessConnection] = []

    init(
        rows: Int = 30, columns: Int = 100, store: ChatStore? = nil, settings: UISettings = UISettings(),
        colors: Int = 8
    ) {
        TextWidth.prepareLocale()
        setenv("TZ", "UTC", 1)
        tzset()
        self.store = store ?? (try! ChatStore.inMemory())
        let jid = try! JID("alice@example.org")
        let box = ConnectionBox()
        account = try! AccountController(name: "test", jid: jid, store: self.store, scheduler: scheduler) { _ in
            let connection = HarnessConnection(
                harness: SessionHarness(configuration: SessionConfiguration(jid: jid, password: "pw", resource: "tern"))
            )
            box.items.append(connection)
            return connection
        }
        self.box = box
        model = AppModel(accounts: [account], settings: settings, scheduler: scheduler)
        screen = ScreenBuffer(rows: rows, columns: columns)
        controller = UIController(
            model: model, themes: ThemeLibrary(environment: ["HOME": "/nonexistent"]), colorCount: colors, rows: rows,
            columns: columns, clock: { [scheduler] in scheduler.now })
        render()
    }

    private let box: ConnectionBox
    private var views: [View] = []
    final class ConnectionBox { var items: [HarnessConnection] = [] }
    var harness: SessionHarness { box.items.last!.harness }

    /// The conversation with `address` on the fixture's account.
    func key(_ address: String) throws -> ConversationKey {
        ConversationKey(account: account.name, jid: try JID(address))
    }

    /// Enters `room` as alice with `role` (the room answers disco#info with `name`), with
    /// `others` in it as participants; returns its conversation.
    @discardableResult
    func enter(_ room: String, name: String = "Coven", others: [String] = [], role: String = "participant") throws
        -> ConversationKey
    {
        account.feature(RoomsFeature.self)?.join(try JID(room), nick: "alice")
        try harness.answerRoomInfo(room, name: name)
        for nick in others { harness.serverSends(SessionHarness.occupantPresence(room: room, nick: nick)) }
        harness.serverSends(SessionHarness.occupantPresence(room: room, nick: "alice", role: role, codes: [110]))
        render()
        return try key(room)
    }

    /// Opens the chat with `contact` on the fixture's account.
    @discardableResult
    func open(_ contact: JID, focus: Bool) -> ChatWindow {
        model.openChat(model.conversation(contact, on: account), focus: focus)
    }

    /// Connects, answers the roster request with `roster`, and the archive catch-up from `archive`.
    func connect(roster: String = "", archive: ScriptedArchive? = nil) {
        account.connect()
        let written = harness.takeWrittenElements()
        if let request = written.first(where: { $0.child("query", namespace: "jabber:iq:roster") != nil }) {
            harness.serverSends(
                "<iq type='result' id='\(request.id!)'><query xmlns='jabber:iq:roster' ver='1'>\(roster)</query></iq>")
        }
        if let archive {
            archive.answer(written, in: harness)
            for _ in 0..<1_000 where archive.answerPending(in: harness) > 0 {}
        }
        render()
    }

    @discardableResult
    func render() -> String {
        controller.render(on: screen)
        return screen.text
    }

    func type(_ text: String) {
        for character in text { controller.handle(.character(character)) }
        render()
    }

    func press(_ event: KeyEvent) {
        controller.handle(event)
        render()
        controller.idleWork()
    }

    /// Stores messages with romeo, one a minute.
    func fill(_ count: Int, from: Int = 0, with romeo: JID = try! JID("romeo@example.net")) {
        let messages = (from..<from + count).map { index in
            NewMessage(
                conversation: romeo, outgoing: index % 2 == 1,
                sender: index % 2 == 1 ? "alice@example.org/tern" : "romeo@example.net/phone",
                senderKey: index % 2 == 1 ? "alice@example.org" : "romeo@example.net", body: "message \(index)",
                timestamp: 1_764_000_000_000 - Int64(count - index) * 60_000, stanzaID: "s\(index)",
                stanzaIDBy: "alice@example.org")
        }
        _ = try! store.insert(messages, account: account.accountID)
    }

    func row(_ index: Int) -> String { screen.text(row: index) }

    /// The screen position (row, column) of `text`, the first time it appears.
    func find(_ text: String) throws -> (row: Int, column: Int) {
        for row in 0..<screen.rows {
            let line = screen.text(row: row)
            if let range = line.range(of: text) { return (row, TextWidth.of(line[..<range.lowerBound])) }
        }
        throw NotOnScreen(description: "\"\(text)\" is not on screen:\n\(screen.text)")
    }

    struct NotOnScreen: Error, CustomStringConvertible {
        let description: String
    }

    /// The style `text` is drawn in (at its first character, the first time it appears).
    func style(of text: String) throws -> Style {
        let (row, column) = try find(text)
        return screen.style(row: row, column: column)
    }

    /// The terminal changed size.
    func resize(rows: Int, columns: Int) {
        screen.resize(rows: rows, columns: columns)
        controller.resize(rows: rows, columns: columns)
    }

    /// The rows of the chat pane, without the roster and occupants panes beside it.
    func chatRows() -> [String] {
        render()
        return controller.layout.map { screen.rows(of: $0.chat) } ?? []
    }
}

extension UIFixture {
    /// A second UI on the same model (a fresh view: nothing cached), alive as long as the
    /// fixture (the model keeps calling it).
    func freshView() -> View {
        let view = View(
            model: model, rows: screen.rows, columns: screen.columns, clock: { [scheduler] in scheduler.now })
        views.append(view)
        return view
    }

    final class View {
        let controller: UIController
        let screen: ScreenBuffer

        init(model: AppModel, rows: Int, columns: Int, clock: @escaping () -> Int64) {
            screen = ScreenBuffer(rows: rows, columns: columns)
            controller = UIController(
                model: model, themes: ThemeLibrary(environment: ["HOME": "/nonexistent"]), colorCount: 8, rows: rows,
                columns: columns, clock: clock)
        }

        func chatRows() -> [String] {
            controller.render(on: screen)
            return controller.layout.map { screen.rows(of: $0.chat) } ?? []
        }
    }
}

extension ScreenBuffer {
    /// What `rect` shows on `row` (trailing spaces removed).
    func text(row: Int, in rect: Rect) -> String {
        var line = ""
        for cell in cells[row][rect.column..<(rect.column + rect.width)] where !cell.isContinuation {
            line += cell.character
        }
        while line.last == " " { line.removeLast() }
        return line
    }

    /// The rows of a pane.
    func rows(of rect: Rect) -> [String] { (rect.row..<(rect.row + rect.height)).map { text(row: $0, in: rect) } }
}

extension UISettings {
    /// The chat pane alone (no roster beside it).
    static var withoutRoster: UISettings {
        var settings = UISettings()
        settings.rosterVisible = false
        return settings
    }
}
