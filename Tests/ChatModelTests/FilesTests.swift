import ChatStore
import Foundation
import TestSupport
import Testing
import XMPPCore

@testable import ChatModel

/// File sharing over a scripted server: the upload service found at login (XEP-0363 §2), a
/// slot asked for and used (§4, the XEP's examples as the service's answers), the URL sent once
/// with its OOB element (XEP-0066), uploads resumed after a restart, received files, downloads.
@Suite struct FilesTests {
    static let discoItems = "http://jabber.org/protocol/disco#items"
    static let discoInfo = "http://jabber.org/protocol/disco#info"
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tern-files-\(UUID().uuidString)")
        .path

    /// XEP-0363 Example 2's answer (its size limit).
    static let serviceInfo = """
        <identity category='store' type='file' name='HTTP File Upload'/>
        <feature var='urn:xmpp:http:upload:0'/>
        <x type='result' xmlns='jabber:x:data'>
          <field var='FORM_TYPE' type='hidden'><value>urn:xmpp:http:upload:0</value></field>
          <field var='max-file-size'><value>5242880</value></field>
        </x>
        """

    /// Romeo's account, with scripted transfers, logged in, the upload service found, and the
    /// chat with Juliet open.
    func romeo(store: ChatStore? = nil) throws -> (ScriptedAccounts, ScriptedTransfers, SessionHarness) {
        let fixture = try ScriptedAccounts([(name: "main", jid: "romeo@montague.tld")], store: store)
        let transfers = ScriptedTransfers(downloadDirectory: directory + "/downloads")
        fixture.account("main").fileTransfers = transfers
        fixture.connect("main")
        let harness = fixture.harness("main")
        // Files ask after rooms: the last disco#items query to the server is theirs.
        let items = try #require(
            harness.takeWrittenElements().last { $0.child("query", namespace: Self.discoItems) != nil })
        harness.serverSends(
            "<iq type='result' id='\(items.id!)' from='montague.tld'><query xmlns='\(Self.discoItems)'>"
                + "<item jid='chat.montague.tld'/><item jid='upload.montague.tld'/></query></iq>")
        for candidate in ["chat.montague.tld", "upload.montague.tld"] {
            let query = try #require(
                harness.takeWrittenElements().first { $0[attribute: "to"] == candidate },
                "disco#info to \(candidate)")
            let body =
                candidate == "chat.montague.tld"
                ? "<identity category='conference' type='text'/><feature var='http://jabber.org/protocol/muc'/>"
                : Self.serviceInfo
            harness.serverSends(
                "<iq type='result' id='\(query.id!)' from='\(candidate)'><query xmlns='\(Self.discoInfo)'>"
                    + body + "</query></iq>")
        }
        fixture.model.openChat(try fixture.key("main", "juliet@capulet.lit"), focus: true)
        return (fixture, transfers, harness)
    }

    func makeFile(_ name: String, size: Int) throws -> String {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let path = directory + "/" + name
        #expect(FileManager.default.createFile(atPath: path, contents: Data(repeating: 7, count: size)))
        return path
    }

    func uploads(_ store: ChatStore) throws -> [String] {
        try store.featureRows("SELECT state FROM upload ORDER BY id", [], { $0.text(0) })
    }

    func notices(_ fixture: ScriptedAccounts) -> [String] {
        fixture.model.noticesOf(fixture.model.currentWindow).map(\.text)
    }

    /// The slot request the account wrote last.
    func slotRequest(_ harness: SessionHarness) throws -> XMLElement {
        try #require(
            harness.takeWrittenElements().last { $0.child("request", namespace: "urn:xmpp:http:upload:0") != nil },
            "a slot request")
    }

    func grantSlot(_ harness: SessionHarness, _ request: XMLElement, headers: String? = nil) {
        let headerXML =
            headers
            ?? "<header name='Authorization'>Basic Base64String==</header>"
            + "<header name='Cookie'>foo=bar; user=romeo</header>"
        harness.serverSends(
            "<iq from='upload.montague.tld' id='\(request.id!)' type='result'><slot xmlns='urn:xmpp:http:upload:0'>"
                + "<put url='https://upload.montague.tld/4a77/photo.jpg'>\(headerXML)</put>"
                + "<get url='https://download.montague.tld/4a77/photo.jpg'/></slot></iq>")
    }

    func sentMessages(_ harness: SessionHarness) -> [XMLElement] {
        harness.takeWrittenElements().filter { $0.name == "message" && $0.child("body") != nil }
    }

    @Test func anUploadTakesASlotFromTheServiceOnlyPutsTheFileAndSendsItsURLWithOOBOnce() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let (fixture, transfers, harness) = try romeo()
        let files = try #require(fixture.account("main").feature(FilesFeature.self))
        #expect(files.service?.maximumFileSize == 5_242_880)
        let path = try makeFile("photo.jpg", size: 1000)
        fixture.model.submit("/upload \(path)")
        let request = try slotRequest(harness)
        #expect(
            request.matches(
                "<iq type='get' to='upload.montague.tld' id='*'><request xmlns='urn:xmpp:http:upload:0'"
                    + " filename='photo.jpg' size='1000' content-type='image/jpeg'/></iq>"))
        #expect(try uploads(fixture.store) == ["requested"])

        // A slot from anyone but the service is not the answer (RFC 6120 §10.3.3 matching).
        harness.serverSends(
            "<iq from='evil.example' id='\(request.id!)' type='result'><slot xmlns='urn:xmpp:http:upload:0'>"
                + "<put url='https://evil.example/p'/><get url='https://evil.example/g'/></slot></iq>")
        #expect(transfers.started.isEmpty)
        #expect(try uploads(fixture.store) == ["requested"])

        grantSlot(harness, request)
        #expect(try uploads(fixture.store) == ["uploading"])
        let put = try #require(transfers.started.first)
        #expect(
            put.request
                == TransferRequest(
                    url: "https://upload.montague.tld/4a77/photo.jpg",
                    method: .put(
                        file: path, size: 1000, contentType: "image/jpeg",
                        headers: ["Authorization: Basic Base64String==", "Cookie: foo=bar; user=romeo"])))
        put.progress(500, 1000)
        let key = try fixture.key("main", "juliet@capulet.lit")
        #expect(
            fixture.model.transfers(in: key) == [TransferRow(name: "photo.jpg", upload: true, done: 500, total: 1000)])
        #expect(fixture.model.transfers(in: key).first?.percent == 50)
        #expect(sentMessages(harness).isEmpty, "nothing is sent before the file is up")

        put.completion(.finished(status: 201, length: 1000))
        let sent = sentMessages(harness)
        #expect(sent.count == 1)
        let message = try #require(sent.first)
        #expect(message[attribute: "to"] == "juliet@capulet.lit")
        #expect(message.childText("body") == "https://download.montague.tld/4a77/photo.jpg")
        #expect(
            message.child("x", namespace: "jabber:x:oob")?.matches(
                "<x xmlns='jabber:x:oob'><url>https://download.montague.tld/4a77/photo.jpg</url></x>") == true)
        #expect(try uploads(fixture.store) == ["sent"])
        #expect(fixture.model.transfers(in: key).isEmpty)
        // Our own upload shows as a file line.
        let row = try #require(fixture.model.currentWindow.messages.last)
        #expect(fixture.model.sharedFile(row)?.name == "photo.jpg")
    }

    /// XEP-0363 §5: a header with a line break in the slot makes it refused; nothing is PUT.
    /// `/upload` typed right after login, while the upload service is still being found: it says
    /// so and starts once the service is known, instead of claiming the server has none.
    @Test func anUploadAskedForDuringDiscoveryStartsWhenTheServiceIsFound() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let fixture = try ScriptedAccounts([(name: "main", jid: "romeo@montague.tld")])
        fixture.account("main").fileTransfers = ScriptedTransfers(downloadDirectory: directory + "/downloads")
        fixture.connect("main")
        let harness = fixture.harness("main")
        fixture.model.openChat(try fixture.key("main", "juliet@capulet.lit"), focus: true)
        let files = try #require(fixture.account("main").feature(FilesFeature.self))
        try files.upload(try makeFile("early.jpg", size: 100), to: JID("juliet@capulet.lit"))
        #expect(notices(fixture).contains { $0.hasPrefix("finding your server's upload service") })
        #expect(try uploads(fixture.store).isEmpty, "nothing asked of a service not yet known")
        let items = try #require(
            harness.takeWrittenElements().last { $0.child("query", namespace: Self.discoItems) != nil })
        harness.serverSends(
            "<iq type='result' id='\(items.id!)' from='montague.tld'><query xmlns='\(Self.discoItems)'>"
                + "<item jid='upload.montague.tld'/></query></iq>")
        let query = try #require(harness.takeWrittenElements().first { $0[attribute: "to"] == "upload.montague.tld" })
        harness.serverSends(
            "<iq type='result' id='\(query.id!)' from='upload.montague.tld'><query xmlns='\(Self.discoInfo)'>"
                + Self.serviceInfo + "</query></iq>")
        #expect(try uploads(fixture.store) == ["requested"], "the upload started once the service was found")
        _ = try slotRequest(harness)
    }

    @Test func aSlotWithAnInjectedHeaderFailsTheUploadVisibly() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let (fixture, transfers, harness) = try romeo()
        fixture.model.submit("/upload \(try makeFile("photo.jpg", size: 10))")
        grantSlot(harness, try slotRequest(harness), headers: "<header name='Cookie'>a&#13;&#10;Host: x</header>")
        #expect(transfers.started.isEmpty)
        #expect(try uploads(fixture.store) == ["failed"])
        #expect(notices(fixture).contains { $0.hasPrefix("upload of photo.jpg failed: ") && $0.contains("refused") })
    }

    @Test func aFileOverTheLimitOrMissingIsRefusedBeforeASlotIsAsked() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let (fixture, _, harness) = try romeo()
        let big = try makeFile("big.iso", size: 0)
        let handle = try #require(FileHandle(forWritingAtPath: big))
        try handle.truncate(atOffset: 5_242_881)
        try handle.close()
        fixture.model.submit("/upload \(big)")
        fixture.model.submit("/upload \(directory)/missing.txt")
        #expect(harness.takeWrittenElements().filter { $0.name == "iq" }.isEmpty)
        #expect(try uploads(fixture.store).isEmpty)
        let shown = notices(fixture)
        #expect(shown.contains { $0.contains("the server takes files up to 5.2 MB (5242880 bytes)") })
        #expect(shown.contains { $0.contains("missing.txt is not a file you can read") })
    }

    @Test func cancellingAnUploadMarksItFailedAndSaysSo() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let (fixture, transfers, harness) = try romeo()
        fixture.model.submit("/upload \(try makeFile("photo.jpg", size: 10))")
        grantSlot(harness, try slotRequest(harness))
        #expect(transfers.started.count == 1)
        fixture.model.submit("/upload cancel")
        #expect(try uploads(fixture.store) == ["failed"])
        #expect(notices(fixture).contains("upload of photo.jpg failed: cancelled"))
        #expect(sentMessages(harness).isEmpty)
        fixture.model.submit("/upload cancel")
        #expect(notices(fixture).last?.contains("no transfer runs in this window") == true)
    }

    /// After a restart, an upload left `uploading` is PUT again to its slot; a slot the server no
    /// longer takes gets a new one; the URL goes out once.
    @Test func anUploadInterruptedByARestartIsPutAgainThenSentOnce() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let (first, transfers, harness) = try romeo()
        first.model.submit("/upload \(try makeFile("photo.jpg", size: 10))")
        grantSlot(harness, try slotRequest(harness))
        #expect(transfers.started.count == 1)

        let (second, again, secondHarness) = try romeo(store: first.store)
        #expect(again.started.map(\.request.url) == ["https://upload.montague.tld/4a77/photo.jpg"])
        #expect(
            second.model.noticesOf(second.model.currentWindow).contains {
                $0.text == "resuming the upload of photo.jpg"
            })
        again.started[0].completion(.finished(status: 409, length: 0))
        grantSlot(secondHarness, try slotRequest(secondHarness))
        #expect(again.started.count == 2)
        again.started[1].completion(.finished(status: 201, length: 10))
        #expect(sentMessages(secondHarness).count == 1)
        #expect(try uploads(second.store) == ["sent"])

        // A third start finds nothing to do.
        let (_, third, thirdHarness) = try romeo(store: first.store)
        #expect(third.started.isEmpty)
        #expect(sentMessages(thirdHarness).isEmpty)
    }

    /// A crash after the message was stored but before the upload was marked sent: the next start
    /// finds the message and only marks the upload, without a second PUT or message.
    @Test func anUploadWhoseMessageWasStoredIsNotSentAgain() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let (first, _, harness) = try romeo()
        first.model.submit("/upload \(try makeFile("photo.jpg", size: 10))")
        grantSlot(harness, try slotRequest(harness))
        try #require(
            first.account("main").feature(MessagingFeature.self)?.send(
                "https://download.montague.tld/4a77/photo.jpg", to: try JID("juliet@capulet.lit")) != nil)
        let (_, again, _) = try romeo(store: first.store)
        #expect(again.started.isEmpty)
        #expect(try uploads(first.store) == ["sent"])
    }

    @Test func aReceivedFileIsShownByNameAndFetchedOnlyOnOpenUnderASafeNewName() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let (fixture, transfers, harness) = try romeo()
        let url = "https://share.capulet.lit/ab/..%2F..%2F.bashrc%1B%5B31m.txt"
        harness.serverSends(
            "<message from='juliet@capulet.lit/balcony' type='chat' id='f1'><body>\(url)</body>"
                + "<x xmlns='jabber:x:oob'><url>\(url)</url></x></message>")
        fixture.receive("main", from: "juliet@capulet.lit/balcony", "see https://example.org/page")
        fixture.receive("main", from: "juliet@capulet.lit/balcony", "https://elsewhere.example/a.png")
        let messages = fixture.model.currentWindow.messages
        #expect(messages.count == 3)
        #expect(transfers.started.isEmpty, "nothing is fetched without the user's action")
        #expect(fixture.model.sharedFile(messages[0])?.name == "bashrc[31m.txt")
        #expect(fixture.model.sharedFile(messages[1]) == nil)
        #expect(fixture.model.sharedFile(messages[2]) == nil, "a bare URL not from an upload service is a link")

        try FileManager.default.createDirectory(atPath: directory + "/downloads", withIntermediateDirectories: true)
        _ = FileManager.default.createFile(atPath: directory + "/downloads/bashrc[31m.txt", contents: Data())
        fixture.model.submit("/open 3")
        let get = try #require(transfers.started.first)
        #expect(
            get.request
                == TransferRequest(url: url, method: .get(destination: directory + "/downloads/bashrc[31m-1.txt")))
        get.completion(.finished(status: 200, length: 3))
        #expect(transfers.opened == [directory + "/downloads/bashrc[31m-1.txt"])

        // A link is handed to the opener as it is; /fileinfo asks only for the size.
        fixture.model.submit("/open 2")
        #expect(transfers.opened.last == "https://example.org/page")
        fixture.model.submit("/fileinfo #\(messages[0].id)")
        #expect(transfers.started.last?.request == TransferRequest(url: url, method: .head))
        transfers.started.last?.completion(.finished(status: 200, length: 2_500_000))
        #expect(notices(fixture).last == "bashrc[31m.txt: 2.5 MB")
    }

    /// In a room, a message that is just an OOB URL is a file too, whoever's upload service holds
    /// it; a bare URL without OOB stays a link.
    @Test func aFileSharedInARoomIsShownAsAFile() throws {
        let rooms = RoomTests()
        let fixture = try rooms.connected()
        _ = try rooms.enter(fixture)
        fixture.model.openChat(try fixture.key("main", RoomTests.room), focus: true)
        let url = "https://share.example.net/ab/cauldron.png"
        fixture.harness("main").serverSends(
            "<message type='groupchat' from='\(RoomTests.room)/firstwitch' id='f1'><body>\(url)</body>"
                + "<x xmlns='jabber:x:oob'><url>\(url)</url></x></message>")
        fixture.harness("main").serverSends(
            "<message type='groupchat' from='\(RoomTests.room)/firstwitch' id='f2'>"
                + "<body>https://share.example.net/ab/other.png</body></message>")
        let messages = fixture.model.currentWindow.messages
        #expect(messages.count == 2)
        #expect(fixture.model.sharedFile(messages[0])?.name == "cauldron.png")
        #expect(fixture.model.sharedFile(messages[1]) == nil, "no OOB, not our upload service: a link")
    }
}

