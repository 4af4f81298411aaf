import TestServers
import TestSupport
import Testing
import XMPPExtensions

/// OMEMO as a user sees it: the real binary in tmux with an independent OMEMO client
/// (slixmpp-omemo) writing to it. The encrypted message shows with the lock, the chat's title
/// says it is encrypted, the reply typed goes encrypted, and `/omemo devices` and `/omemo trust`
/// show and change the device's trust by its fingerprint.
@Suite(.serialized, .servers(users: ["alice": "alice-secret", "carol": "carol-secret"]))
struct OMEMOTmuxTests {
    @Test func anEncryptedChatShowsItsLockAndItsDevicesTrust() throws {
        let server = try TestServers.server(.prosody)
        let home = try TernHome(server: server, user: "alice", extraConfig: "", strangers: "window")
        let tmux = try home.start(arguments: "", columns: 140, rows: 40)
        try tmux.waitFor("connected as alice@localhost")
        let carol = try OMEMOXMPPPeer(server: server, user: "carol", versions: [.omemo2])
        defer { carol.stop() }
        // Tern's device must be in its list before carol can write to it.
        _ = try tmux.waitFor(timeout: .seconds(20)) { _ in (try? carol.devices(of: "alice@localhost").count) == 1 }
        try carol.send("a secret hello", to: "alice@localhost")
        try tmux.waitFor("[Act: 2]", timeout: .seconds(20))
        try tmux.press("M-2")
        let screen = try tmux.waitFor("🔒 carol: a secret hello")
        #expect(screen.contains("🔒 OMEMO"), "the title shows the chat is encrypted:\n\(screen)")
        #expect(!screen.contains("OMEMO encrypted message but your client"), "never the fallback:\n\(screen)")

        try tmux.send("an encrypted answer")
        try tmux.press("Enter")
        let answer = try carol.expectMessage(from: "alice@localhost")
        #expect(answer.body == "an encrypted answer" && answer.version == .omemo2, "\(answer)")

        try tmux.send("/omemo devices")
        try tmux.press("Enter")
        let devices = try tmux.waitFor("\(carol.deviceID): trusted, not verified")
        #expect(devices.contains(carol.fingerprint), "the fingerprint as carol's client shows it:\n\(devices)")
        let prefix = String(carol.fingerprint.prefix(17))
        try tmux.send("/omemo trust \(prefix)")
        try tmux.press("Enter")
        try tmux.waitFor("\(carol.deviceID) is now verified")
        try tmux.send("/omemo devices")
        try tmux.press("Enter")
        try tmux.waitFor("\(carol.deviceID): verified")
    }
}
