import ArgumentParser
import Networking
import XMPPClient
import XMPPCore
import XMPPExtensions

/// `tern echo-bot`: an account that accepts every contact and repeats what it is told — the demo
/// contact of scripts/tern, built on Tern's own core. With `--room` it also sits in that room,
/// answers the lines that name it, and invites the demo account there once.
struct EchoBotCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "echo-bot",
        abstract: "Run an account that answers every message with its echo (for the demo).",
        shouldDisplay: false
    )

    @OptionGroup var accountOptions: AccountOptions

    @Option(help: "Ask this JID to be friends and greet it once (the demo account).")
    var befriend: String?

    @Option(help: "Sit in this room (created if needed) and answer the lines that name the bot.")
    var room: String?

    func run() throws {
        let (_, settings) = loadAccount(accountOptions)
        let loop: EventLoop
        do {
            loop = try EventLoop()
        } catch {
            exitWithFailure(error.description)
        }
        let bot = EchoBot(
            loop: loop, settings: settings, friend: befriend.flatMap { JID(parsing: $0) },
            room: room.flatMap { JID(parsing: $0)?.bare })
        bot.start()
        loop.run()
    }
}

final class EchoBot {
    let loop: EventLoop
    let settings: ConnectionSettings
    let friend: JID?
    let room: JID?
    /// The bot's nick in the room, and the word that makes it answer there.
    static let nick = "echo"
    private var connection: XMPPConnection?
    private let presence = PresenceManager()
    private let messages = MessageHandler()
    private let roster = RosterManager()
    private var rosterItems: [JID: RosterItem] = [:]

    init(loop: EventLoop, settings: ConnectionSettings, friend: JID?, room: JID?) {
        self.loop = loop
        self.settings = settings
        self.friend = friend
        self.room = room
        roster.onUpdate = { [unowned self] update in
            if update.replacesAll { rosterItems = [:] }
            for item in update.items { rosterItems[item.jid] = item }
            for jid in update.removed { rosterItems[jid] = nil }
            if update.replacesAll { befriend() }
        }
        presence.onSubscription = { [unowned self] contact, event in
            guard case .requested = event, let session = connection?.session else { return }
            presence.send(.allow, to: contact, in: session)
            presence.send(.request, to: contact, in: session)
        }
        messages.onMessage = { [unowned self] message, _ in reply(to: message) }
    }

    func start() {
        let connection = XMPPConnection(
            loop: loop, settings: settings,
            extensions: [PingResponder(), DiscoInfoResponder(), roster, presence, messages])
        self.connection = connection
        connection.onEvent = { [unowned self] event in
            switch event {
            case .established:
                presence.setPresence(.chat, status: "I repeat what you say", priority: 1, in: connection.session)
                enterRoom(connection.session)
            case .disconnected:
                self.connection = nil
                loop.schedule(after: .seconds(2)) { [weak self] in self?.start() }
            default:
                break
            }
        }
        connection.connect()
    }

    /// On the first run: adds the demo account, pre-approves it, asks for its presence and says hello.
    private func befriend() {
        guard let friend, rosterItems[friend] == nil, let session = connection?.session else { return }
        roster.set(RosterItem(jid: friend, name: "Demo user"), in: session)
        presence.send(.allow, to: friend, in: session)
        presence.send(.request, to: friend, in: session)
        session.send(
            Message.chat(
                to: friend,
                body: "Hello! I am the echo bot: write me anything and I will repeat it. "
                    + "Press F2 to reach the roster, Alt-1 for the console, /help for the commands.",
                id: session.makeID()))
        if let room {
            session.send(
                MUCInvitation.direct(
                    to: friend, room: room, reason: "the demo room: name me (echo) there and I answer",
                    id: session.makeID()))
        }
    }

    /// Enters the demo room without its history, and unlocks it if this made it (an instant
    /// room, XEP-0045 §10.1.2: a room we did not make refuses, which is fine).
    private func enterRoom(_ session: XMPPSession) {
        guard let room, let join = try? MUCJoin.presence(room: room, nick: Self.nick, historyStanzas: 0) else { return }
        session.send(join)
        session.sendIQ(MUCOwner.createInstantRoom(room: room, id: session.makeID())) { _ in }
    }

    private func reply(to message: ChatMessage) {
        if message.type == "groupchat" {
            replyInRoom(to: message)
            return
        }
        guard let session = connection?.session, let from = message.from, let body = message.body,
            message.type == "chat" || message.type == "normal", from.bare != session.boundJID.bare,
            message.replaces == nil
        else { return }
        let text = body.hasPrefix("/me ") ? "/me also \(body.dropFirst(4))" : "echo: \(body)"
        session.send(Message.chat(to: from, body: text, id: session.makeID()))
    }

    /// A line in the room that names the bot (not its own, not the room's) gets its echo.
    private func replyInRoom(to message: ChatMessage) {
        guard let session = connection?.session, let room, let from = message.from, from.bare == room,
            let nick = from.resourcepart, nick != Self.nick, let body = message.body, message.delay == nil,
            body.lowercased().contains(Self.nick)
        else { return }
        session.send(OutgoingMessage.groupchat(to: room, body: "\(nick): echo: \(body)", id: session.makeID()))
    }
}
