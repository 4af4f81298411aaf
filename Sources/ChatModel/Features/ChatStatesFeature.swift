import XMPPCore
import XMPPExtensions

/// Chat state notifications (XEP-0085): what contacts are doing in the chat, and ours from the
/// input line (composing while typing, paused after five quiet seconds, inactive when the window
/// is left, gone when it is closed), only to contacts that use chat states themselves.
public final class ChatStatesFeature: AccountFeature, MessageObserver {
    public static let name = "chat-states"
    /// The last chat state each contact sent (composing, paused, ...).
    public private(set) var states: [JID: ChatState] = [:]
    /// Contacts that sent chat states this session (so they get ours).
    private var peers: Set<JID> = []
    /// The chat state we last sent each contact, and the timer that turns composing into paused.
    private var sent: [JID: ChatState] = [:]
    private var pausedTimers: [JID: ScheduledTimer] = [:]
    unowned let account: AccountController
    private lazy var messaging = account.feature(MessagingFeature.self)

    public init(account: AccountController) throws(FeatureError) {
        self.account = account
    }

    /// A contact's chat state changed.
    struct Changed: FeatureEvent {
        let contact: JID

        func apply(to model: AppModel, from account: AccountController) {
            if model.currentWindow.conversation == model.conversation(contact, on: account) { model.onChange(.title) }
        }
    }

    public func connectionEnded() {
        states.removeAll()
        peers.removeAll()
        sent.removeAll()
        for timer in pausedTimers.values { timer.cancel() }
        pausedTimers.removeAll()
    }

    func received(_ message: ChatMessage, from: JID, peer: JID, carbon: Bool) {
        guard !carbon, let state = message.chatState else { return }
        peers.insert(peer)
        let shown: ChatState? = message.body == nil ? state : nil
        if states[peer] != shown {
            states[peer] = shown
            account.emit(Changed(contact: peer))
        }
    }

    func decorate(_ message: inout XMLElement, to peer: JID) {
        cancelPaused(peer)
        sent[peer] = .active
        if account.behaviour.sendChatStates && account.isContact(peer) && peers.contains(peer) {
            message.append(XMLElement(ChatState.active.rawValue, namespace: Namespace.chatStates))
        }
    }

    /// Tells `contact` our chat state (if it uses chat states, and it changed). Composing turns
    /// into paused five seconds after it was last set (the last key pressed).
    public func set(_ state: ChatState, for contact: JID) {
        let peer = contact.bare
        guard account.behaviour.sendChatStates, let session = account.session, usesChatStates(peer) else { return }
        cancelPaused(peer)
        if sent[peer] != state {
            sent[peer] = state
            session.send(OutgoingMessage.chatState(state, to: messaging?.target(for: peer) ?? peer))
        }
        if state == .composing {
            pausedTimers[peer] = account.scheduler.schedule(after: .seconds(5)) { [weak self] in
                self?.pausedTimers[peer] = nil
                self?.set(.paused, for: peer)
            }
        }
    }

    private func cancelPaused(_ peer: JID) {
        pausedTimers.removeValue(forKey: peer)?.cancel()
    }

    /// A contact that sent chat states this session, or whose client says it supports them.
    func usesChatStates(_ peer: JID) -> Bool {
        guard account.isContact(peer) else { return false }
        if peers.contains(peer) { return true }
        return account.feature(CapabilitiesFeature.self)?.supports(Namespace.chatStates, peer) ?? false
    }
}
