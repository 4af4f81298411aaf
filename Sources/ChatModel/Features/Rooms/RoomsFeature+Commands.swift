import XMPPCore
import XMPPExtensions

extension RoomsFeature {
    public static var commands: [CommandSpec] {
        [
            CommandSpec(
                "join",
                arguments: [
                    ArgumentSpec("room[@service][/nick]", completion: .room),
                    ArgumentSpec("password", optional: true),
                ],
                summary: "enter a room (and enter it again after every login, until /leave)",
                help: """
                    Without @service, the room is on the service of the current room window (or the
                    account's conference service). Without /nick, your nick is your account's name. A
                    taken nick is tried again with a suffix.
                    """
            ) { context throws(CommandError) in
                let account = try context.account()
                let rooms = try account.required(RoomsFeature.self)
                let (room, nick) = try rooms.parseRoomAddress(context.required("room[@service][/nick]"), context)
                rooms.join(room, nick: nick, password: context.argument("password"))
                context.model.openChat(context.model.conversation(room, on: account), focus: true)
            },
            CommandSpec(
                "leave", arguments: [ArgumentSpec("reason", optional: true, rest: true)],
                summary: "leave the room of this window (and stop entering it at login)"
            ) { context throws(CommandError) in
                let (room, rooms) = try currentRoom(context)
                rooms.leave(room, reason: context.argument("reason"))
            },
            CommandSpec(
                "nick", arguments: [ArgumentSpec("nick")], summary: "change your nick in the room of this window"
            ) { context throws(CommandError) in
                let (room, rooms) = try currentRoom(context)
                guard rooms.isJoined(room) else { throw .failed("you are not in \(room) now") }
                rooms.changeNick(in: room, to: context.required("nick"))
            },
            CommandSpec(
                "topic", arguments: [ArgumentSpec("subject", optional: true, rest: true)],
                summary: "show or set the subject of the room of this window"
            ) { context throws(CommandError) in
                let (room, rooms) = try currentRoom(context)
                guard let subject = context.argument("subject") else {
                    let current = rooms.rooms[room]?.subject
                    context.model.addNotice(current.map { "subject: \($0)" } ?? "\(room) has no subject")
                    return
                }
                guard rooms.isJoined(room) else { throw .failed("you are not in \(room) now") }
                rooms.setSubject(of: room, to: subject)
            },
            CommandSpec(
                "rooms", arguments: [ArgumentSpec("service", optional: true)],
                summary: "list the rooms of a conference service (default: your server's)",
                help: """
                    Lists what the service shows of its rooms (hidden rooms are not listed), by name,
                    up to 1000. Without a service, the one your server offers, found at login.
                    """
            ) { context throws(CommandError) in
                let account = try context.account()
                let rooms = try account.required(RoomsFeature.self)
                let service: JID
                if let text = context.argument("service") {
                    guard let jid = JID(parsing: text), jid.localpart == nil, jid.resourcepart == nil else {
                        throw .usage("\"\(text)\" is not a service address (conference.example.org)")
                    }
                    service = jid
                } else {
                    guard let known = rooms.conferenceService else {
                        throw .failed(
                            "your server offers no conference service (give one: /rooms conference.example.org)")
                    }
                    service = known
                }
                let window = context.model.currentWindow
                rooms.listRooms(on: service) { [weak model = context.model, weak window] result in
                    guard let model else { return }
                    switch result {
                    case .success(let (list, total)):
                        for line in describe(rooms: list, total: total, on: service) {
                            model.addNotice(line, window: window)
                        }
                    case .failure(let failure):
                        model.addNotice(
                            "\(service) did not list its rooms: \(failure)", level: .warning, window: window)
                    }
                }
            },
            CommandSpec("names", summary: "list the occupants of the room of this window, by role") {
                context throws(CommandError) in
                let (room, _) = try currentRoom(context)
                let model = context.model
                let occupants = model.occupants(of: model.conversation(room, on: try context.account()))
                guard !occupants.isEmpty else {
                    model.addNotice("nobody is in \(room) (are you?)")
                    return
                }
                for role in OccupantRow.Role.allCases {
                    let nicks = occupants.filter { $0.role == role }.map(\.nick)
                    if !nicks.isEmpty {
                        model.addNotice("\(role.title) (\(nicks.count)): \(nicks.joined(separator: ", "))")
                    }
                }
            },
        ]
    }

    /// The room of the current window, with the feature of its account.
    static func currentRoom(_ context: CommandContext) throws(CommandError) -> (JID, RoomsFeature) {
        let model = context.model
        guard let key = model.currentWindow.conversation, let account = model.account(of: key),
            let rooms = account.feature(RoomsFeature.self), rooms.knows(key.jid), key.jid.resourcepart == nil
        else { throw .failed("this is not a room window (/join a room first)") }
        return (key.jid, rooms)
    }

    /// `room[@service][/nick]`: the room's bare JID and the nick to use.
    func parseRoomAddress(_ text: String, _ context: CommandContext) throws(CommandError) -> (JID, String) {
        var address = text
        var nick: String?
        if let slash = text.firstIndex(of: "/") {
            nick = String(text[text.index(after: slash)...])
            address = String(text[..<slash])
        }
        if !address.contains("@") {
            let service =
                (context.model.currentWindow.conversation.flatMap { knows($0.jid) ? $0.jid.domain : nil })
                ?? conferenceService
            guard let service else {
                throw .usage(
                    "give the room's full address (room@conference.example.org): no conference service is known")
            }
            address += "@" + service.description
        }
        guard let room = JID(parsing: address), room.localpart != nil, room.resourcepart == nil else {
            throw .usage("\"\(text)\" is not a room address (room@service/nick)")
        }
        let chosen =
            nick.flatMap { $0.isEmpty ? nil : $0 } ?? self.nick(for: room)
        return (room, chosen)
    }
}
