import ArgumentParser
import ChatModel
import ChatStore
import Glibc
import Networking
import TernConfig
import XMPPClient
import XMPPCore
import XMPPExtensions

/// `tern send JID TEXT`: log in, send one message, confirm a server round trip, log out.
struct SendCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "send",
        abstract: "Send one message and exit (0 once the server has it, 1 with the reason otherwise)."
    )

    @OptionGroup var accountOptions: AccountOptions

    @Argument(help: "The recipient's JID (a room's with --groupchat).")
    var recipient: String

    @Argument(help: "The message text (or --stdin).")
    var text: String?

    @Flag(help: "Read the message text from standard input.")
    var stdin = false

    @Flag(
        help: """
            The recipient is a room (XEP-0045): enter it as the nick Tern is in it with (else the \
            account's name), send, wait for the room to pass the message on, and leave.
            """)
    var groupchat = false

    @Flag(
        help: """
            Encrypt with OMEMO to every device of the recipient you trust (and your other devices), \
            with this device's keys from the database: never sent in plaintext; fails with the reason \
            when it cannot be encrypted. The interactive tern must not be running on the database. \
            A chat Tern encrypts (/omemo on) is always sent this way.
            """)
    var omemo = false

    @Option(help: "Give up after this many seconds.")
    var timeout: Int = 30

    @Option(name: .long, help: "The database to record the message in (default: $XDG_DATA_HOME/tern/tern.sqlite).")
    var database: String?

    func validate() throws {
        guard let jid = JID(parsing: recipient) else {
            throw ValidationError("\"\(recipient)\" is not a valid JID")
        }
        if groupchat && (jid.localpart == nil || jid.resourcepart != nil) {
            throw ValidationError("--groupchat needs a room's address (room@service)")
        }
        if omemo && groupchat { throw ValidationError("--omemo works for chats, not with --groupchat yet") }
        if stdin && text != nil { throw ValidationError("give the text or --stdin, not both") }
        if !stdin && text?.isEmpty != false { throw ValidationError("the message text is empty") }
        guard timeout > 0 else { throw ValidationError("--timeout must be positive") }
    }

    func run() throws {
        var body = text ?? ""
        if stdin {
            var bytes: [UInt8] = []
            var buffer = [UInt8](repeating: 0, count: 65_536)
            while case let count = read(0, &buffer, buffer.count), count > 0 { bytes += buffer[0..<count] }
            body = String(decoding: bytes, as: UTF8.self)
            while body.last?.isNewline == true { body.removeLast() }
            guard !body.isEmpty else { exitWithFailure("nothing to send on standard input") }
        }
        let (account, accountSettings) = loadAccount(accountOptions)
        guard let recipient = JID(parsing: recipient) else { return }
        let encrypted = SendHistory.isEncrypted(recipient, path: database ?? XDG.databasePath(), account: account)
        if encrypted && groupchat {
            exitWithFailure(
                "\(recipient) is encrypted (OMEMO) in Tern, and tern send cannot encrypt to a room yet: nothing was sent"
            )
        }
        if omemo || encrypted {
            let failure = OMEMOSend.run(
                account: account, settings: accountSettings, recipient: recipient, text: body,
                databasePath: database ?? XDG.databasePath(), timeout: timeout)
            if let failure { exitWithFailure(failure) }
            return
        }
        let history = SendHistory(path: database ?? XDG.databasePath(), account: account)
        var settings = accountSettings
        settings.session.resource = OneShotSend.resource(for: account.resource)
        settings.session.channelBinding = history.channelBinding
        settings.session.pinnedMechanism = history.pinnedMechanism
        let loop: EventLoop
        do {
            loop = try EventLoop()
        } catch {
            exitWithFailure(error.description)
        }
        let target: OneShotSend.Recipient =
            groupchat ? history.room(recipient, defaultNick: account.jid.localpart ?? "tern") : .chat(recipient)
        let outcome = OneShotSend(loop: loop, settings: settings, recipient: target, text: body)
        loop.schedule(after: .seconds(timeout)) { outcome.give(up: "timed out after \(timeout) seconds") }
        outcome.start()
        loop.run { outcome.result != nil }
        history.record(outcome)
        if case .failure(let message) = outcome.result { exitWithFailure(message) }
    }
}

