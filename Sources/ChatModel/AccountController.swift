import ChatStore
import XMPPCore
import XMPPExtensions

/// One account at runtime: its connection's life cycle, reconnecting, the outbox and stream
/// resumption. Everything else it does (roster, presence, messages, ...) is an `AccountFeature`;
/// what they change reaches the model as `AccountEvent`s. Everything runs on the loop thread.
public final class AccountController {
    public let name: String
    public let jid: JID
    public let store: ChatStore
    public let accountID: AccountID
    public internal(set) var status: ConnectionStatus = .offline
    public var onEvent: (AccountEvent) -> Void = { _ in }
    /// What the account does on its own: receipts, markers, chat states, archive catch-up.
    public var behaviour = AccountBehaviour()
    /// HTTP transfers for file sharing (set by the program; nil: `/upload` and `/open` say so).
    public var fileTransfers: (any FileTransferClient)?
    /// Why the account cannot connect at all (its password could not be had): `connect()` says
    /// so instead of trying.
    public var cannotConnect: String?
    /// Where the jitter of the waits between reconnection attempts comes from (a seeded
    /// generator in tests, so that they can pin the waits).
    public var randomSource: any RandomNumberGenerator = SystemRandomNumberGenerator()
    /// The features, in the order they were created (their session hooks run in this order).
    public private(set) var features: [any AccountFeature] = []
    private var featuresByType: [ObjectIdentifier: any AccountFeature] = [:]
    /// The features' positions in the order their extensions see stanzas.
    private let handlerOrder: [Int]

    private let makeConnection: (ConnectionRequest) -> any ClientConnection
    let scheduler: any Scheduler
    var connection: (any ClientConnection)?
    /// The user logged out: the stream ends for good (nothing to resume).
    var userDisconnected = false
    private var reconnectTimer: ScheduledTimer?
    /// When and where to reconnect.
    private var reconnect = ReconnectPolicy()
    /// The channel-binding type that worked last (for servers that do not list theirs).
    private var channelBinding: ChannelBindingType?
    /// The strongest SASL mechanism that worked (XMPPCore refuses a weaker one).
    private var pinnedMechanism: String?
    /// Outbox entries written to the stream and waiting for the server's acknowledgement.
    var awaitingAck: [Int64] = []
    var ackPending = false
    /// A burst of input could not be committed (see `burstEnded`).
    var inputLost = false
    /// The stream to resume on the next connection (XEP-0198), and when it broke.
    var resumption: StreamResumption?
    var resumptionBrokeAt: Int64 = 0
    /// The resumption came from the store (a previous run): presences are unknown and the
    /// unacknowledged queue is gone.
    var resumptionFromStore = false
    /// Outbox entries by the stream-management number they went out under on this stream.
    var outboxBySequence: [UInt32: Int64] = [:]
    /// The inbound count last written to the store.
    var persistedHandled: UInt32?

    /// An account running `features` (created in that order; one may use those before it). Throws
    /// when the store cannot be read or the features' ordering constraints cannot be met.
    public init(
        name: String,
        jid: JID,
        store: ChatStore,
        scheduler: any Scheduler,
        features types: [any AccountFeature.Type] = AccountFeatures.standard,
        makeConnection: @escaping (ConnectionRequest) -> any ClientConnection
    ) throws {
        self.name = name
        self.jid = jid.bare
        self.store = store
        self.scheduler = scheduler
        self.makeConnection = makeConnection
        accountID = try store.account(jid: jid, name: name)
        channelBinding = (try? store.channelBinding(account: accountID)).flatMap { $0 }.flatMap(
            ChannelBindingType.init(rawValue:))
        pinnedMechanism = (try? store.pinnedMechanism(account: accountID)) ?? nil
        handlerOrder = try AccountFeatures.handlerOrder(types)
        for type in types {
            try store.migrate(feature: type.name, type.tables)
            let feature = try type.init(account: self)
            features.append(feature)
            featuresByType[ObjectIdentifier(type)] = feature
        }
        loadStreamState()
    }

    /// The feature of a type, if the account runs it.
    public func feature<Feature: AccountFeature>(_ type: Feature.Type) -> Feature? {
        featuresByType[ObjectIdentifier(type)] as? Feature
    }

    /// A feature another one cannot do without (created before it).
    func required<Feature: AccountFeature>(_ type: Feature.Type, by dependent: String) throws(FeatureError) -> Feature {
        guard let feature = feature(type) else {
            throw FeatureError("\(dependent) needs \(type.name), which must be installed before it")
        }
        return feature
    }

