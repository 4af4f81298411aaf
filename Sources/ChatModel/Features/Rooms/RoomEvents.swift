import XMPPCore

/// A room's state changed (joined, left, subject, occupants): the roster's Rooms section, the
/// title line and the occupants list are redrawn. `room` nil: every room of the account.
struct RoomChanged: FeatureEvent {
    var room: JID?
    /// Only the occupants changed (a presence): the title and the roster need no redraw.
    var occupantsOnly: Bool

    func apply(to model: AppModel, from account: AccountController) {
        if occupantsOnly {
            if let room, model.currentWindow.conversation == model.conversation(room, on: account) {
                model.onChange(.occupants)
            }
            return
        }
        if let room, account.feature(RoomsFeature.self)?.rooms[room]?.wanted == true {
            model.openChat(model.conversation(room, on: account), focus: false)
        }
        model.onChange([.roster, .title, .occupants, .status])
    }
}

/// A line for a room's window: what happened there (entered, refused, kicked, the subject), or
/// an occupant coming, going or changing nick (`isOccupantLine`: shown as the settings say).
struct RoomNotice: FeatureEvent {
    var account: String
    var room: JID
    var text: String
    var isOccupantLine: Bool

    func apply(to model: AppModel, from account: AccountController) {
        let key = model.conversation(room, on: account)
        if isOccupantLine {
            guard model.settings.showJoinLeave, let window = model.window(of: key) else { return }
            let occupants = account.feature(RoomsFeature.self)?.rooms[room]?.occupants.count ?? 0
            guard occupants <= model.settings.joinLeaveLimit else { return }
            model.addNotice(text, window: window)
        } else {
            model.addNotice(text, window: model.openChat(key, focus: false))
        }
    }
}