/// The state of one `tern send`: connect, send, confirm, disconnect.
///
/// A chat message counts as sent once the server has processed it: its answer to a ping sent
/// after it (a stream is handled in order) and, on a stream-managed stream, its acknowledgement
/// of the message. An error the server returns for the message before then fails the send. A
/// room message counts as sent once the room passed it on (`MUCOneShotSend`).
final class OneShotSend {
    enum Outcome {
        case success
        case failure(String)
    }

    /// Where the message goes.
    enum Recipient {
        case chat(JID)
        /// A room, entered as `nick` (with `password` when it has one) for the message.
        case room(JID, nick: String, password: String?)
    }

    private(set) var result: Outcome?
    let connection: XMPPConnection
    let recipient: Recipient
    let text: String
    /// The visit to the room (`.room`), once the session is up (`OneShotSend+Room`).
    var room: MUCOneShotSend?
    /// The message's id (and origin-id), once it exists.
    var sentID: String?
    private(set) var sentFrom: JID?
    /// The server's error for the message, if it sent one.
    private(set) var rejection: String?
    private(set) var authentication: Authentication?
    private var pinged = false
    /// The stream-management number of the message, until the server acknowledges it.
    private var awaitingAck: UInt32?

    init(loop: EventLoop, settings: ConnectionSettings, recipient: Recipient, text: String) {
        connection = XMPPConnection(
            loop: loop, settings: settings, extensions: [PingResponder(), DiscoInfoResponder()])
        self.recipient = recipient
        self.text = text
    }

    /// `tern send` never takes over the interactive client's resource (the server would end that
    /// session): with a configured resource it uses a random one next to it, else the server's.
    static func resource(for configured: String?) -> String? {
        guard let configured else { return nil }
        let alphabet = Array("abcdefghijklmnopqrstuvwxyz0123456789")
        return configured + "-send-" + String((0..<6).map { _ in alphabet.randomElement()! })
    }

    func start() {
        connection.onEvent = { [unowned self] event in self.handle(event) }
        connection.connect()
    }

    func give(up reason: String) {
        guard result == nil else { return }
        result = .failure(reason)
    }

    /// The outcome is known: log out.
    func finish(_ outcome: Outcome) {
        guard result == nil else { return }
        result = outcome
        connection.disconnect()
    }

    private func handle(_ event: ConnectionEvent) {
        switch event {
        case .authenticated(let authentication):
            self.authentication = authentication
        case .established:
            // No initial presence: a send-only session must not take the account's offline
            // messages (a room is sent presence of its own).
            switch recipient {
            case .chat(let jid): sendChat(to: jid)
            case .room(let jid, let nick, let password): visit(jid, as: nick, password: password)
            }
        case .stanza(let stanza):
            if room != nil {
                perform(room?.receive(stanza) ?? [])
                return
            }
            guard stanza.stanzaKind == .message, stanza.type == "error", stanza.id == sentID, rejection == nil,
                case .chat(let jid) = recipient
            else { return }
            let error = StanzaError(stanza: stanza) ?? StanzaError(.undefinedCondition)
            rejection = error.description
            give(up: "the message to \(jid) came back: \(error)")
            connection.disconnect()
        case .streamManagement(.acknowledged(let h)):
            if let sequence = awaitingAck, !StreamResumption.isAfter(sequence, h) { awaitingAck = nil }
            confirmIfDone()
        case .streamManagement(.unavailable):
            awaitingAck = nil
            confirmIfDone()
        case .disconnected(let error):
            if let error, result == nil {
                give(up: error.description)
            } else if result == nil {
                result = .failure("the connection closed before the message was confirmed")
            }
        case .connecting, .secured, .resumed, .streamManagement, .discarded:
            return
        }
    }

