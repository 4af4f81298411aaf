import ChatStore
import XMPPCore
import XMPPExtensions

/// One account at runtime: its connection, roster, presences and messages, kept in the store and
/// reported as `AccountEvent`s. Everything runs on the loop thread.
public final class AccountController {
    public let name: String
    public let jid: JID
    public let store: ChatStore
    public let accountID: AccountID
    public internal(set) var status: ConnectionStatus = .offline
    /// The roster, from the store at start and kept current with the server.
    public internal(set) var roster: [JID: RosterItem] = [:]
    /// Contacts who asked to see our presence and got no answer yet.
    public internal(set) var subscriptionRequests: Set<JID> = []
    /// The last chat state each contact sent (composing, paused, ...).
    public internal(set) var chatStates: [JID: ChatState] = [:]
    public var onEvent: (AccountEvent) -> Void = { _ in }

    public let rosterManager = RosterManager()
    public let presenceManager = PresenceManager()
    public let messageHandler = MessageHandler()
    public let carbons = CarbonsManager()
    public let archive: ArchiveManager
    public let blocking = BlockingManager()
    public let disco = DiscoClient()
    public let capabilities: EntityCapabilities
    public let clientState = ClientStateIndication()
    public let discoResponder = DiscoInfoResponder()
    public let softwareVersion = SoftwareVersion(version: TernVersion.current)
    /// What the account does on its own: receipts, markers, chat states, archive catch-up.
    public var behaviour = AccountBehaviour()
    /// Contacts whose notifications are off.
    public internal(set) var muted: Set<String> = []
    /// RFC 6121 §5.1: the full JID a conversation is locked to, by bare JID.
    var lockedResources: [JID: JID] = [:]
    /// Contacts that sent chat states this session (so they get ours).
    var chatStatePeers: Set<JID> = []
    /// The chat state we last sent each contact, and the timer that turns composing into paused.
    var sentChatStates: [JID: ChatState] = [:]
    var pausedTimers: [JID: ScheduledTimer] = [:]
    /// An archive catch-up is running on this session.
    public internal(set) var isCatchingUp = false
    /// Conversations whose older history is being fetched from the archive.
    var backfilling: Set<JID> = []
    /// When the last "N requests are waiting" line was logged.
    var requestSummaryLoggedAt: Int64?
    /// Messages from strangers dropped (`StrangerMessages.drop`), and when that was last logged.
    var droppedStrangerMessages = 0
    var strangerDropLoggedAt: Int64?
    /// Subscription requests logged one line each before they are summarised.
    static let requestsLoggedOneByOne = 3

    private let makeConnection: (ConnectionRequest) -> any ClientConnection
    let scheduler: any Scheduler
    var connection: (any ClientConnection)?
    /// The user logged out: the stream ends for good (nothing to resume).
    var userDisconnected = false
    private var reconnectTimer: ScheduledTimer?
    private var reconnectAttempts = 0
    /// When a broken connection was last retried without waiting. A connection that broke within
    /// 10 s of coming online is retried at once only if that was over a minute ago, so a server
    /// that accepts and then drops every session does not get a tight loop.
    private var lastImmediateReconnect: Int64?
    /// When the current connection came online (established or resumed).
    private var onlineSince: Int64?
    /// Where the server told us to go (`see-other-host`), for the next connection.
    private var redirect: String?
    /// Redirects followed since a connection last stayed online for 10 s; past
    /// `maximumRedirects` none is followed until one does.
    private var redirectsFollowed = 0
    /// How many redirects in a row are followed; after that the configured host is tried again.
    static let maximumRedirects = 3
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
    /// The archive catch-up of this stream finished (a resumed stream keeps it; a new session
    /// starts over). From then on live messages move the sync point.
    var archiveCaughtUp = false

    public init(
        name: String,
        jid: JID,
        store: ChatStore,
        scheduler: any Scheduler,
        makeConnection: @escaping (ConnectionRequest) -> any ClientConnection
    ) throws {
        self.name = name
        self.jid = jid.bare
        self.store = store
        self.scheduler = scheduler
        self.makeConnection = makeConnection
        accountID = try store.account(jid: jid, name: name)
        for item in try store.roster(account: accountID) { roster[item.jid] = item }
        muted = try store.mutedContacts(account: accountID)
        channelBinding = (try? store.channelBinding(account: accountID)).flatMap { $0 }.flatMap(
            ChannelBindingType.init(rawValue:))
        pinnedMechanism = (try? store.pinnedMechanism(account: accountID)) ?? nil
        capabilities = EntityCapabilities(disco: disco, known: (try? store.capabilities()) ?? [:])
        archive = ArchiveManager(disco: disco)
        wireExtensions()
        loadStreamState()
    }

    /// The session's own JID when online, else the bare account JID.
    public var boundJID: JID { connection?.session.isEstablished == true ? connection!.session.boundJID : jid }

    // MARK: Connecting