    /// A feature a command needs.
    public func required<Feature: AccountFeature>(_ type: Feature.Type) throws(CommandError) -> Feature {
        guard let feature = feature(type) else { throw .failed("\(name) does not run \(type.name)") }
        return feature
    }

    /// Tells the model what a feature changed.
    func emit(_ event: any FeatureEvent) { onEvent(.feature(event)) }

    /// The session's own JID when online, else the bare account JID.
    public var boundJID: JID { connection?.session.isEstablished == true ? connection!.session.boundJID : jid }

    // MARK: Connecting

    public func connect() {
        guard connection == nil else { return }
        if let cannotConnect {
            log(.error, cannotConnect)
            setStatus(.failed(cannotConnect))
            return
        }
        userDisconnected = false
        reconnectTimer?.cancel()
        reconnectTimer = nil
        setStatus(.connecting)
        let request = ConnectionRequest(
            resumption: usableResumption(), redirect: reconnect.takeRedirect() ?? resumption?.location,
            channelBinding: channelBinding,
            pinnedMechanism: pinnedMechanism)
        let connection = makeConnection(request)
        self.connection = connection
        // In the order the features' constraints give (carbons and archive results, for one, are
        // unwrapped before the plain message handler sees messages).
        for index in handlerOrder {
            for ext in features[index].extensions { connection.session.register(ext) }
        }
        connection.onEvent = { [weak self, weak connection] event in
            guard let self, let connection, connection === self.connection else { return }
            self.handle(event)
        }
        connection.inputBurst = InputBurstHandler(
            began: { [store] in store.beginBatch() },
            ended: { [weak self] in self?.burstEnded() ?? true })
        connection.connect()
    }

    /// Logs out and stays offline until `connect()`. The stream ends cleanly, so it cannot be
    /// resumed; the outbox stays for the next login.
    public func disconnect() {
        userDisconnected = true
        reconnectTimer?.cancel()
        reconnectTimer = nil
        forgetResumption()
        if let connection {
            if connection.session.isEstablished { feature(PresenceFeature.self)?.loggingOut(connection.session) }
            connection.disconnect()
        } else {
            setStatus(.offline)
        }
    }

    /// Commits what a burst of input stored; only then do the acks for it leave.
    private func burstEnded() -> Bool {
        do {
            try store.endBatch()
            return true
        } catch {
            log(.error, "could not store what the server sent: \(error)")
            inputLost = true
            return false
        }
    }

    private func handle(_ event: LinkEvent) {
        switch event {
        case .progress(let step):
            log(.debug, step)
        case .authenticated(let authentication):
            authenticated(authentication)
        case .established(let bound):
            reconnect.online(at: scheduler.now)
            setStatus(.online)
            log(.info, "connected as \(bound)")
            guard let session = connection?.session else { return }
            // A new session: whatever the previous stream had not acknowledged goes again.
            forgetResumption()
            awaitingAck.removeAll()
            outboxBySequence.removeAll()
            for feature in features { feature.sessionStarted(session, .new) }
            flushOutbox()
            for feature in features { feature.sessionReady(session, .new) }
        case .resumed(let bound):
            reconnect.online(at: scheduler.now)
            setStatus(.online)
            log(.info, "resumed the stream as \(bound); nothing was lost")
            resumption = nil
            let start = SessionStart.resumed(fromStore: resumptionFromStore)
            if resumptionFromStore {
                resumptionFromStore = false
                // A previous run: its unacknowledged stanzas are gone (what the server did not
                // count goes again as new stanzas).
                let unacknowledged = Set(outboxBySequence.values)
                awaitingAck.removeAll { unacknowledged.contains($0) }
                outboxBySequence.removeAll()
            }
            if let session { for feature in features { feature.sessionStarted(session, start) } }
            persistStreamState()
            flushOutbox()
            if let session { for feature in features { feature.sessionReady(session, start) } }
        case .streamManagement(let event):
            handleStreamManagement(event)
        case .discarded(let what):
            log(.warning, "dropped a stanza the server relayed, unread: \(what)")
        case .disconnected(let error):
            let wasOnline = status == .online
            // What the last burst brought was not stored: the stream's count is ahead of the
            // store, so it must not be resumed (a new session and the archive bring it again).
            let resumable = inputLost ? nil : connection?.session.resumption
            if inputLost {
                inputLost = false
                forgetResumption()
            }
            connection = nil
            ackPending = false
            if let resumable, error != nil {
                // Kept for resumption: the server holds the session and our unacknowledged
                // stanzas stay in the queue handed to the next connection.
                resumption = resumable
                resumptionBrokeAt = scheduler.now
                resumptionFromStore = false
                persistStreamState()
            } else if resumption == nil || error == nil {
                awaitingAck.removeAll()
                outboxBySequence.removeAll()
            }
            // After the resumption is kept: features tell a break that may be resumed from an end.
            for feature in features { feature.connectionEnded() }
            let redirect = reconnect.ended(by: error, wasOnline: wasOnline, now: scheduler.now)
            if let error {
                log(.error, error.description)
                if let (host, followed) = redirect {
                    if followed {
                        log(.info, "the server sends us to \(host)")
                    } else {
                        log(
                            .warning,
                            "not following the server to \(host): \(ReconnectPolicy.maximumRedirects) redirects in a"
                                + " row; trying the configured server again")
                    }
                }
                if error.isRetryable && !userDisconnected {
                    scheduleReconnect(after: error, wasOnline: wasOnline)
                } else {
                    forgetResumption()
                    setStatus(.failed(error.description))
                }
            } else {
                log(.info, "disconnected")
                setStatus(.offline)
            }
        }
    }

