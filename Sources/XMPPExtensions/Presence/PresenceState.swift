import XMPPCore

/// Availability as RFC 6121 §4.7.2.1 defines `<show/>`, plus offline.
public enum Availability: String, Sendable, Hashable, CaseIterable, Comparable {
    case chat, online, away, xa, dnd, offline

    /// The `<show/>` value (nil for plain available and for offline).
    public var show: String? {
        switch self {
        case .chat, .away, .xa, .dnd: rawValue
        case .online, .offline: nil
        }
    }

    public init(show: String?) {
        switch show {
        case "chat": self = .chat
        case "away": self = .away
        case "xa": self = .xa
        case "dnd": self = .dnd
        default: self = .online
        }
    }

    /// More available first: chat, online, away, dnd, xa, offline.
    private var rank: Int {
        switch self {
        case .chat: 0
        case .online: 1
        case .away: 2
        case .dnd: 3
        case .xa: 4
        case .offline: 5
        }
    }

    public static func < (lhs: Availability, rhs: Availability) -> Bool { lhs.rank < rhs.rank }
}

/// One resource's current presence.
public struct ResourcePresence: Sendable, Hashable {
    public var resource: String
    public var availability: Availability
    public var status: String?
    public var priority: Int
    /// XEP-0115 caps: the node and verification string, if advertised.
    public var capsNode: String?
    public var capsVersion: String?
    /// The order in which presences arrived (newer wins ties).
    public var sequence: Int

    public init(
        resource: String,
        availability: Availability,
        status: String? = nil,
        priority: Int = 0,
        capsNode: String? = nil,
        capsVersion: String? = nil,
        sequence: Int = 0
    ) {
        self.resource = resource
        self.availability = availability
        self.status = status
        self.priority = priority
        self.capsNode = capsNode
        self.capsVersion = capsVersion
        self.sequence = sequence
    }

    /// RFC 6121 §4.7.2.3 / §8.5: the resource a message to the bare JID would reach first: highest
    /// priority, then most available, then most recent.
    public static func best(of presences: some Collection<ResourcePresence>) -> ResourcePresence? {
        presences.max { lhs, rhs in
            if lhs.priority != rhs.priority { return lhs.priority < rhs.priority }
            if lhs.availability != rhs.availability { return lhs.availability > rhs.availability }
            return lhs.sequence < rhs.sequence
        }
    }
}
