import Foundation
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
            throw .failed(
                account.session == nil
                    ? "not connected: uploads need the server's upload service"
                    : "the server has no upload service (XEP-0363)")
        }
        if let limit = service.maximumFileSize, size > limit {
            throw .failed(
                "\(path) is \(Self.format(size)) (\(size) bytes); the server takes files up to \(Self.format(limit))"
                    + " (\(limit) bytes)")
        }
        guard account.fileTransfers != nil else { throw .failed("file transfers are not available here") }
        let record: UploadRecord
        do {
            record = try table.insert(
                conversation: conversation, path: full, size: size,
                contentType: SharedFileName.contentType(for: full), now: account.scheduler.now)
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
            to: service.jid, filename: record.name, size: record.size, contentType: record.contentType,
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

    /// PUTs the file to the record's slot. When the server refuses a slot from before (it
    /// expired, or the file is there already) and `newSlotOnRefusal`, a new slot is asked for.
    func put(_ record: UploadRecord, newSlotOnRefusal: Bool) {
        guard let putURL = record.putURL else { return requestSlot(for: record) }
        busyUploads.insert(record.id)
        let request = TransferRequest(
            url: putURL,
            method: .put(file: record.path, size: record.size, contentType: record.contentType, headers: record.headers)
        )
        let row = TransferRow(name: SharedFileName.sanitized(record.name), upload: true, done: 0, total: record.size)
        do {
            try start(request, row: row, conversation: record.conversation) { [weak self] outcome in
                guard let self else { return }
                if outcome.succeeded {
                    deliver(record)
                } else if newSlotOnRefusal, case .finished = outcome, service != nil, account.session != nil {
                    requestSlot(for: record)
                } else {
                    fail(record, outcome.problem)
                }
            }
        } catch {
            fail(record, "\(error)")
        }
    }

    /// The file is up: the GET URL goes into the outbox once, then the upload is marked sent
    /// (see `UploadRecord` for a crash between the two).
    func deliver(_ record: UploadRecord) {
        busyUploads.remove(record.id)
        guard let getURL = record.getURL, let messaging else { return }
        if let host = URLParts(getURL)?.host { uploadHosts.insert(host) }
        guard
            let message = messaging.send(
                getURL, to: record.conversation, extra: [OutOfBandData.element(url: getURL)], flush: false)
        else {
            fail(record, "the message with its URL could not be stored")
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
            if let url = record.getURL, let message = try? table.sentMessage(url, in: record.conversation) {
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
