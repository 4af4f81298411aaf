import ChatStore
import Foundation
import HTTPTransfer
import Networking
import OMEMOCrypto
import TestServers
import TestSupport
import Testing
import XMPPCore
import XMPPExtensions

@testable import ChatModel

/// The accounts of `OMEMOFileIntegrationTests`: one pair per test and version (a peer's device
/// stays in its account's device list after it quits), and one that only asks for upload slots.
private let fileUsers = Dictionary(
    uniqueKeysWithValues: ((1...4).flatMap { ["tern\($0)", "peer\($0)"] } + ["uploader"]).map { ($0, "\($0)-secret") })

/// Encrypted file sharing (XEP-0454) between Tern and slixmpp-omemo (`OMEMOXMPPPeer`) in both
/// versions, over Prosody's `http_file_share` on loopback: Tern's upload to an OMEMO chat reaches
/// the peer as one `aesgcm` URL inside the encrypted message, whose file the test fetches and
/// decrypts with OMEMOCrypto to the bytes sent; a file the test encrypts and uploads itself, whose
/// URL the peer sends encrypted, Tern shows as a file and `/open` saves decrypted, byte-identical.
@Suite(.serialized, .prosody(users: fileUsers))
struct OMEMOFileIntegrationTests {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
        "tern-omemo-files-\(UUID().uuidString)"
    ).path

    /// A Tern account with file transfers (downloads into `directory/downloads`) and a peer of
    /// `version`, both online, the peer seeing Tern's device.
    private func pair(_ server: ProsodyServer, _ version: OMEMOVersion, _ index: Int) throws -> (
        LiveAccount, OMEMOXMPPPeer
    ) {
        let tern = try LiveAccount(loop: try EventLoop(), server: server, user: "tern\(index)")
        tern.controller.fileTransfers = HTTPTransferClient(
            loop: tern.loop, extraAnchor: nil, opener: "true", downloadDirectory: directory + "/downloads")
        #expect(tern.connect())
        let ready = tern.wait {
            tern.controller.feature(OMEMOFeature.self)?.announced.count == 2
                && tern.controller.feature(FilesFeature.self)?.service != nil
        }
        #expect(ready, "Tern's device was not published or no upload service was found\n\(tern.logText)")
        let peer = try OMEMOXMPPPeer(server: server, user: "peer\(index)", versions: [version])
        #expect(try peer.devices(of: tern.controller.jid.description).count == 1)
        return (tern, peer)
    }

    /// A file of `size` pseudo-random bytes named `name` in `directory`.
    private func makeFile(_ name: String, size: Int, seed: UInt64) throws -> (path: String, bytes: Data) {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        var generator = SplitMix64(state: seed)
        let bytes = Data((0..<size).map { _ in UInt8(truncatingIfNeeded: generator.next()) })
        let path = directory + "/" + name
        try bytes.write(to: URL(fileURLWithPath: path))
        return (path, bytes)
    }

    /// Runs one HTTP request with the account's transfer client and waits for its outcome.
    private func transfer(_ request: TransferRequest, on tern: LiveAccount) throws -> TransferOutcome {
        let client = try #require(tern.controller.fileTransfers)
        var outcome: TransferOutcome?
        _ = client.start(request, progress: { _, _ in }, completion: { outcome = $0 })
        tern.wait(timeout: .seconds(20)) { outcome != nil }
        return try #require(outcome, "no answer to \(request)")
    }

    @Test(arguments: OMEMOVersion.allCases)
    func ternsUploadReachesThePeerAsAnAESGCMURLWhoseFileDecryptsToTheBytesSent(_ version: OMEMOVersion) throws {
        let server = try #require(ProsodyServer.current)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let (tern, peer) = try pair(server, version, version == .omemo2 ? 1 : 2)
        defer { peer.stop() }
        let peerJID = try JID(peer.jid)
        try #require(tern.controller.feature(OMEMOFeature.self)).set(peerJID, on: true)
        let (path, bytes) = try makeFile("holiday photo.jpg", size: 300_000, seed: 1)
        try #require(tern.controller.feature(FilesFeature.self)).upload(path, to: peerJID)
        // Encrypting, the PUT, fetching the peer's keys and the message all run on Tern's loop.
        let sent = tern.wait(timeout: .seconds(30)) {
            tern.messages(with: peer.jid).contains {
                $0.outgoing && $0.body.hasPrefix("aesgcm://") && $0.state == .acked
            }
        }
        #expect(sent, "\(tern.logText)")
        let received = try peer.expectMessage(from: tern.controller.jid.description)
        #expect(received.version == version, "\(received)")
        #expect(received.oobURL == nil, "no OOB element in plaintext")
        #expect(received.fallbackBody?.contains("127.0.0.1") != true, "no URL in the plaintext body")
        let body = try #require(received.body, "\(received)")
        let link = try #require(AESGCMURL(body: body), "not an aesgcm URL: \(body)")
        #expect(body == link.text, "the body is the URL alone")
        #expect(body.hasPrefix("aesgcm://127.0.0.1:\(server.httpPort)/") && body.contains("/holiday%20photo.jpg#"))
        #expect(link.downloadURL.hasPrefix("http://127.0.0.1:\(server.httpPort)/"))

        let ciphertext = directory + "/fetched"
        let fetched = try transfer(
            TransferRequest(url: link.downloadURL, method: .get(destination: ciphertext)), on: tern)
        #expect(fetched.succeeded, "\(fetched)")
        let uploaded = try #require(FileManager.default.contents(atPath: ciphertext))
        #expect(uploaded.count == bytes.count + AESGCMFile.tagSize && uploaded.prefix(1000) != bytes.prefix(1000))
        let plaintext = directory + "/decrypted"
        try AESGCMFile.decrypt(ciphertext, to: plaintext, key: link.key, iv: link.iv)
        #expect(FileManager.default.contents(atPath: plaintext) == bytes)
        let states = try tern.store.featureRows("SELECT state FROM upload", [], { $0.text(0) })
        #expect(states == ["sent"])
        tern.disconnect()
    }

    @Test(arguments: OMEMOVersion.allCases)
    func anAESGCMURLFromThePeerIsAFileThatOpenSavesDecrypted(_ version: OMEMOVersion) throws {
        let server = try #require(ProsodyServer.current)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let (tern, peer) = try pair(server, version, version == .omemo2 ? 3 : 4)
        defer { peer.stop() }
        let (path, bytes) = try makeFile("minutes 2026.pdf", size: 250_000, seed: 2)
        let (key, iv) = try AESGCMFile.newKey()
        let sealed = directory + "/sealed"
        try AESGCMFile.encrypt(path, to: sealed, key: key, iv: iv)
        let slot = try requestSlot(
            server, on: tern, filename: "minutes 2026.pdf", size: Int64(bytes.count + AESGCMFile.tagSize))
        let put = try transfer(
            TransferRequest(
                url: slot.putURL,
                method: .put(
                    file: sealed, size: Int64(bytes.count + AESGCMFile.tagSize),
                    contentType: "application/octet-stream",
                    headers: slot.headers.map { "\($0.name): \($0.value)" })), on: tern)
        #expect(put.succeeded, "\(put)")
        let link = try #require(AESGCMURL(getURL: slot.getURL, iv: iv, key: key))
        try peer.send(link.text, to: tern.controller.jid.description)

        var stored: StoredMessage?
        tern.wait(timeout: .seconds(20)) {
            stored = tern.messages(with: peer.jid).first { $0.body == link.text && !$0.outgoing }
            return stored != nil
        }
        let message = try #require(stored, "\(tern.messages(with: peer.jid).map(\.body))\n\(tern.logText)")
        #expect(message.encryption?.hasPrefix(version == .omemo2 ? "OMEMO 2" : "OMEMO 0.3") == true)
        let files = try #require(tern.controller.feature(FilesFeature.self))
        #expect(files.sharedFile(in: message.body)?.name == "minutes 2026.pdf")
        try files.open(message.body, in: try JID(peer.jid))
        let saved = directory + "/downloads/minutes 2026.pdf"
        let done = tern.wait(timeout: .seconds(20)) { FileUploadIntegrationTests.done(files, saved) }
        #expect(done, "\(tern.logText)")
        #expect(FileManager.default.contents(atPath: saved) == bytes)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory + "/downloads") == ["minutes 2026.pdf"])
        tern.disconnect()
    }

    /// An upload slot of Prosody's `http_file_share`, asked for by another account on Tern's loop.
    private func requestSlot(_ server: ProsodyServer, on tern: LiveAccount, filename: String, size: Int64) throws
        -> HTTPUpload.Slot
    {
        let client = try TestClient(loop: tern.loop, server: server, user: "uploader")
        #expect(client.connect())
        defer { client.disconnect() }
        let request = HTTPUpload.request(
            to: try JID(server.uploadService), filename: filename, size: size,
            contentType: "application/octet-stream", id: "slot")
        let result = try #require(client.request(request), "no answer to the slot request")
        return try HTTPUpload.Slot(result: try result.get())
    }
}