    /// Logs how the login went and remembers the mechanism and channel binding that worked.
    private func authenticated(_ authentication: Authentication) {
        let binding = authentication.channelBinding.map { " (\($0.rawValue))" } ?? ""
        log(.debug, "authenticated with \(authentication.mechanism)\(binding)")
        // A weaker mechanism than the pinned one gets this far only when the configuration allows
        // the downgrade: from then on it is the one to expect.
        if authentication.mechanism != pinnedMechanism {
            if let pinnedMechanism,
                SASLAuthenticator.strength(of: authentication.mechanism)
                    < SASLAuthenticator.strength(of: pinnedMechanism)
            {
                log(
                    .warning,
                    "logged in with \(authentication.mechanism), weaker than \(pinnedMechanism) before, as configured")
            }
            pinnedMechanism = authentication.mechanism
            do {
                try store.setPinnedMechanism(authentication.mechanism, account: accountID)
            } catch {
                log(.warning, "could not remember the authentication mechanism: \(error)")
            }
        }
        guard let type = authentication.channelBinding, type != channelBinding else { return }
        if !authentication.refusedChannelBindings.isEmpty {
            let refused = authentication.refusedChannelBindings.map(\.rawValue).joined(separator: ", ")
            log(
                .info,
                "the server refused channel binding \(refused) and accepted \(type.rawValue); "
                    + "Tern uses \(type.rawValue) first for this account from now on")
        }
        channelBinding = type
        do {
            try store.setChannelBinding(type.rawValue, account: accountID)
        } catch {
            log(.warning, "could not remember the channel binding: \(error)")
        }
    }

    /// Waits as `ReconnectPolicy` says, then connects again.
    private func scheduleReconnect(after error: ConnectionFailure, wasOnline: Bool) {
        let milliseconds = reconnect.delay(
            after: error, wasOnline: wasOnline, now: scheduler.now,
            jitter: Double.random(in: 0.75...1.25, using: &randomSource),
            pause: Double.random(in: 5...15, using: &randomSource))
        setStatus(.reconnecting(at: scheduler.now + milliseconds))
        reconnectTimer = scheduler.schedule(after: .milliseconds(milliseconds)) { [weak self] in
            self?.reconnectTimer = nil
            self?.connect()
        }
    }

    /// What /connect or /reconnect is about to do, for the user.
    public func connectionSummary(asked command: String) -> String {
        switch status {
        case .online:
            "already connected as \(boundJID)"
                + (command == "reconnect" ? "; /disconnect and /connect start a new session" : "")
        case .connecting: "already connecting as \(jid)"
        case .reconnecting: "reconnecting now (instead of waiting)"
        case .offline, .failed: "connecting as \(jid)"
        }
    }

    /// Reconnects now (skipping a pending backoff).
    public func reconnectNow() {
        reconnectTimer?.cancel()
        reconnectTimer = nil
        if connection == nil { connect() }
    }

    private func setStatus(_ status: ConnectionStatus) {
        guard self.status != status else { return }
        self.status = status
        onEvent(.statusChanged(status))
    }

    func log(_ level: LogEntry.Level, _ text: String) {
        onEvent(.log(LogEntry(time: scheduler.now, level: level, text: text)))
    }

    /// The session, while one is established.
    var session: XMPPSession? {
        guard let session = connection?.session, session.isEstablished else { return nil }
        return session
    }

    /// Gives up on the stream because the last inbound stanza could not be stored (the server
    /// keeps it for the next session).
    func abandonLastInbound(reason: String) {
        connection?.session.abandonLastInbound(reason: reason)
    }
}
