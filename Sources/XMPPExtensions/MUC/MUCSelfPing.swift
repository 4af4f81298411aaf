import XMPPCore

/// XEP-0410: MUC Self-Ping (Schrödinger's Chat) — after a silence, ping our own occupant JID to
/// learn whether the room still counts us as joined (server restarts and s2s breaks drop
/// occupants without telling them).
///
///     <iq from='juliet@capulet.lit/client' id='s2c1' type='get' to='characters@chat.shakespeare.lit/JuliC'>
///       <ping xmlns='urn:xmpp:ping'/>
///     </iq>
///
/// §3.2 Implementation notes: do not self-ping between sending a nick change and its answer, nor
/// while a stream-management session is hibernating.
public enum MUCSelfPing {
    /// What the answer says (§3.2).
    public enum Outcome: Sendable, Hashable {
        /// Still joined: nothing to do.
        case joined
        /// Probably not joined any more: rejoin.
        case notJoined
        /// Nothing can be told (no answer, or the remote server is unreachable): keep the room,
        /// maybe show the state, and ping again later.
        case unknown
    }

    /// Example 1: the ping to our own occupant JID, `room/nick`.
    public static func request(room: JID, nick: String, id: String) throws(JIDError) -> XMLElement {
        .iq(
            .get, id: id, to: try room.bare.with(resource: nick), payload: XMLElement("ping", namespace: Namespace.ping)
        )
    }

    /// Classifies the IQ that answered the ping.
    public static func classify(_ response: XMLElement) -> Outcome {
        switch response.iqType {
        case .result: .joined
        case .error: classify(StanzaError(stanza: response) ?? StanzaError(.undefinedCondition))
        default: .unknown
        }
    }

    /// Classifies an error answer, condition by condition as §3.2 lists them.
    public static func classify(_ error: StanzaError) -> Outcome {
        switch error.condition {
        // Joined; the client the room forwarded the ping to does not do XEP-0199.
        case .serviceUnavailable, .featureNotImplemented: .joined
        // Joined; another client of ours just changed the nick.
        case .itemNotFound: .joined
        // The remote server is unreachable: treat like a timeout.
        case .remoteServerNotFound, .remoteServerTimeout: .unknown
        // `not-acceptable` (recommended), `not-allowed`, `bad-request` and any other error.
        default: .notJoined
        }
    }

    /// Classifies the outcome of the IQ as the session reports it: a timeout, or a session that
    /// ended first, tells nothing.
    public static func classify(_ result: Result<XMLElement, IQFailure>) -> Outcome {
        switch result {
        case .success(let response): classify(response)
        case .failure(.error(let error)): classify(error)
        case .failure(.timeout), .failure(.disconnected): .unknown
        }
    }
}