/// Names of received files and content types of sent ones.
@Suite struct SharedFileNameTests {
    @Test func aNameIsOneHarmlessPathComponent() {
        #expect(SharedFileName.sanitized("../../x") == "x")
        #expect(SharedFileName.sanitized("..\\..\\windows\\evil.exe") == "windows_evil.exe")
        #expect(SharedFileName.sanitized("/etc/passwd") == "etc_passwd")
        #expect(SharedFileName.sanitized("a\u{1B}[2Jb\r\n.txt") == "a[2Jb.txt")
        #expect(SharedFileName.sanitized("invoice\u{202E}fdp.exe") == "invoicefdp.exe")
        #expect(SharedFileName.sanitized(".bashrc") == "bashrc")
        #expect(SharedFileName.sanitized("..") == "download")
        #expect(SharedFileName.sanitized("") == "download")
        #expect(SharedFileName.sanitized(String(repeating: "é", count: 300)).utf8.count <= 200)
        #expect(SharedFileName.sanitized("très cool.jpg") == "très cool.jpg")
    }

    @Test func anExistingFileIsNeverReplaced() {
        var existing: Set<String> = ["/d/a.txt", "/d/a-1.txt", "/d/noext"]
        #expect(SharedFileName.unusedPath(in: "/d", for: "a.txt") { existing.contains($0) } == "/d/a-2.txt")
        #expect(SharedFileName.unusedPath(in: "/d/", for: "noext") { existing.contains($0) } == "/d/noext-1")
        existing = []
        #expect(SharedFileName.unusedPath(in: "/d", for: "b.tar.gz") { existing.contains($0) } == "/d/b.tar.gz")
    }

    @Test func theContentTypeComesFromTheExtension() {
        #expect(SharedFileName.contentType(for: "/x/Photo.JPG") == "image/jpeg")
        #expect(SharedFileName.contentType(for: "notes.txt") == "text/plain")
        #expect(SharedFileName.contentType(for: "README") == "application/octet-stream")
    }

    @Test func pathsCompleteFromTheirDirectoryWithTildeKept() throws {
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("tern-home-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: home) }
        try FileManager.default.createDirectory(atPath: home + "/Documents", withIntermediateDirectories: true)
        _ = FileManager.default.createFile(atPath: home + "/Doc.txt", contents: Data())
        _ = FileManager.default.createFile(atPath: home + "/.hidden", contents: Data())
        #expect(PathCompletion.candidates(for: "~/Do", home: home) == ["~/Doc.txt", "~/Documents/"])
        #expect(PathCompletion.candidates(for: "~", home: home) == ["~/Doc.txt", "~/Documents/"])
        #expect(PathCompletion.candidates(for: "~/.h", home: home) == ["~/.hidden"])
        #expect(PathCompletion.candidates(for: home + "/Documents/", home: home).isEmpty)
    }
}
