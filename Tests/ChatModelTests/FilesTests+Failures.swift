import ChatStore
import Foundation
import TestSupport
import Testing
import XMPPCore

@testable import ChatModel

/// What goes wrong with uploads is said in the chat's window, never silently.
extension FilesTests {
    @Test func withoutAnUploadServiceUploadSaysSo() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let fixture = try ScriptedAccounts([(name: "main", jid: "romeo@montague.tld")])
        fixture.account("main").fileTransfers = ScriptedTransfers(downloadDirectory: directory)
        let path = try makeFile("photo.jpg", size: 10)
        fixture.model.openChat(try fixture.key("main", "juliet@capulet.lit"), focus: true)
        fixture.model.submit("/upload \(path)")
        #expect(notices(fixture).last?.contains("not connected: uploads need the server's upload service") == true)
        fixture.connect("main")
        let harness = fixture.harness("main")
        let items = try #require(
            harness.takeWrittenElements().last { $0.child("query", namespace: Self.discoItems) != nil })
        harness.serverSends(
            "<iq type='result' id='\(items.id!)' from='montague.tld'><query xmlns='\(Self.discoItems)'/></iq>")
        fixture.model.submit("/upload \(path)")
        #expect(notices(fixture).last?.contains("the server has no upload service (XEP-0363)") == true)
        #expect(try uploads(fixture.store).isEmpty)
    }

    /// §4.1: the service refuses (here: the file is too large for it); the upload fails visibly.
    @Test func aRefusedSlotFailsTheUploadVisibly() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let (fixture, transfers, harness) = try romeo()
        fixture.model.submit("/upload \(try makeFile("photo.jpg", size: 10))")
        let request = try slotRequest(harness)
        harness.serverSends(
            "<iq from='upload.montague.tld' id='\(request.id!)' type='error'><error type='modify'>"
                + "<not-acceptable xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/>"
                + "<text xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'>File too large</text>"
                + "<file-too-large xmlns='urn:xmpp:http:upload:0'><max-file-size>5</max-file-size></file-too-large>"
                + "</error></iq>")
        #expect(transfers.started.isEmpty)
        #expect(try uploads(fixture.store) == ["failed"])
        #expect(notices(fixture).contains { $0.hasPrefix("upload of photo.jpg failed: the upload service refused") })
    }

    /// A PUT the server answers with an error fails the upload (a new slot only after a restart).
    @Test func aPutTheServerRefusesFailsTheUpload() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let (fixture, transfers, harness) = try romeo()
        fixture.model.submit("/upload \(try makeFile("photo.jpg", size: 10))")
        grantSlot(harness, try slotRequest(harness))
        transfers.started[0].completion(.finished(status: 413, length: 0))
        #expect(try uploads(fixture.store) == ["failed"])
        #expect(notices(fixture).contains("upload of photo.jpg failed: the server answered HTTP 413"))
        #expect(sentMessages(harness).isEmpty)
    }

    /// After a restart, an upload still waiting for its slot asks again; one whose file went away
    /// meanwhile fails with the reason.
    @Test func anUploadWaitingForItsSlotAsksAgainAfterARestart() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let (first, _, harness) = try romeo()
        let path = try makeFile("photo.jpg", size: 10)
        first.model.submit("/upload \(path)")
        _ = try slotRequest(harness)
        let (second, again, secondHarness) = try romeo(store: first.store)
        grantSlot(secondHarness, try slotRequest(secondHarness))
        #expect(again.started.count == 1)
        try FileManager.default.removeItem(atPath: path)
        again.started[0].completion(.failed("cannot read \(path): No such file or directory"))
        #expect(try uploads(second.store) == ["failed"])
        #expect(notices(second).contains { $0.contains("cannot read \(path)") })
    }

    /// A disconnection before the slot came: the next session asks again, and nothing fails.
    @Test func aSlotRequestCutByADisconnectionIsAskedAgainOnTheNextSession() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let (fixture, transfers, harness) = try romeo()
        fixture.model.submit("/upload \(try makeFile("photo.jpg", size: 10))")
        _ = try slotRequest(harness)
        harness.perform { $0.transportClosed() }
        #expect(try uploads(fixture.store) == ["requested"])
        #expect(!notices(fixture).contains { $0.contains("failed") })
        fixture.connect("main")
        let again = fixture.harness("main")
        #expect(again !== harness)
        grantSlot(again, try slotRequest(again))
        #expect(transfers.started.count == 1)
        transfers.started[0].completion(.finished(status: 201, length: 10))
        #expect(sentMessages(again).count == 1)
        #expect(try uploads(fixture.store) == ["sent"])
    }
}
