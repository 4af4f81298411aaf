import ChatStore
import Foundation
import Glibc
import Networking
import TestServers
import TestSupport
import Testing
import XMPPCore

/// Every way out of the interactive client, with the real binary in tmux against a real server:
/// the stream is closed (the server keeps no session behind), the stored stream state says there
/// is nothing to resume, the terminal is given back, and the exit status is 0.
@Suite(.serialized, .prosody(users: ["alice": "alice-secret", "bob": "bob-secret"]))
struct ExitTests {
    var server: ProsodyServer { ProsodyServer.current! }

    enum Ending: String, CaseIterable, CustomTestStringConvertible {
        case quitCommand, controlC, sigterm, sighup, sigint, terminalClosed
        var testDescription: String { rawValue }
    }

    @Test(arguments: Ending.allCases)
    func everyWayOutEndsTheStreamAndGivesBackTheTerminal(_ ending: Ending) throws {
        let home = try TernHome(server: server, user: "alice", extraConfig: "resource = \"tern\"")
        let tmux = try home.start()
        try tmux.waitFor("connected as alice@localhost/tern")
        switch ending {
        case .quitCommand:
            try tmux.send("/quit")
            try tmux.press("Enter")
        case .controlC: try tmux.press("C-c")
        case .sigterm: try tmux.signalProgram(SIGTERM)
        case .sighup: try tmux.signalProgram(SIGHUP)
        case .sigint: try tmux.signalProgram(SIGINT)
        case .terminalClosed: try tmux.closePane()
        }
        #expect(try tmux.exitStatus() == 0, "\(ending)")
        if ending != .terminalClosed {
            try tmux.waitFor("[exited] 0")
            #expect(try tmux.paneFlag("alternate_on") == "0", "the terminal is back on its normal screen")
            #expect(try tmux.paneFlag("cursor_flag") == "1", "the cursor is visible again")
        }
        // The server has no session left for alice/tern: a ping to it bounces at once, where a
        // session kept for resumption would hold it.
        let loop = try EventLoop()
        let bob = try TestClient(loop: loop, server: server, user: "bob")
        #expect(bob.connect())
        let ping = XMLElement.iq(
            .get, id: "exit-ping", to: try JID("alice@localhost/tern"),
            payload: XMLElement("ping", namespace: Namespace.ping))
        let outcome = bob.request(ping, timeout: .seconds(3))
        guard case .failure(.error(let error))? = outcome else {
            Issue.record("\(ending): alice's session is still there (\(String(describing: outcome)))")
            return
        }
        #expect(error.condition == .serviceUnavailable, "\(ending)")
        bob.disconnect()
        let store = try ChatStore(path: home.database)
        let account = try store.account(jid: try JID("alice@localhost"), name: "test")
        #expect(try store.streamState(account: account) == nil, "\(ending): nothing is left to resume")
    }
}
