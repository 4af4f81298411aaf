import ArgumentParser
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

    @Argument(help: "The recipient's JID.")
    var recipient: String

    @Argument(help: "The message text (or --stdin).")
    var text: String?

    @Flag(help: "Read the message text from standard input.")
    var stdin = false

    @Option(help: "Give up after this many seconds.")
    var timeout: Int = 30

    @Option(name: .long, help: "The database to record the message in (default: $XDG_DATA_HOME/tern/tern.sqlite).")
    var database: String?

    func validate() throws {
        guard JID(parsing: recipient) != nil else {
            throw ValidationError("\"\(recipient)\" is not a valid JID")
        }
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
        let outcome = OneShotSend(loop: loop, settings: settings, recipient: recipient, text: body)
        loop.schedule(after: .seconds(timeout)) { outcome.give(up: "timed out after \(timeout) seconds") }
        outcome.start()
        loop.run { outcome.result != nil }
        history.record(outcome, recipient: recipient, text: body)
        if case .failure(let message) = outcome.result { exitWithFailure(message) }
    }
}

/// The state of one `tern send`: connect, send, confirm, disconnect.
///
/// The message counts as sent once the server has processed it: its answer to a ping sent after
/// it (a stream is handled in order) and, on a stream-managed stream, its acknowledgement of the
/// message. An error the server returns for the message before then fails the send.
final class OneShotSend {
    enum Outcome {
        case success
        case failure(String)
    }

    private(set) var result: Outcome?
    private let connection: XMPPConnection
    private let recipient: JID
    private let text: String
    private(set) var sentID: String?
    private(set) var sentFrom: JID?
    /// The server's error for the message, if it sent one.
    private(set) var rejection: String?
    private(set) var authentication: Authentication?
    private var pinged = false
    /// The stream-management number of the message, until the server acknowledges it.
    private var awaitingAck: UInt32?

    init(loop: EventLoop, settings: ConnectionSettings, recipient: JID, text: String) {
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

    private func handle(_ event: ConnectionEvent) {
        switch event {
        case .authenticated(let authentication):
            self.authentication = authentication
        case .established:
            // No initial presence: a send-only session must not take the account's offline messages.
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
        case .stanza(let stanza):
            guard stanza.stanzaKind == .message, stanza.type == "error", stanza.id == sentID, rejection == nil else {
                return
            }
            let error = StanzaError(stanza: stanza) ?? StanzaError(.undefinedCondition)
            rejection = error.description
            give(up: "the message to \(recipient) came back: \(error)")
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

    var confirmed: Bool {
        if case .success = result { true } else { false }
    }

    private func confirmIfDone() {
        guard pinged, awaitingAck == nil, result == nil, rejection == nil else { return }
        result = .success
        connection.disconnect()
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

    var channelBinding: ChannelBindingType? {
        guard case .success(let (store, accountID)) = opened else { return nil }
        return (try? store.channelBinding(account: accountID)).flatMap { $0 }.flatMap(
            ChannelBindingType.init(rawValue:))
    }

    var pinnedMechanism: String? {
        guard case .success(let (store, accountID)) = opened else { return nil }
        return (try? store.pinnedMechanism(account: accountID)) ?? nil
    }

    /// Records the message as the server left it (acknowledged, failed with its error, or sent
    /// without a confirmation), and the mechanism and channel binding that worked.
    func record(_ send: OneShotSend, recipient: JID, text: String) {
        guard let sentID = send.sentID else { return }
        do {
            let (store, accountID) = try opened.get()
            let outcome = try store.insert(
                NewMessage(
                    conversation: recipient.bare, outgoing: true, sender: (send.sentFrom ?? account.jid).description,
                    senderKey: account.jid.description, recipient: recipient.description, body: text,
                    timestamp: Clock.nowMilliseconds(), idAttribute: sentID, originID: sentID,
                    state: send.confirmed ? .acked : .sent),
                account: accountID)
            if let rejection = send.rejection, case .inserted = outcome {
                try store.markFailed(
                    account: accountID, conversation: recipient.bare, idAttribute: sentID, error: rejection)
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
