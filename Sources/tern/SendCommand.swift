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
        let (account, settings) = loadAccount(accountOptions)
        guard let recipient = JID(parsing: recipient) else { return }
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
        if case .failure(let message) = outcome.result { exitWithFailure(message) }
        outcome.record(in: database ?? XDG.databasePath(), account: account)
    }
}

/// The state of one `tern send`: connect, send, ping, disconnect.
final class OneShotSend {
    enum Outcome {
        case success
        case failure(String)
    }

    private(set) var result: Outcome?
    private let connection: XMPPConnection
    private let recipient: JID
    private let text: String
    private var delivered = false
    private var sentID: String?
    private var sentFrom: JID?

    init(loop: EventLoop, settings: ConnectionSettings, recipient: JID, text: String) {
        connection = XMPPConnection(
            loop: loop, settings: settings, extensions: [PingResponder(), DiscoInfoResponder()])
        self.recipient = recipient
        self.text = text
    }

    func start() {
        connection.onEvent = { [unowned self] event in self.handle(event) }
        connection.connect()
    }

    /// Puts the sent message into the local history (the server has it: acked).
    func record(in path: String, account: AccountConfiguration) {
        guard let sentID else { return }
        do {
            let store = try ChatStore(path: path)
            let accountID = try store.account(jid: account.jid, name: account.name)
            _ = try store.insert(
                NewMessage(
                    conversation: recipient.bare, outgoing: true, sender: (sentFrom ?? account.jid).description,
                    senderKey: account.jid.description, recipient: recipient.description, body: text,
                    timestamp: Clock.nowMilliseconds(), idAttribute: sentID, originID: sentID, state: .acked),
                account: accountID)
        } catch {
            // The message went out; only the local copy is missing.
            let line = "tern: sent, but not recorded in the local history: \(error)\n"
            _ = line.withCString { write(2, $0, strlen($0)) }
        }
    }

    func give(up reason: String) {
        guard result == nil else { return }
        result = .failure(reason)
    }

    private func handle(_ event: ConnectionEvent) {
        switch event {
        case .established:
            // No initial presence: a send-only session must not take the account's offline messages.
            let id = connection.session.makeID()
            sentID = id
            sentFrom = connection.session.boundJID
            connection.send(OutgoingMessage.chat(to: recipient, body: text, id: id, chatState: nil))
            // A server round trip after the message proves the server has processed it (stanzas
            // are handled in order on one stream).
            let ping = XMLElement.iq(
                .get, id: connection.session.makeID(), to: connection.session.boundJID.domain,
                payload: XMLElement("ping", namespace: Namespace.ping))
            connection.sendIQ(ping) { [unowned self] result in
                switch result {
                case .success, .failure(.error):
                    self.delivered = true
                    self.connection.disconnect()
                case .failure(let failure):
                    self.give(up: "the server did not confirm the message: \(failure)")
                }
            }
        case .disconnected(let error):
            if let error, !delivered {
                give(up: error.description)
            } else if result == nil {
                result = delivered ? .success : .failure("the connection closed before the message was sent")
            }
        case .connecting, .secured, .authenticated, .stanza, .resumed, .streamManagement:
            return
        }
    }
}