    public func connect() {
        guard connection == nil else { return }
        userDisconnected = false
        reconnectTimer?.cancel()
        reconnectTimer = nil
        setStatus(.connecting)
        let request = ConnectionRequest(
            resumption: usableResumption(), redirect: redirect ?? resumption?.location, channelBinding: channelBinding,
            pinnedMechanism: pinnedMechanism)
        redirect = nil
        let connection = makeConnection(request)
        self.connection = connection
        // Order matters where handlers overlap: carbons and archive results are unwrapped before
        // the plain message handler sees messages.
        let extensions: [any SessionExtension] = [
            rosterManager, presenceManager, carbons, archive, blocking, messageHandler, disco, capabilities,
            clientState, PingResponder(), discoResponder, softwareVersion,
        ]
        for ext in extensions { connection.session.register(ext) }
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
            if connection.session.isEstablished {
                presenceManager.setPresence(.offline, status: nil, priority: 0, in: connection.session)
            }
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
            reconnectAttempts = 0
            onlineSince = scheduler.now
            setStatus(.online)
            log(.info, "connected as \(bound)")
            guard let session = connection?.session else { return }
            // A new session: whatever the previous stream had not acknowledged goes again.
            forgetResumption()
            awaitingAck.removeAll()
            outboxBySequence.removeAll()
            archiveCaughtUp = false
            // The roster request went out first (RosterManager.sessionEstablished); presence after
            // it, so that presence probes do not delay the roster (RFC 6121 §2.2).
            presenceManager.setPresence(
                presenceManager.own.availability == .offline ? .online : presenceManager.own.availability,
                status: presenceManager.own.status, priority: presenceManager.own.priority, in: session)
            flushOutbox()
            catchUpWithArchive()
        case .resumed(let bound):
            reconnectAttempts = 0
            onlineSince = scheduler.now
            setStatus(.online)
            log(.info, "resumed the stream as \(bound); nothing was lost")
            resumption = nil
            if resumptionFromStore {
                resumptionFromStore = false
                // A previous run: its unacknowledged stanzas are gone (what the server did not
                // count goes again as new stanzas), and presences must be asked for again
                // (unavailable, then available, is initial presence once more).
                let unacknowledged = Set(outboxBySequence.values)
                awaitingAck.removeAll { unacknowledged.contains($0) }
                outboxBySequence.removeAll()
                if let session {
                    presenceManager.setPresence(.offline, status: nil, priority: 0, in: session)
                    presenceManager.setPresence(
                        presenceManager.own.availability == .offline ? .online : presenceManager.own.availability,
                        status: presenceManager.own.status, priority: presenceManager.own.priority, in: session)
                }
            }
            persistStreamState()
            flushOutbox()
            if !archiveCaughtUp { catchUpWithArchive() }
        case .streamManagement(let event):
            handleStreamManagement(event)
        case .discarded(let what):
            log(.warning, "dropped a stanza the server relayed, unread: \(what)")
        case .disconnected(let error):
            let wasOnline = status == .online
            if wasOnline, let onlineSince, scheduler.now - onlineSince >= 10_000 { redirectsFollowed = 0 }
            // What the last burst brought was not stored: the stream's count is ahead of the
            // store, so it must not be resumed (a new session and the archive bring it again).
            let resumable = inputLost ? nil : connection?.session.resumption
            if inputLost {
                inputLost = false
                forgetResumption()
            }
            connection = nil
            ackPending = false
            chatStates.removeAll()
            lockedResources.removeAll()
            chatStatePeers.removeAll()
            sentChatStates.removeAll()
            for timer in pausedTimers.values { timer.cancel() }
            pausedTimers.removeAll()
            isCatchingUp = false
            backfilling.removeAll()
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
            if let error {
                log(.error, error.description)
                if let streamError = error.streamError, streamError.condition == .seeOtherHost,
                    let host = streamError.otherHost
                {
                    if redirectsFollowed < Self.maximumRedirects {
                        redirectsFollowed += 1
                        redirect = host
                        log(.info, "the server sends us to \(host)")
                    } else {
                        log(
                            .warning,
                            "not following the server to \(host): \(Self.maximumRedirects) redirects in a row;"
                                + " trying the configured server again")
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

    /// Reconnects at once when a working connection broke (a failed write, a dead link, a cut:
    /// the network may already be back), then after 1, 2, 4 ... up to 300 seconds, with ±25 %
    /// jitter. A server shutting down gets a few seconds first; a redirect is followed at once.
    private func scheduleReconnect(after error: ConnectionFailure, wasOnline: Bool) {
        var delay: Double
        let lived = onlineSince.map { scheduler.now - $0 >= 10_000 } ?? false
        let immediate =
            wasOnline && reconnectAttempts == 0
            && (lived || lastImmediateReconnect.map { scheduler.now - $0 >= 60_000 } ?? true)
        if immediate {
            delay = 0
            lastImmediateReconnect = scheduler.now
        } else {
            delay = min(300.0, pow2(reconnectAttempts)) * Double.random(in: 0.75...1.25)
            reconnectAttempts += 1
        }
        if let streamError = error.streamError {
            switch streamError.condition {
            case .systemShutdown: delay = max(delay, Double.random(in: 5...15))
            default: break
            }
        }
        let milliseconds = Int64(delay * 1000)
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

    private func pow2(_ exponent: Int) -> Double {
        var value = 1.0
        for _ in 0..<max(0, min(exponent, 20)) { value *= 2 }
        return value
    }

    private func setStatus(_ status: ConnectionStatus) {
        guard self.status != status else { return }
        self.status = status
        onEvent(.statusChanged(status))
    }

    func log(_ level: LogEntry.Level, _ text: String) {
        onEvent(.log(LogEntry(time: scheduler.now, level: level, text: text)))
    }

    var session: XMPPSession? {
        guard let session = connection?.session, session.isEstablished else { return nil }
        return session
    }
}
