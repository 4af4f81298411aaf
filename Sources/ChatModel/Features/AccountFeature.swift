import ChatStore
import XMPPCore

/// One protocol feature of an account (roster, carbons, receipts, ...), as one unit: the session
/// extensions it registers, where they go in the handler chain, the events it tells the model,
/// its commands and the tables it needs. Adding a feature means writing one type and listing it
/// in `AccountFeatures.standard`; the account, the model and the UI need no edit.
///
/// Features live on the loop thread, one instance per account.
public protocol AccountFeature: AnyObject {
    /// A unique name: what ordering constraints and error messages name.
    static var name: String { get }
    /// Where this feature's extensions see stanzas, relative to other features' (checked when an
    /// account starts: a cycle or a feature that is not installed is an error).
    static var ordering: [FeatureOrder] { get }
    /// Commands it adds to the model's table (their handlers find the account in the context).
    static var commands: [CommandSpec] { get }
    /// Tables it needs beyond the core schema, as named migrations (applied once per database).
    static var tables: [StoreMigration] { get }

    init(account: AccountController) throws(FeatureError)

    /// The session extensions registered on every connection, in this order.
    var extensions: [any SessionExtension] { get }
    /// A session came online (new or resumed), before queued messages go out.
    func sessionStarted(_ session: XMPPSession, _ start: SessionStart)
    /// The same session, after the queued messages went out.
    func sessionReady(_ session: XMPPSession, _ start: SessionStart)
    /// The connection ended: what belonged to it goes. The account already keeps the stream to
    /// resume, if it can be (`resumption`): what the server holds for it may stay.
    func connectionEnded()
    /// The stream can no longer be resumed: state kept for resuming it is stale.
    func resumptionForgotten()
}

extension AccountFeature {
    public static var ordering: [FeatureOrder] { [] }
    public static var commands: [CommandSpec] { [] }
    public static var tables: [StoreMigration] { [] }
    public var extensions: [any SessionExtension] { [] }
    public func sessionStarted(_ session: XMPPSession, _ start: SessionStart) {}
    public func sessionReady(_ session: XMPPSession, _ start: SessionStart) {}
    public func connectionEnded() {}
    public func resumptionForgotten() {}
}

/// How a session came online.
public enum SessionStart: Sendable, Hashable {
    /// A new session: the server knows nothing of a previous one.
    case new
    /// A stream resumed (XEP-0198); `fromStore`: the stream was kept from a previous run, so what
    /// the server holds for it is known but our presence must be sent again.
    case resumed(fromStore: Bool)
}

/// An ordering constraint between two features' extensions.
public enum FeatureOrder: Sendable, Hashable {
    /// This feature's extensions see stanzas before the named feature's.
    case before(String)
    /// This feature's extensions see stanzas after the named feature's.
    case after(String)
}

/// A set of features that cannot run together.
public struct FeatureError: Error, Sendable, Hashable, CustomStringConvertible {
    public var description: String

    public init(_ description: String) { self.description = description }
}

/// Something a feature tells the model, with what the model does about it: the model needs no
/// case for each feature's events.
public protocol FeatureEvent: Sendable {
    func apply(to model: AppModel, from account: AccountController)
}

/// The features every account runs, and the order they are created in (their session hooks run
/// in this order).
public enum AccountFeatures {
    public static var standard: [any AccountFeature.Type] {
        [
            DiscoFeature.self, RosterFeature.self, PresenceFeature.self, CapabilitiesFeature.self,
            BlockingFeature.self, CarbonsFeature.self, MessagingFeature.self, ReceiptsFeature.self,
            MarkersFeature.self, ChatStatesFeature.self, CorrectionsFeature.self, ArchiveFeature.self,
            NotificationsFeature.self, RoomsFeature.self, BookmarksFeature.self, RoomAdminFeature.self,
            InvitationsFeature.self, ReadSyncFeature.self, MessageActionsFeature.self, FilesFeature.self,
            OMEMOFeature.self,
        ]
    }

    /// The commands of these features (each feature's once).
    public static func commands(of types: [any AccountFeature.Type] = standard) -> [CommandSpec] {
        var seen: Set<String> = []
        return types.filter { seen.insert($0.name).inserted }.flatMap { $0.commands }
    }

    /// The order the features' extensions see stanzas: the listed order, changed only as far as
    /// the constraints require (a stable topological sort). Throws on a cycle, a constraint on a
    /// feature that is not in `types`, or two features of one name.
    public static func handlerOrder(_ types: [any AccountFeature.Type]) throws(FeatureError) -> [Int] {
        var index: [String: Int] = [:]
        for (position, type) in types.enumerated() {
            guard index.updateValue(position, forKey: type.name) == nil else {
                throw FeatureError("two features are named \(type.name)")
            }
        }
        // edges[a] holds the features that must come after a.
        var edges = Array(repeating: Set<Int>(), count: types.count)
        for (position, type) in types.enumerated() {
            for constraint in type.ordering {
                let (name, first, second): (String, Int?, Int?)
                switch constraint {
                case .before(let other): (name, first, second) = (other, position, index[other])
                case .after(let other): (name, first, second) = (other, index[other], position)
                }
                guard let first, let second else {
                    throw FeatureError("\(type.name) is ordered against \(name), which is not installed")
                }
                edges[first].insert(second)
            }
        }
        var incoming = Array(repeating: 0, count: types.count)
        for targets in edges { for target in targets { incoming[target] += 1 } }
        var order: [Int] = []
        var placed = Array(repeating: false, count: types.count)
        while order.count < types.count {
            guard let next = types.indices.first(where: { !placed[$0] && incoming[$0] == 0 }) else {
                let stuck = types.indices.filter { !placed[$0] }.map { types[$0].name }
                throw FeatureError("the ordering constraints of \(stuck.joined(separator: ", ")) form a cycle")
            }
            placed[next] = true
            order.append(next)
            for target in edges[next] { incoming[target] -= 1 }
        }
        return order
    }
}
