import Foundation
import OMEMOCrypto
import XMPPCore
import XMPPExtensions

/// Downloads (`/open`) and size requests (`/fileinfo`): only ever at the user's command.
extension FilesFeature {
    /// Downloads the file a message `body` shares into the download directory and opens it; a
    /// plain link is handed to the opener as it is.
    public func open(_ body: String, in conversation: JID) throws(CommandError) {
        guard let client = account.fileTransfers else { throw .failed("file transfers are not available here") }
        let encrypted = try encryptedFile(in: body)
        guard let file = sharedFile(in: body) else {
            guard let url = link(in: body) else { throw .failed("that message has no file or link") }
            client.open(url) { [weak self] problem in
                if let problem { self?.notice("could not open the link: \(problem)", in: conversation) }
            }
            return
        }
        let directory = client.downloadDirectory
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw .failed("cannot create the download directory \(directory): \(error.localizedDescription)")
        }
        if let encrypted { return try openEncrypted(encrypted, in: conversation, directory: directory) }
        let destination = SharedFileName.unusedPath(in: directory, for: file.name) {
            FileManager.default.fileExists(atPath: $0)
        }
        let row = TransferRow(name: file.name, upload: false, done: 0, total: nil)
        try start(
            TransferRequest(url: file.url, method: .get(destination: destination)), row: row,
            conversation: conversation
        ) { [weak self] outcome in
            guard let self else { return }
            guard outcome.succeeded else {
                try? FileManager.default.removeItem(atPath: destination)
                notice("download of \(file.name) failed: \(outcome.problem)", in: conversation)
                return
            }
            notice("saved \(file.name) as \(destination)", in: conversation)
            client.open(destination) { [weak self] problem in
                if let problem { self?.notice("could not open \(destination): \(problem)", in: conversation) }
            }
        }
    }

    /// The `aesgcm` URL `body` is, if it is one; a body that starts like one but is not
    /// well-formed is refused with the reason.
    func encryptedFile(in body: String) throws(CommandError) -> AESGCMURL? {
        guard AESGCMURL.looksLikeOne(body) else { return nil }
        guard let link = AESGCMURL(body: body) else {
            throw .failed(
                "that aesgcm:// link is malformed: after # it needs 88 hex digits (IV and key), or 96 with an older"
                    + " 16-byte IV")
        }
        return link
    }

    /// Asks the server for the size of a shared file (HTTP HEAD).
    public func askSize(of body: String, in conversation: JID) throws(CommandError) {
        guard let file = sharedFile(in: body) else { throw .failed("that message is not a file") }
        let encrypted = try encryptedFile(in: body)
        // An encrypted file is fetched from its https URL; the server has it with the tag after it.
        let url = encrypted?.downloadURL ?? file.url
        let overhead = encrypted == nil ? 0 : Int64(AESGCMFile.tagSize)
        let row = TransferRow(name: file.name, upload: false, done: 0, total: nil)
        try start(TransferRequest(url: url, method: .head), row: row, conversation: conversation) {
            [weak self] outcome in
            guard let self else { return }
            if outcome.succeeded, case .finished(_, let length?) = outcome, length >= overhead {
                notice("\(file.name): \(Self.format(length - overhead))", in: conversation)
            } else if outcome.succeeded {
                notice("\(file.name): the server does not say its size", in: conversation)
            } else {
                notice("\(file.name): \(outcome.problem)", in: conversation)
            }
        }
    }
}
