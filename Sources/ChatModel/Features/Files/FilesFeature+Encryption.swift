import Foundation
import OMEMOCrypto
import XMPPCore
import XMPPExtensions

/// Encrypted files (XEP-0454): an upload to a chat with OMEMO on is encrypted under a new key
/// and IV into a temporary file (mode 0600, removed once the PUT ends) and shared as an `aesgcm`
/// URL in the OMEMO-encrypted body; a received `aesgcm` URL is downloaded and decrypted into the
/// download directory, and refused when its tag does not match. The work on the files runs off
/// the loop thread (`FileTransferClient.process`).
extension FilesFeature {
    /// Encrypts the record's file under a new key into a temporary file, then calls `then` with
    /// its path and the `aesgcm` URL to send; on a failure the upload fails.
    func encrypt(_ record: UploadRecord, then: @escaping (String, AESGCMURL) -> Void) {
        guard let client = account.fileTransfers else { return fail(record, "file transfers are not available here") }
        let link: AESGCMURL
        let temporary: String
        do {
            let (key, iv) = try AESGCMFile.newKey()
            guard let getURL = record.getURL, let made = AESGCMURL(getURL: getURL, iv: iv, key: key) else {
                return fail(record, "the upload service's URL is not HTTPS: an encrypted file is not shared over it")
            }
            link = made
            temporary = try Self.temporaryPath("tern-upload-")
        } catch {
            return fail(record, "cannot encrypt the file: \(error)")
        }
        let (source, size, key, iv) = (record.path, record.size, link.key, link.iv)
        client.process {
            do {
                guard try AESGCMFile.encrypt(source, to: temporary, key: key, iv: iv) == size else {
                    unlink(temporary)
                    return "the file changed size since the upload began"
                }
                return nil
            } catch {
                return "cannot encrypt the file: \(error)"
            }
        } completion: { [weak self] problem in
            if let problem {
                try? FileManager.default.removeItem(atPath: temporary)
                self?.fail(record, problem)
            } else if self != nil {
                then(temporary, link)
            } else {
                try? FileManager.default.removeItem(atPath: temporary)
            }
        }
    }

    /// Downloads an encrypted file into a hidden file of the download directory, decrypts it into
    /// `destination(name)` and opens that; the ciphertext is removed however it ends.
    func openEncrypted(_ link: AESGCMURL, in conversation: JID, directory: String) throws(CommandError) {
        guard let client = account.fileTransfers else { throw .failed("file transfers are not available here") }
        let name = SharedFileName.sanitized(link.fileName ?? "")
        let ciphertext: String
        do {
            ciphertext = try Self.temporaryPath((directory.hasSuffix("/") ? directory : directory + "/") + ".tern-")
        } catch {
            throw .failed("cannot download: \(error)")
        }
        let row = TransferRow(name: name, upload: false, done: 0, total: nil)
        try start(
            TransferRequest(url: link.downloadURL, method: .get(destination: ciphertext)), row: row,
            conversation: conversation
        ) { [weak self] outcome in
            guard let self, outcome.succeeded else {
                try? FileManager.default.removeItem(atPath: ciphertext)
                self?.notice("download of \(name) failed: \(outcome.problem)", in: conversation)
                return
            }
            let destination = SharedFileName.unusedPath(in: directory, for: name) {
                FileManager.default.fileExists(atPath: $0)
            }
            let (key, iv) = (link.key, link.iv)
            client.process {
                defer { unlink(ciphertext) }
                do throws(OMEMOCryptoError) {
                    try AESGCMFile.decrypt(ciphertext, to: destination, key: key, iv: iv)
                    return nil
                } catch .authenticationFailed {
                    return "it does not decrypt with the key in the message (the file or the key was altered):"
                        + " nothing was saved"
                } catch {
                    return "cannot decrypt it: \(error)"
                }
            } completion: { [weak self] problem in
                guard let self else { return }
                if let problem { return notice("download of \(name) refused: \(problem)", in: conversation) }
                notice("saved \(name) as \(destination) (decrypted)", in: conversation)
                client.open(destination) { [weak self] problem in
                    if let problem { self?.notice("could not open \(destination): \(problem)", in: conversation) }
                }
            }
        }
    }

    /// A path that starts with `prefix` (a directory's and a name's) and ends in 16 random hex
    /// digits: no file there yet, nor one anybody could guess.
    static func temporaryPath(_ prefix: String) throws(OMEMOCryptoError) -> String {
        let base = prefix.hasPrefix("/") ? prefix : NSTemporaryDirectory() + prefix
        return base + (try SecureRandom.bytes(8)).map { String(format: "%02x", $0) }.joined()
    }
}
