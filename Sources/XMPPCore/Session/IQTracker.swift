/// Why an IQ request got no result.
public enum IQFailure: Error, Sendable, Hashable {
    case error(StanzaError)
    case timeout
    /// The session ended before the response arrived.
    case disconnected
}

extension IQFailure: CustomStringConvertible {
    public var description: String {
        switch self {
        case .error(let error): error.description
        case .timeout: "no answer in time"
        case .disconnected: "the connection ended before the answer arrived"
        }
    }
}

/// Matches IQ responses to requests by id and responder, and times them out.
struct IQTracker {
    typealias Handler = (Result<XMLElement, IQFailure>) -> Void

    private struct Pending {
        var to: JID?
        var deadline: Instant
        var handler: Handler
    }

    private var pending: [String: Pending] = [:]

    var isEmpty: Bool { pending.isEmpty }

    var nextDeadline: Instant? { pending.values.map(\.deadline).min() }

    mutating func track(id: String, to: JID?, deadline: Instant, handler: @escaping Handler) {
        pending[id] = Pending(to: to, deadline: deadline, handler: handler)
    }

    /// Takes the handler for a response if its id and sender match a request (RFC 6120 §10.3.3: a
    /// reply to a request without `to` comes from the server, our bare JID or our full JID).
    mutating func takeHandler(for response: XMLElement, ownJID: JID) -> Handler? {
        guard let id = response.id, let request = pending[id] else { return nil }
        let rawFrom = response[attribute: "from"]
        let from = JID(parsing: rawFrom)
        let matches: Bool
        if let to = request.to {
            matches = from == to || (rawFrom == nil && to == ownJID.bare)
        } else {
            matches = rawFrom == nil || from == ownJID.bare || from == ownJID.domain || from == ownJID
        }
        guard matches else { return nil }
        pending[id] = nil
        return request.handler
    }

    /// Removes and returns the handlers whose deadline has passed.
    mutating func expire(now: Instant) -> [Handler] {
        let expired = pending.filter { $0.value.deadline <= now }
        for id in expired.keys { pending[id] = nil }
        return expired.values.map(\.handler)
    }

    /// Moves every deadline later (time the process did not run does not count).
    mutating func postpone(by duration: Duration) {
        pending = pending.mapValues { request in
            var request = request
            request.deadline = request.deadline + duration
            return request
        }
    }

    mutating func removeAll() -> [Handler] {
        defer { pending.removeAll() }
        return pending.values.map(\.handler)
    }
}
