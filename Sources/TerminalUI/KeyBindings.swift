/// The keys, documented once: /help keys, the man page and the README show this table.
public enum KeyBindings {
    public static let sections: [(title: String, keys: [(key: String, action: String)])] = [
        (
            "Windows",
            [
                ("Alt-1 … Alt-9, Alt-0", "go to window 1-10 (window 1 is the console)"),
                ("Alt-← / Alt-→, Ctrl-P / Ctrl-N", "previous / next window"),
                ("PageUp / PageDown", "scroll the chat (older history is read from the database)"),
                ("End (at the end of the input), Alt-End", "back to the newest messages"),
                ("F2", "move the focus to the roster and back"),
                ("F3", "show or hide the occupants pane of room windows (/set occupants.visible)"),
                ("Ctrl-X", "stop the window's newest file transfer (as `/upload cancel`)"),
                ("Ctrl-L", "redraw the screen"),
                ("Ctrl-C", "quit"),
            ]
        ),
        (
            "Input line",
            [
                ("Enter", "send the message or run the /command"),
                ("Alt-Enter (and /set input.newline)", "a new line in the message"),
                (
                    "Tab",
                    "complete commands, arguments, JIDs and contact names; in a room, nicks (`nick: ` at the start of"
                        + " the line); again: the next match"
                ),
                (
                    "Up / Down",
                    "earlier / later lines typed in this window; Up on an empty line in a chat: correct your last"
                        + " message, or select the last message when it is not yours"
                ),
                ("← / →, Ctrl-B / Ctrl-F", "one character left / right"),
                ("Alt-B / Alt-F", "one word left / right"),
                ("Home / End, Ctrl-A / Ctrl-E", "start / end of the line"),
                ("Backspace, Delete / Ctrl-D", "delete before / at the cursor"),
                ("Ctrl-K / Ctrl-U", "cut to the end / to the start of the line"),
                ("Ctrl-W / Alt-D", "cut the word before / after the cursor"),
                ("Ctrl-Y", "paste what was cut"),
                ("Esc", "cancel a question"),
            ]
        ),
        (
            "Message actions (Alt-↑; ↑ on an empty line when the last message is not yours)",
            [
                ("↑ / ↓, k / j, PageUp / PageDown", "select an older / newer message, or one a screen away"),
                ("r", "reply: `/reply #ID ` on the input line"),
                ("e", "react: pick with ← / → and Enter, or a digit (recent reactions first); runs `/react #ID EMOJI`"),
                ("x", "retract your message (asks first), or remove another's in a room you moderate (asks why)"),
                ("c", "correct your last message: `/correct TEXT` on the input line"),
                ("y", "copy the text, or the URL, to the clipboard (OSC 52; /set clipboard.osc52)"),
                ("o", "open the file or URL (`/open #ID`)"),
                ("i", "details: date and time, ids, sender, delivery state, encryption"),
                ("Esc", "back to the input line (switching windows too)"),
            ]
        ),
        (
            "Roster (after F2)",
            [
                ("↑ / ↓, k / j", "select a contact (or, with several accounts, an account's header)"),
                (
                    "Enter, Space",
                    "open the chat or room (entering a bookmarked room, accepting an invitation); on an account's"
                        + " header, fold or unfold it"
                ),
                ("z", "fold or unfold the selected row's account (its header then shows the unread total)"),
                ("a", "add a contact to the selected row's account (asks for the JID and a name)"),
                ("d", "remove the contact (asks to confirm); decline an invitation (asks why)"),
                ("r", "rename the contact"),
                ("g", "set the contact's groups"),
                ("s", "subscription: allow, deny, request or cancel"),
                ("/", "filter the roster by name or JID (shown on top; Esc clears it)"),
                ("Esc, F2", "back to the input line (Esc first clears a filter)"),
            ]
        ),
        (
            "Forms (/config, /role list, /affiliation list)",
            [
                ("↑ / ↓, k / j, PageUp / PageDown", "select a field"),
                ("Enter", "change the field on the input line (Tab goes through a list's choices); a yes/no toggles"),
                ("Space", "toggle a yes/no field, or take a list's next choice"),
                ("s", "send the form (what is missing or wrong is shown instead)"),
                ("Esc", "cancel the form (asks first when you changed something)"),
            ]
        ),
    ]
}
