import Foundation
import OMEMOCrypto
import TestSupport
import Testing
import XMPPCore
import XMPPExtensions

@testable import ChatModel

/// Encrypted files (XEP-0454) over the scripted server: the upload of a chat with OMEMO on, and
/// `/open` and `/fileinfo` of a received `aesgcm` URL.
extension FilesTests {
    /// The slot is for the encrypted size; the PUT sends a temporary 0600 file of ciphertext and
    /// tag, removed after; the body handed to OMEMO is the `aesgcm` URL (no OOB element), and its
    /// key decrypts what was PUT into the file. OMEMO holds it until Juliet's keys are here, so
    /// the upload stays `uploading` (the next run finds it sent, or sends it then).
    @Test func anUploadToAnOMEMOChatIsEncryptedAndItsAESGCMURLGoesThroughOMEMO() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let (fixture, transfers, harness) = try romeo()
        let omemo = try #require(fixture.account("main").feature(OMEMOFeature.self))
        omemo.chats[try JID("juliet@capulet.lit")] = true
        let plaintext = Data((0..<100_000).map { UInt8(truncatingIfNeeded: $0 * 7) })
        let path = directory + "/photo.jpg"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        #expect(FileManager.default.createFile(atPath: path, contents: plaintext))
        fixture.model.submit("/upload \(path)")
        let request = try slotRequest(harness)
        #expect(
            request.matches(
                "<iq type='get' to='upload.montague.tld' id='*'><request xmlns='urn:xmpp:http:upload:0'"
                    + " filename='photo.jpg' size='100016' content-type='application/octet-stream'/></iq>"))
        grantSlot(harness, request)
        let put = try #require(transfers.started.first)
        guard case .put(let file, let size, let type, _) = put.request.method else {
            Issue.record("not a PUT")
            return
        }
        #expect(file != path && size == 100_016 && type == "application/octet-stream")
        #expect(try FileManager.default.attributesOfItem(atPath: file)[.posixPermissions] as? Int == 0o600)
        let uploaded = try #require(FileManager.default.contents(atPath: file))
        #expect(uploaded.count == 100_016 && uploaded.prefix(100) != plaintext.prefix(100))

        put.completion(.finished(status: 201, length: 100_016))
        #expect(!FileManager.default.fileExists(atPath: file), "the temporary file is removed")
        let held = try #require(omemo.waiting.first, "the body goes through OMEMO")
        #expect(held.extra.isEmpty, "no OOB element for an aesgcm URL")
        #expect(sentMessages(harness).isEmpty, "nothing in plaintext")
        let link = try #require(AESGCMURL(body: held.body))
        #expect(held.body.hasPrefix("aesgcm://download.montague.tld/4a77/photo.jpg#"))
        #expect(link.iv.count == 12 && link.key.count == 32)
        #expect(try uploads(fixture.store) == ["uploading"])
        let storedKeys = try fixture.store.featureRows(
            "SELECT put_url || get_url || headers FROM upload", [], { $0.text(0) })
        #expect(!storedKeys.contains { $0.lowercased().contains(held.body.suffix(64)) }, "no key in the table")

        let sealed = directory + "/sealed"
        let opened = directory + "/opened"
        #expect(FileManager.default.createFile(atPath: sealed, contents: uploaded))
        try AESGCMFile.decrypt(sealed, to: opened, key: link.key, iv: link.iv)
        #expect(FileManager.default.contents(atPath: opened) == plaintext)
    }

    /// A restart after the aesgcm message was stored finds it, whatever its key, and only marks
    /// the upload sent: no second PUT, no second message.
    @Test func anEncryptedUploadWhoseMessageWasStoredIsNotSentAgain() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let (first, _, harness) = try romeo()
        try #require(first.account("main").feature(OMEMOFeature.self)).chats[try JID("juliet@capulet.lit")] = true
        first.model.submit("/upload \(try makeFile("photo.jpg", size: 10))")
        grantSlot(harness, try slotRequest(harness))
        try first.store.featureWrite("UPDATE upload SET state = 'uploading'")
        let body = "aesgcm://download.montague.tld/4a77/photo.jpg#" + String(repeating: "ab", count: 44)
        try #require(first.account("main").feature(OMEMOFeature.self)).chats = [:]
        try #require(
            first.account("main").feature(MessagingFeature.self)?.send(body, to: try JID("juliet@capulet.lit"))
                != nil)
        let (_, again, _) = try romeo(store: first.store)
        #expect(again.started.isEmpty)
        #expect(try uploads(first.store) == ["sent"])
    }

    /// A received aesgcm URL is a file by its name; /open downloads it (over https) into a hidden
    /// file, decrypts it under a safe new name and opens that; /fileinfo gives the size without
    /// the tag.
    @Test func aReceivedAESGCMFileIsDecryptedOnOpen() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let (fixture, transfers, _) = try romeo()
        let (key, iv) = try AESGCMFile.newKey()
        let link = try #require(
            AESGCMURL(getURL: "https://share.capulet.lit/ab/tr%C3%A8s%20cool.jpg", iv: iv, key: key))
        fixture.receive("main", from: "juliet@capulet.lit/balcony", link.text)
        let message = try #require(fixture.model.currentWindow.messages.last)
        #expect(fixture.model.sharedFile(message)?.name == "très cool.jpg")
        #expect(transfers.started.isEmpty)

        fixture.model.submit("/fileinfo")
        #expect(
            transfers.started.last?.request
                == TransferRequest(url: "https://share.capulet.lit/ab/tr%C3%A8s%20cool.jpg", method: .head))
        transfers.started.last?.completion(.finished(status: 200, length: 1016))
        #expect(notices(fixture).last == "très cool.jpg: 1.0 KB")

        fixture.model.submit("/open")
        let get = try #require(transfers.started.last)
        guard case .get(let hidden) = get.request.method else {
            Issue.record("not a GET")
            return
        }
        #expect(get.request.url == "https://share.capulet.lit/ab/tr%C3%A8s%20cool.jpg")
        #expect(hidden.hasPrefix(directory + "/downloads/.tern-"))
        let plain = try makeFile("plain", size: 1000)
        try AESGCMFile.encrypt(plain, to: hidden, key: key, iv: iv)
        get.completion(.finished(status: 200, length: 1016))
        let saved = directory + "/downloads/très cool.jpg"
        #expect(FileManager.default.contents(atPath: saved) == FileManager.default.contents(atPath: plain))
        #expect(transfers.opened == [saved])
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory + "/downloads") == ["très cool.jpg"])
    }

    /// A file that does not decrypt with the message's key is refused and nothing is saved; a
    /// fragment of the wrong length is refused before anything is fetched.
    @Test func aBadTagOrAMalformedFragmentIsRefused() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let (fixture, transfers, _) = try romeo()
        let (key, iv) = try AESGCMFile.newKey()
        let link = try #require(AESGCMURL(getURL: "https://share.capulet.lit/ab/a.txt", iv: iv, key: key))
        fixture.receive("main", from: "juliet@capulet.lit/balcony", link.text)
        fixture.model.submit("/open")
        let get = try #require(transfers.started.last)
        guard case .get(let hidden) = get.request.method else {
            Issue.record("not a GET")
            return
        }
        var otherKey = key
        otherKey[0] ^= 1
        try AESGCMFile.encrypt(try makeFile("plain", size: 100), to: hidden, key: otherKey, iv: iv)
        get.completion(.finished(status: 200, length: 116))
        #expect(
            notices(fixture).last
                == "download of a.txt refused: it does not decrypt with the key in the message (the file or the key"
                + " was altered): nothing was saved")
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory + "/downloads").isEmpty)
        #expect(transfers.opened.isEmpty)

        fixture.receive("main", from: "juliet@capulet.lit/balcony", String(link.text.dropLast(2)))
        let before = transfers.started.count
        fixture.model.submit("/open")
        #expect(transfers.started.count == before)
        #expect(notices(fixture).last?.contains("that aesgcm:// link is malformed") == true)
    }
}
