import XMPPCore
import XMPPExtensions

extension BookmarksFeature {
    public static var commands: [CommandSpec] {
        [
            CommandSpec(
                "bookmark",
                summary: "list your room bookmarks, or change one (shared with your other clients)",
                help: """
                    /bookmark alone lists them. A bookmark with autojoin is entered at every login, by
                    Tern and your other clients; turning autojoin off, or removing a bookmark that had
                    it, leaves the room on all of them. The room is the current room window's unless
                    named. /join does not bookmark a room; /leave turns its bookmark's autojoin off.
                    """,
                subcommands: [
                    CommandSpec(
                        "add", arguments: [ArgumentSpec("room", optional: true, completion: .room)],
                        summary: "bookmark a room (with autojoin when you are in it)"
                    ) { context throws(CommandError) in
                        let (room, bookmarks) = try target(context)
                        let joined = bookmarks.rooms.rooms[room]?.wanted == true
                        let nick = bookmarks.rooms.rooms[room]?.wantedNick
                        bookmarks.edit(room, report: reporter(context)) { existing in
                            var bookmark = existing ?? RoomBookmark(room: room, nick: nick)
                            bookmark.autojoin = joined
                            return bookmark
                        }
                    },
                    CommandSpec(
                        "remove", arguments: [ArgumentSpec("room", optional: true, completion: .room)],
                        summary: "remove a room's bookmark"
                    ) { context throws(CommandError) in
                        let (room, bookmarks) = try target(context)
                        bookmarks.edit(room, report: reporter(context)) { _ in nil }
                    },
                    CommandSpec(
                        "autojoin",
                        arguments: [
                            ArgumentSpec("on|off", completion: .choice(["on", "off"])),
                            ArgumentSpec("room", optional: true, completion: .room),
                        ],
                        summary: "enter a bookmarked room at login (on: now too), or not (off: leave it)"
                    ) { context throws(CommandError) in
                        let autojoin: Bool
                        switch context.required("on|off").lowercased() {
                        case "on": autojoin = true
                        case "off": autojoin = false
                        case let other: throw .usage("\"\(other)\" is neither on nor off")
                        }
                        let (room, bookmarks) = try target(context)
                        let nick = bookmarks.rooms.rooms[room]?.wantedNick
                        bookmarks.edit(room, report: reporter(context)) { existing in
                            var bookmark = existing ?? RoomBookmark(room: room, nick: nick)
                            bookmark.autojoin = autojoin
                            return bookmark
                        }
                    },
                ],
                alone: { context throws(CommandError) in
                    let account = try context.account()
                    let bookmarks = try account.required(BookmarksFeature.self)
                    for line in bookmarks.listing() { context.model.addNotice(line) }
                })
        ]
    }

    /// `/bookmark`'s lines: each bookmark by name, with its room, autojoin and nick.
    func listing() -> [String] {
        guard !bookmarks.isEmpty else { return ["\(account.name) has no bookmarks"] }
        let sorted = bookmarks.values.sorted {
            ($0.name ?? $0.room.description).lowercased() < ($1.name ?? $1.room.description).lowercased()
        }
        return ["bookmarks of \(account.name):"]
            + sorted.map { bookmark in
                var details = [bookmark.autojoin ? "autojoin" : "no autojoin"]
                if let nick = bookmark.nick { details.append("as \(nick)") }
                if rooms.isJoined(bookmark.room) { details.append("joined") }
                let name = bookmark.name.map { "\($0) — " } ?? ""
                return "  \(name)\(bookmark.room) (\(details.joined(separator: ", ")))"
            }
    }

    /// The room a subcommand names (`room[@service]`), else the current room window's.
    static func target(_ context: CommandContext) throws(CommandError) -> (JID, BookmarksFeature) {
        guard let text = context.argument("room") else {
            let (room, rooms) = try RoomsFeature.currentRoom(context)
            return (room, try rooms.account.required(BookmarksFeature.self))
        }
        let account = try context.account()
        let rooms = try account.required(RoomsFeature.self)
        let (room, _) = try rooms.parseRoomAddress(text, context)
        return (room, try account.required(BookmarksFeature.self))
    }

    /// Where a command's outcome is told: the window it was typed in.
    static func reporter(_ context: CommandContext) -> (String) -> Void {
        let window = context.model.currentWindow
        return { [weak model = context.model, weak window] text in model?.addNotice(text, window: window) }
    }
}
