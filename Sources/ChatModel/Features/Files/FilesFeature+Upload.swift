import Foundation
import OMEMOCrypto
import XMPPCore
import XMPPExtensions

/// Uploads (XEP-0363 §4): the size checked against the service's limit, a slot, the PUT, then the
/// GET URL as the message body with an OOB element, through the outbox.
extension FilesFeature {
    /// Starts uploading the file at `path` (`~` expanded) to `conversation`.
    public func upload(_ path: String, to conversation: JID) throws(CommandError) {
        let full = Self.expandingTilde(path)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: full, isDirectory: &isDirectory), !isDirectory.boolValue,
            FileManager.default.isReadableFile(atPath: full),
            let size = (try? FileManager.default.attributesOfItem(atPath: full))?[.size] as? Int64
        else { throw .failed("\(path) is not a file you can read") }
        guard size > 0 else { throw .failed("\(path) is empty") }
        guard let service else {
            // Right after login the service may still be being found: the upload waits for it.
            if account.session != nil, discovering {
                waitingForService.append((path, conversation))
                notice("finding your server's upload service: the upload starts when it answers", in: conversation)
                return
            }
            throw .failed(
                account.session == nil
                    ? "not connected: uploads need the server's upload service"
                    : "the server has no upload service (XEP-0363)")
        }
        let encrypted = account.feature(OMEMOFeature.self)?.isOn(for: conversation) == true
        let sent = encrypted ? size + Int64(AESGCMFile.tagSize) : size
        if let limit = service.maximumFileSize, sent > limit {
            throw .failed(
                "\(path) is \(Self.format(sent)) (\(sent) bytes\(encrypted ? " encrypted" : "")); the server takes"
                    + " files up to \(Self.format(limit)) (\(limit) bytes)")
        }
        guard account.fileTransfers != nil else { throw .failed("file transfers are not available here") }
        let record: UploadRecord
        do {
            // The server sees only ciphertext: no content type of the file's.
            let type = encrypted ? "application/octet-stream" : SharedFileName.contentType(for: full)
            record = try table.insert(
                conversation: conversation, path: full, size: size, contentType: type, encrypted: encrypted,
                now: account.scheduler.now)
        } catch {
            throw .failed("could not store the upload: \(error)")
        }
        requestSlot(for: record)
    }

    /// Asks the service for a slot; the answer is taken only from the service (the session
    /// matches a result by id and sender).
    func requestSlot(for record: UploadRecord) {
        guard let service, let session = account.session else {
            fail(record, "not connected")
            return
        }
        busyUploads.insert(record.id)
        let request = HTTPUpload.request(
            to: service.jid, filename: record.name, size: record.uploadSize, contentType: record.contentType,
            id: session.makeID())
        session.sendIQ(request) { [weak self] result in
            guard let self else { return }
            switch result {
            case .success(let response):
                do {
                    let slot = try HTTPUpload.Slot(result: response)
                    let headers = slot.headers.map { "\($0.name): \($0.value)" }
                    try table.slotGranted(record.id, putURL: slot.putURL, getURL: slot.getURL, headers: headers)
                    var granted = record
                    (granted.state, granted.putURL, granted.getURL, granted.headers) =
                        (.uploading, slot.putURL, slot.getURL, headers)
                    put(granted, newSlotOnRefusal: false)
                } catch {
                    fail(record, String(describing: error))
                }
            case .failure(.disconnected):
                // The link broke before the answer: the next session asks again.
                busyUploads.remove(record.id)
            case .failure(let failure):
                fail(record, "the upload service refused: \(failure)")
            }
        }
    }

    /// PUTs the file to the record's slot (encrypted first when the record says so). When the
    /// server refuses a slot from before (it expired, or the file is there already) and
    /// `newSlotOnRefusal`, a new slot is asked for.
    func put(_ record: UploadRecord, newSlotOnRefusal: Bool) {
        guard let getURL = record.getURL, record.putURL != nil else { return requestSlot(for: record) }
        busyUploads.insert(record.id)
        guard record.encrypted else {
            return put(record, file: record.path, body: getURL, newSlotOnRefusal: newSlotOnRefusal)
        }
        encrypt(record) { [weak self] encrypted, link in
            guard let self else { return }
            put(record, file: encrypted, body: link.text, newSlotOnRefusal: newSlotOnRefusal) {
                try? FileManager.default.removeItem(atPath: encrypted)
            }
        }
    }

    /// PUTs `file` (the upload's bytes) to the record's slot; once it is up, `body` is sent.
    /// `cleanup` runs when the PUT ends, however it ends.
    private func put(
        _ record: UploadRecord, file: String, body: String, newSlotOnRefusal: Bool, cleanup: @escaping () -> Void = {}
    ) {
        guard let putURL = record.putURL else { return }
        let request = TransferRequest(
            url: putURL,
            method: .put(file: file, size: record.uploadSize, contentType: record.contentType, headers: record.headers)
        )
        let row = TransferRow(
            name: SharedFileName.sanitized(record.name), upload: true, done: 0, total: record.uploadSize)
        do {
            try start(request, row: row, conversation: record.conversation) { [weak self] outcome in
                cleanup()
                guard let self else { return }
                if outcome.succeeded {
                    deliver(record, body: body)
                } else if newSlotOnRefusal, case .finished = outcome, service != nil, account.session != nil {
                    requestSlot(for: record)
                } else {
                    fail(record, outcome.problem)
                }
            }
        } catch {
            cleanup()
            fail(record, "\(error)")
        }
    }

    /// The file is up: the GET URL goes into the outbox once, then the upload is marked sent
    /// (see `UploadRecord` for a crash between the two).
    /// An encrypted file's `aesgcm` URL goes without an OOB element (XEP-0454 §3), through the
    /// same path, which seals it with OMEMO.
    func deliver(_ record: UploadRecord, body: String) {
        busyUploads.remove(record.id)
        guard let getURL = record.getURL, let messaging else { return }
        if let host = URLParts(getURL)?.host { uploadHosts.insert(host) }
        let extra = record.encrypted ? [] : [OutOfBandData.element(url: getURL)]
        guard let message = messaging.send(body, to: record.conversation, extra: extra, flush: false) else {
            if record.encrypted,
                account.feature(OMEMOFeature.self)?.waiting.contains(where: { $0.body == body }) == true
            {
                // OMEMO holds it until the contact's keys are here. The upload stays `uploading`
                // and busy for this run: the next run finds the message sent, or sends it then.
                busyUploads.insert(record.id)
                return
            }
            fail(
                record,
                record.encrypted
                    ? "the message with its key was not sent" : "the message with its URL could not be stored")
            return
        }
        do {
            try table.sent(record.id, message: message)
        } catch {
            account.log(.error, "could not mark the upload of \(record.name) sent: \(error)")
        }
        if account.session != nil { account.flushOutbox() }
    }

    func fail(_ record: UploadRecord, _ reason: String) {
        busyUploads.remove(record.id)
        do { try table.failed(record.id, reason: reason) } catch { account.log(.error, "could not store: \(error)") }
        notice("upload of \(SharedFileName.sanitized(record.name)) failed: \(reason)", in: record.conversation)
    }

    /// Uploads a previous run or a broken connection left unfinished: PUT again, or a new slot.
    func resumeUnfinished() {
        let records: [UploadRecord]
        do {
            records = try table.unfinished().filter { !busyUploads.contains($0.id) }
        } catch {
            account.log(.error, "could not read unfinished uploads: \(error)")
            return
        }
        for record in records {
            if let message = try? table.sentMessage(of: record) {
                try? table.sent(record.id, message: message)
                continue
            }
            guard service != nil else {
                fail(record, "the server has no upload service any more")
                continue
            }
            notice("resuming the upload of \(SharedFileName.sanitized(record.name))", in: record.conversation)
            switch record.state {
            case .uploading where record.putURL != nil: put(record, newSlotOnRefusal: true)
            default: requestSlot(for: record)
            }
        }
    }

    /// Cancels the newest upload or download of `conversation`; false when none runs.
    public func cancelTransfer(in conversation: JID) -> Bool {
        guard let newest = transfers.filter({ $0.value.conversation == conversation }).keys.max() else {
            return false
        }
        transfers[newest]?.cancel()
        return true
    }

    static func expandingTilde(_ path: String) -> String {
        guard path == "~" || path.hasPrefix("~/") else { return path }
        return FileManager.default.homeDirectoryForCurrentUser.path + path.dropFirst()
    }

    /// A size as people read it: `512 B`, `3.4 KB`, `12.0 MB`.
    static func format(_ bytes: Int64) -> String {
        let units = ["B", "KB", "MB", "GB", "TB"]
        var value = Double(bytes)
        var unit = 0
        while value >= 1000 && unit < units.count - 1 {
            value /= 1000
            unit += 1
        }
        return unit == 0 ? "\(bytes) B" : String(format: "%.1f", value) + " " + units[unit]
    }
}
