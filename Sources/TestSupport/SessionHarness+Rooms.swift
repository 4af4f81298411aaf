import TestServers
import XMPPCore

/// A scripted room service (XEP-0045) for stream tests: the room's answer to disco#info and the
/// presences it sends for its occupants.
extension SessionHarness {
    /// Answers the disco#info query the client sent `room` (among what it wrote since the last
    /// take) for a room called `name` with `features`; returns what the client wrote then (its
    /// join presence).
    @discardableResult
    public func answerRoomInfo(_ room: String, name: String, features: [String] = []) throws -> [XMLElement] {
        let info = "http://jabber.org/protocol/disco#info"
        guard
            let query = takeWrittenElements().first(where: {
                $0.name == "iq" && $0[attribute: "to"] == room && $0.child("query", namespace: info) != nil
            }), let id = query.id
        else { throw FixtureError("\(room) was not asked for its disco#info") }
        let items = (["http://jabber.org/protocol/muc"] + features).map { "<feature var='\($0)'/>" }.joined()
        serverSends(
            "<iq type='result' id='\(id)' from='\(room)'><query xmlns='\(info)'>"
                + "<identity category='conference' type='text' name='\(name)'/>\(items)</query></iq>")
        return takeWrittenElements()
    }

    /// The presence a room sends for its occupant `nick` (XEP-0045 §7.2.3): affiliation, role,
    /// the real JID when the room shows it, status codes, and the reason for a change.
    public static func occupantPresence(
        room: String, nick: String, affiliation: String = "none", role: String = "participant", jid: String? = nil,
        codes: [Int] = [], reason: String? = nil, unavailable: Bool = false
    ) -> String {
        let type = unavailable ? " type='unavailable'" : ""
        let address = jid.map { " jid='\($0)'" } ?? ""
        let why = reason.map { "<reason>\($0)</reason>" } ?? ""
        let status = codes.map { "<status code='\($0)'/>" }.joined()
        return "<presence from='\(room)/\(nick)'\(type)><x xmlns='http://jabber.org/protocol/muc#user'>"
            + "<item affiliation='\(affiliation)' role='\(role)'\(address)>\(why)</item>\(status)</x></presence>"
    }

    /// An IQ error from `from` answering request `id` (RFC 6120 §8.3), with the condition's
    /// usual type and an optional text.
    public static func iqError(id: String, from: String, condition: StanzaErrorCondition, text: String? = nil)
        -> String
    {
        let error = StanzaError(condition, text: text).element.serialized(parentNamespace: Namespace.client)
        return "<iq type='error' id='\(id)' from='\(from)'>\(error)</iq>"
    }
}
