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

    /// The terminal changed size.
    func resize(rows: Int, columns: Int) {
        screen.resize(rows: rows, columns: columns)
        controller.resize(rows: rows, columns: columns)
    }

    /// The rows of the chat pane, without the roster part.
    func chatRows() -> [String] {
        render()
        guard let layout = controller.layout else { return [] }
        return (layout.chat.row..<(layout.chat.row + layout.chat.height)).map { row in
            String(screen.text(row: row).dropFirst(layout.chat.column))
        }
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
            guard let layout = controller.layout else { return [] }
            return (layout.chat.row..<(layout.chat.row + layout.chat.height)).map { row in
                String(screen.text(row: row).dropFirst(layout.chat.column))
            }
        }
    }
}

extension UISettings {
    /// The chat pane alone (no roster beside it).
    static var withoutRoster: UISettings {
        var settings = UISettings()
        settings.rosterVisible = false
        return settings
    }
}
