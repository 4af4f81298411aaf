import ChatModel
import ChatRuntime
import ChatStore
import Foundation
import Glibc
import HTTPTransfer
import Networking
import SafeText
import Subprocess
import TerminalUI
import TernConfig
import XMPPClient
import XMPPCore

/// Wires the interactive client together: one event loop for the terminal, every account's
/// connection and the database; the model; the UI; signals.
final class InteractiveApp {
    let loop: EventLoop
    let model: AppModel
    let scheduler: EventLoopScheduler
    let databasePath: String
    private var terminal: CursesTerminal?
    private var controller: UIController?
    private var decoder = KeyDecoder()
    /// Set once by whatever ends the session (/quit, Ctrl-C, a signal, the terminal going away);
    /// the loop then finishes its iteration and `shutDown()` runs exactly once.
    private var leaving = false
    private var watches: [EventLoop.WatchID] = []
    private var keyLatency: KeyLatencyLog?

    init(
        loop: EventLoop,
        store: ChatStore,
        configuration: TernConfiguration,
        accounts: [(configuration: AccountConfiguration, password: Result<String, PasswordError>)],
        databasePath: String
    ) {
        self.loop = loop
        self.databasePath = databasePath
        scheduler = EventLoopScheduler(loop: loop)
        var controllers: [AccountController] = []
        for (account, password) in accounts {
            let settings = account.connectionSettings(password: (try? password.get()) ?? "")
            do {
                let controller = try AccountController(
                    name: account.name, jid: account.jid, store: store, scheduler: scheduler
                ) { [loop] in LiveConnection(loop: loop, settings: $0.applied(to: settings)) }
                controller.fileTransfers = HTTPTransferClient(
                    loop: loop, extraAnchor: account.caFile, opener: configuration.files.opener,
                    downloadDirectory: configuration.files.downloadDirectory())
                if case .failure(let error) = password {
                    controller.cannotConnect =
                        error.description + "; the other accounts go on (restart Tern once it is fixed)"
                }
                controllers.append(controller)
            } catch {
                exitWithFailure(String(describing: error))
            }
        }
        autoconnect = Set(accounts.filter(\.configuration.autoconnect).map(\.configuration.name))
        var ui = UISettings()
        var problems: [String] = []
        for (key, value) in configuration.ui.settings.sorted(by: { $0.key < $1.key }) {
            if let problem = ui.set(key, value) { problems.append("\(configuration.file): [ui] \(problem)") }
        }
        if let theme = configuration.ui.theme { ui.theme = theme }
        var behaviour = AccountBehaviour()
        behaviour.sendReceipts = configuration.chat.receipts
        behaviour.sendMarkers = configuration.chat.markers
        behaviour.sendChatStates = configuration.chat.chatStates
        behaviour.autoAwayMinutes = configuration.chat.autoAwayMinutes
        behaviour.initialArchiveMessages = configuration.chat.archiveInitial
        behaviour.strangers = StrangerMessages(rawValue: configuration.chat.strangers.rawValue) ?? .requests
        behaviour.notifications = NotificationRules(configuration.notifications)
        for controller in controllers { controller.behaviour = behaviour }
        model = AppModel(
            accounts: controllers, settings: ui, scheduler: scheduler, settingsStore: store,
            defaultAccount: configuration.defaultAccountName)
        notifications = configuration.notifications
        for problem in problems { model.addNotice(problem, level: .warning) }
        model.onNotification = { [unowned self] notification in notify(notification) }
    }

    private let notifications: NotificationConfiguration
    /// The accounts that connect at start (`autoconnect`, on unless set off).
    private let autoconnect: Set<String>
    private var coalescer = NotificationCoalescer()

    /// The bell and the notify command, at the pace `NotificationCoalescer` allows.
    private func notify(_ notification: ChatModel.Notification) {
        perform(
            coalescer.arrived(
                notification, now: scheduler.now, bell: notifications.bell, command: notifications.command != nil))
    }

    private func perform(_ actions: [NotificationCoalescer.Action]) {
        for action in actions {
            switch action {
            case .bell: terminal?.bell()
            case .run(let notification): run(notifications.command ?? "", for: notification)
            }
        }
    }

    /// The notify command with the message in its environment, run off the loop thread so that a
    /// slow command never freezes the screen.
    private func run(_ command: String, for notification: ChatModel.Notification) {
        let environment = [
            "TERN_ACCOUNT": TerminalSafe.sanitize(notification.account),
            "TERN_FROM": TerminalSafe.sanitize(notification.conversation.description),
            "TERN_SENDER": TerminalSafe.sanitize(notification.sender),
            "TERN_TEXT": TerminalSafe.sanitize(notification.text),
        ]
        loop.runInBackground {
            (try? Subprocess.run("/bin/sh", ["-c", command], environment: environment))?.status ?? -1
        } completion: { [weak self] status in
            guard let self else { return }
            if status != 0 { model.addNotice("the notify command failed (status \(status))", level: .warning) }
            perform(coalescer.commandFinished(account: notification.account))
        }
    }

