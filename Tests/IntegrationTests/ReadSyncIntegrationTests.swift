import ChatModel
import ChatRuntime
import Networking
import TestServers
import TestSupport
import Testing
import XMPPCore

/// Read state on every device (XEP-0490) between two Terns of the same account, on both servers:
/// Bob writes to Alice, her desk and her phone both get it unread; she reads it on the phone, and
/// the desk's count clears. ejabberd 23.01 refuses the private node's publish-options (as it does
/// XEP-0402's: `pubsub#max_items` is an unknown field to it), so there the phone says so once and
/// publishes nothing, and the desk's count stays.
@Suite(.serialized, .servers(users: ["alice": "alice-secret", "bob": "bob-secret"]))
struct ReadSyncIntegrationTests {
    /// Alice's two devices, each with its own store and model, and Bob's two messages in both.
    private struct Devices {
        let phone: LiveAccount
        let desk: LiveAccount
        let phoneModel: AppModel
        let deskModel: AppModel
        let bob: ConversationKey
    }

    private func twoDevicesWithUnreadMessages(_ server: any XMPPTestServer, loop: EventLoop) throws -> Devices {
        let phone = try LiveAccount(loop: loop, server: server, user: "alice", resource: "phone")
        let desk = try LiveAccount(loop: loop, server: server, user: "alice", resource: "desk")
        #expect(phone.connect())
        #expect(desk.connect())
        let scheduler = EventLoopScheduler(loop: loop)
        let phoneModel = AppModel(accounts: [phone.controller], settings: UISettings(), scheduler: scheduler)
        let deskModel = AppModel(accounts: [desk.controller], settings: UISettings(), scheduler: scheduler)
        let bobJID = "bob@\(server.domain)"
        let peer = try RoomPeer(server: server, user: "bob")
        defer { peer.stop() }
        try peer.chat(to: "alice@\(server.domain)", "first")
        try peer.chat(to: "alice@\(server.domain)", "second")
        for device in [phone, desk] {
            #expect(
                device.wait(timeout: .seconds(20)) {
                    device.messages(with: bobJID).filter { $0.stanzaID != nil }.count == 2
                })
        }
        let bob = phoneModel.conversation(try JID(bobJID), on: phone.controller)
        return Devices(phone: phone, desk: desk, phoneModel: phoneModel, deskModel: deskModel, bob: bob)
    }

    /// A model's log (the model takes the account's events once it exists).
    private func logText(_ model: AppModel) -> String {
        model.log.map { "\($0.level) \($0.text)" }.joined(separator: "\n")
    }

    private func unread(_ device: LiveAccount, _ key: ConversationKey) -> Int {
        (try? device.store.unreadCounts(account: device.controller.accountID))?[key.address]?.messages ?? 0
    }

    @Test(arguments: ServerKind.allCases) func readingOnOneDeviceClearsTheOthersCount(_ kind: ServerKind) throws {
        let server = try TestServers.server(kind)
        let loop = try EventLoop()
        let devices = try twoDevicesWithUnreadMessages(server, loop: loop)
        defer {
            devices.phone.disconnect()
            devices.desk.disconnect()
        }
        let deskKey = devices.deskModel.conversation(devices.bob.jid, on: devices.desk.controller)
        #expect(unread(devices.desk, deskKey) == 2)
        #expect(devices.deskModel.unreadCounts[deskKey] == 2)

        devices.phoneModel.openChat(devices.bob, focus: true)
        #expect(unread(devices.phone, devices.bob) == 0)
        let refusal = "what you read is not shared with your other devices"
        switch kind {
        case .prosody:
            #expect(
                devices.desk.wait(timeout: .seconds(20)) { unread(devices.desk, deskKey) == 0 },
                "\(logText(devices.phoneModel))\n---\n\(logText(devices.deskModel))")
            #expect(devices.deskModel.unreadCounts[deskKey] == nil)
            #expect(!logText(devices.phoneModel).contains(refusal))
        case .ejabberd:
            #expect(
                devices.phone.wait(timeout: .seconds(20)) { logText(devices.phoneModel).contains(refusal) },
                "\(logText(devices.phoneModel))")
            #expect(unread(devices.desk, deskKey) == 2)
        }
    }
}