    private func sendChat(to recipient: JID) {
        let session = connection.session
        let id = session.makeID()
        sentID = id
        sentFrom = session.boundJID
        awaitingAck = session.nextOutboundSequence
        connection.send(OutgoingMessage.chat(to: recipient, body: text, id: id, chatState: nil))
        let ping = XMLElement.iq(
            .get, id: session.makeID(), to: session.boundJID.domain,
            payload: XMLElement("ping", namespace: Namespace.ping))
        connection.sendIQ(ping) { [unowned self] result in
            switch result {
            case .success, .failure(.error):
                self.pinged = true
                self.confirmIfDone()
            case .failure(let failure):
                self.give(up: "the server did not confirm the message: \(failure)")
            }
        }
    }

    var confirmed: Bool {
        if case .success = result { true } else { false }
    }

    /// The message as the history keeps it, and the error it came back with; nil if it never
    /// went out.
    func sentMessage(account: JID) -> (message: NewMessage, rejection: String?)? {
        switch recipient {
        case .room: return roomMessage()
        case .chat(let jid):
            guard let sentID else { return nil }
            let message = NewMessage(
                conversation: jid.bare, outgoing: true, sender: (sentFrom ?? account).description,
                senderKey: account.description, recipient: jid.description, body: text,
                timestamp: Clock.nowMilliseconds(), idAttribute: sentID, originID: sentID,
                state: confirmed ? .acked : .sent)
            return (message, rejection)
        }
    }

    private func confirmIfDone() {
        guard pinged, awaitingAck == nil, rejection == nil else { return }
        finish(.success)
    }
}

/// The local history `tern send` reads the account's channel binding from and records the
/// message in; a database that cannot be opened only costs the local copy.
struct SendHistory {
    let opened: Result<(store: ChatStore, account: AccountID), any Error>
    let account: AccountConfiguration

    init(path: String, account: AccountConfiguration) {
        self.account = account
        opened = Result {
            let store = try ChatStore(path: path)
            return (store, try store.account(jid: account.jid, name: account.name))
        }
    }

    /// Whether the interactive client encrypts `chat` (OMEMO on in the database): then so does
    /// `tern send`, whether or not it was given `--omemo`.
    static func isEncrypted(_ chat: JID, path: String, account: AccountConfiguration) -> Bool {
        guard let store = try? ChatStore(path: path), let id = try? store.account(jid: account.jid, name: account.name)
        else { return false }
        return OMEMOFeature.isStoredOn(chat, account: id, in: store)
    }

    var channelBinding: ChannelBindingType? {
        guard case .success(let (store, accountID)) = opened else { return nil }
        return (try? store.channelBinding(account: accountID)).flatMap { $0 }.flatMap(
            ChannelBindingType.init(rawValue:))
    }

    var pinnedMechanism: String? {
        guard case .success(let (store, accountID)) = opened else { return nil }
        return (try? store.pinnedMechanism(account: accountID)) ?? nil
    }

    /// Where `tern send --groupchat` enters `room`: as the nick (and with the password) the
    /// interactive client is in it with, else as `defaultNick`.
    func room(_ room: JID, defaultNick: String) -> OneShotSend.Recipient {
        guard case .success(let (store, accountID)) = opened,
            let entry = RoomsFeature.storedEntry(of: room, account: accountID, in: store)
        else { return .room(room, nick: defaultNick, password: nil) }
        return .room(room, nick: entry.nick, password: entry.password)
    }

    /// Records the message as the server or the room left it (acknowledged or passed on, failed
    /// with its error, or sent without a confirmation), as the interactive client would, and the
    /// mechanism and channel binding that worked.
    func record(_ send: OneShotSend) {
        do {
            let (store, accountID) = try opened.get()
            if let (message, rejection) = send.sentMessage(account: account.jid),
                case .inserted = try store.insert(message, account: accountID), let rejection,
                let id = message.idAttribute
            {
                try store.markFailed(
                    account: accountID, conversation: message.conversation, idAttribute: id, error: rejection)
            }
            if let type = send.authentication?.channelBinding, type != channelBinding {
                try store.setChannelBinding(type.rawValue, account: accountID)
            }
            if let mechanism = send.authentication?.mechanism, mechanism != pinnedMechanism {
                try store.setPinnedMechanism(mechanism, account: accountID)
            }
        } catch {
            // The message went out (or came back); only the local copy is missing.
            printError("not recorded in the local history: \(error)")
        }
    }
}
