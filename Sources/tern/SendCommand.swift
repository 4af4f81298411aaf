import ArgumentParser
import Networking
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

    @Argument(help: "The message text.")
    var text: String

    @Option(help: "Give up after this many seconds.")
    var timeout: Int = 30

    func validate() throws {
        guard JID(parsing: recipient) != nil else {
            throw ValidationError("\"\(recipient)\" is not a valid JID")
        }
        guard !text.isEmpty else { throw ValidationError("the message text is empty") }
        guard timeout > 0 else { throw ValidationError("--timeout must be positive") }
    }

    func run() throws {
        let (_, settings) = loadAccount(accountOptions)
        guard let recipient = JID(parsing: recipient) else { return }
        let loop: EventLoop
        do {
            loop = try EventLoop()
        } catch {
            exitWithFailure(error.description)
        }
        let outcome = OneShotSend(loop: loop, settings: settings, recipient: recipient, text: text)
        loop.schedule(after: .seconds(timeout)) { outcome.give(up: "timed out after \(timeout) seconds") }
        outcome.start()
        loop.run { outcome.result != nil }
        if case .failure(let message) = outcome.result { exitWithFailure(message) }
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

    func give(up reason: String) {
        guard result == nil else { return }
        result = .failure(reason)
    }

    private func handle(_ event: ConnectionEvent) {
        switch event {
        case .established:
            // No initial presence: a send-only session must not take the account's offline messages.
            let message = Message.chat(to: recipient, body: text, id: connection.session.makeID())
            connection.send(message)
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
        case .connecting, .secured, .authenticated, .stanza:
            return
        }
    }
}
