import XMPPClient
import XMPPCore

/// What an account needs from a connection: the session (for the extensions), events, and the
/// requests. `XMPPConnection` is the real one; tests drive a scripted session instead.
public protocol ClientConnection: AnyObject {
    var session: XMPPSession { get }
    var onEvent: (ConnectionEvent) -> Void { get set }
    var inputBurst: InputBurstHandler? { get set }
    func connect()
    func disconnect()
    @discardableResult func send(_ stanza: XMLElement) -> Bool
    func sendIQ(_ iq: XMLElement, timeout: Duration?, handler: @escaping (Result<XMLElement, IQFailure>) -> Void)
}

extension XMPPConnection: ClientConnection {}