    /// Runs until /quit, a signal or the end of the terminal. `exitAfterFirstFrame` is for the
    /// start-up benchmark.
    func run(connect: Bool, exitAfterFirstFrame: Bool = false) {
        let signals = SignalPipe.install()
        let terminal = CursesTerminal(environment: ProcessInfo.processInfo.environment)
        self.terminal = terminal
        keyLatency = KeyLatencyLog(environment: ProcessInfo.processInfo.environment)
        let controller = UIController(
            model: model, themes: ThemeLibrary(), colorCount: terminal.colorCount, rows: terminal.rows,
            columns: terminal.columns, clock: { Clock.nowMilliseconds() })
        self.controller = controller
        watches.append(
            loop.watch(0, for: .readable) { [unowned self] events in
                // A hang-up or error on the terminal: nobody is there to type or to read.
                if events.hasFailed {
                    self.leaving = true
                } else {
                    // What the keys changed is drawn before the network's share of this turn.
                    self.readKeys()
                    self.render()
                }
            })
        if signals >= 0 {
            watches.append(
                loop.watch(signals, for: .readable) { [unowned self] _ in
                    SignalPipe.drain(signals)
                    self.leaving = true
                })
        }
        tickEverySecond()
        checkDatabaseInBackground()
        model.addNotice("Tern started; type /help for commands, F2 for the roster, Alt-1…9 for windows")
        if connect {
            for account in model.accounts where autoconnect.contains(account.name) { account.connect() }
        }
        render()
        if exitAfterFirstFrame {
            terminal.restore()
            return
        }
        while !leaving {
            loop.runOnce(maximumWait: controller.needsRender ? pacing.wait(at: loop.now) : nil)
            // A resize interrupts poll; ncurses reports it as a key.
            if !leaving { readKeys() }
            if model.quitRequested { leaving = true }
            if !leaving { render() }
        }
        shutDown()
        terminal.restore()
    }

    private func readKeys() {
        guard let terminal, let controller else { return }
        let inputs = terminal.readInput()
        guard !inputs.isEmpty else { return }
        let events = decoder.decode(inputs)
        keyLatency?.read(events.count)
        for event in events {
            if case .resize = event {
                controller.resize(rows: terminal.rows, columns: terminal.columns)
                terminal.clearScreen()
            }
            if case .control("l") = event { terminal.clearScreen() }
            controller.handle(event)
        }
        pacing.keyHandled()
    }

    /// At most one screen update per frame for what the network brings, however fast messages
    /// arrive (what comes in between is drawn together); at once after a key.
    private var pacing = FramePacing()

    private func render() {
        guard let terminal, let controller else { return }
        if let payload = controller.takeClipboard() { terminal.copyToClipboard(base64: payload) }
        if controller.needsRender {
            guard pacing.wait(at: loop.now) == .zero else { return }
            pacing.drawn(at: loop.now)
            controller.render(on: terminal.canvas)
            terminal.flush()
            keyLatency?.drawn()
        }
        // After the screen is current: prepare what the next keys will need.
        controller.idleWork()
    }

    private func tickEverySecond() {
        loop.schedule(after: .seconds(1)) { [weak self] in
            guard let self else { return }
            if self.model.accounts.contains(where: { if case .reconnecting = $0.status { true } else { false } }) {
                self.controller?.tick()
            }
            if Clock.nowMilliseconds() / 1000 % 60 == 0 { self.controller?.tick() }
            self.tickEverySecond()
        }
    }

    /// `PRAGMA quick_check` on a second connection, off the loop thread: a damaged database is
    /// reported without delaying the start.
    private func checkDatabaseInBackground() {
        let path = databasePath
        loop.runInBackground {
            do {
                try ChatStore(path: path).checkIntegrity()
                return nil as String?
            } catch {
                return String(describing: error)
            }
        } completion: { [weak self] problem in
            if let problem { self?.model.addNotice(problem, level: .error) }
        }
    }

    /// Logs out politely (waiting at most a second for the server), with the terminal and signals
    /// no longer watched, so that nothing arriving meanwhile can start another shutdown.
    private func shutDown() {
        for watch in watches { loop.unwatch(watch) }
        watches.removeAll()
        for account in model.accounts { account.disconnect() }
        let deadline = loop.now + .seconds(1)
        while model.accounts.contains(where: { $0.status == .online || $0.status == .connecting }), loop.now < deadline
        {
            loop.runOnce(maximumWait: .milliseconds(50))
        }
    }
}
