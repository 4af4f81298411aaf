import ChatStore
import Foundation
import XMPPCore
import XMPPExtensions

/// File sharing: HTTP upload (XEP-0363) with the URL sent in an OOB element (XEP-0066), uploads
/// kept in the store so that they survive a crash, files others share, and downloads.
///
/// An upload goes `requested` → `uploading` → `sent` (or `failed`), each step stored before the
/// next begins. The message with the URL goes through the outbox, once (see `UploadRecord`). After a restart or a reconnection, an upload
/// left `uploading` is PUT again to its slot (a new slot when the service refuses the old one),
/// and one left `requested` asks for a new slot; when that fails, the conversation's window says so.
///
/// A URL is never fetched without the user's action: received files are shown by name only;
/// `/open` downloads, `/fileinfo` asks for the size.
public final class FilesFeature: AccountFeature, MessageObserver, RoomMessageObserver {
    public static let name = "files"
    public static var tables: [StoreMigration] { UploadRecord.migrations }

    /// The account's upload service, once discovered on this run.
    public internal(set) var service: HTTPUpload.Service?
    var discovering = false
    /// Uploads asked for while the upload service was still being found: started once it is.
    var waitingForService: [(path: String, conversation: JID)] = []
    /// Transfers running now, by a number of this run.
    var transfers: [Int: RunningTransfer] = [:]
    var nextTransfer = 0
    /// Uploads running or waiting for a slot, by upload id (never resumed twice at once).
    var busyUploads: Set<Int64> = []
    /// URLs that came with an OOB element, and the hosts of our own uploads' URLs.
    var sharedURLs: Set<String> = []
    var uploadHosts: Set<String> = []
    let table: UploadTable
    lazy var messaging = account.feature(MessagingFeature.self)
    unowned let account: AccountController

    public init(account: AccountController) throws(FeatureError) {
        self.account = account
        table = UploadTable(store: account.store, account: account.accountID)
        sharedURLs = Set((try? table.sharedURLs()) ?? [])
        uploadHosts = Set(((try? table.getURLs()) ?? []).compactMap { URLParts($0)?.host })
    }

    /// A transfer of this run: what it moves, how far it got, and how to stop it.
    struct RunningTransfer {
        var row: TransferRow
        var conversation: JID
        var cancel: () -> Void
    }

    /// After the queued messages (and the rooms' own discovery): the upload service is found
    /// once per run; unfinished uploads resume once it is known.
    public func sessionReady(_ session: XMPPSession, _ start: SessionStart) {
        if service == nil {
            discoverService(in: session)
        } else {
            resumeUnfinished()
        }
    }

    // MARK: Discovery (XEP-0363 §2)

    /// Starts the uploads asked for during discovery (or says why each cannot go).
    func startWaitingUploads() {
        let waiting = waitingForService
        waitingForService.removeAll()
        for (path, conversation) in waiting {
            do { try upload(path, to: conversation) } catch {
                switch error {
                case .failed(let reason), .usage(let reason): notice(reason, in: conversation)
                }
            }
        }
    }

    /// Asks the server's items which is the upload service; unfinished uploads resume once known.
    func discoverService(in session: XMPPSession) {
        guard !discovering else { return }
        discovering = true
        session.sendIQ(DiscoItemsPage.request(to: account.jid.domain, id: session.makeID())) { [weak self] result in
            guard let self else { return }
            guard case .success(let response) = result, let page = DiscoItemsPage(response) else {
                discovering = false
                startWaitingUploads()
                return
            }
            let candidates = page.items.filter { $0.node == nil && $0.jid.localpart == nil }
            ask(Array(candidates.prefix(16)), in: session)
        }
    }

    private func ask(_ candidates: [DiscoItem], in session: XMPPSession) {
        guard let candidate = candidates.first, account.session === session else {
            discovering = false
            if service == nil { resumeUnfinished() }
            startWaitingUploads()
            return
        }
        session.sendIQ(DiscoInfo.request(to: candidate.jid, id: session.makeID())) { [weak self] result in
            guard let self else { return }
            if case .success(let response) = result, let info = DiscoInfo(result: response),
                let found = HTTPUpload.Service(jid: candidate.jid, info: info)
            {
                service = found
                discovering = false
                resumeUnfinished()
                startWaitingUploads()
                return
            }
            ask(Array(candidates.dropFirst()), in: session)
        }
    }

    // MARK: Events

    func notice(_ text: String, in conversation: JID) {
        account.emit(FilesNotice(conversation: conversation, text: text))
    }

    func transfersChanged() { account.emit(TransfersChanged()) }

    func start(
        _ request: TransferRequest, row: TransferRow, conversation: JID,
        completion: @escaping (TransferOutcome) -> Void
    ) throws(CommandError) {
        guard let client = account.fileTransfers else { throw .failed("file transfers are not available here") }
        nextTransfer += 1
        let number = nextTransfer
        transfers[number] = RunningTransfer(row: row, conversation: conversation, cancel: {})
        let cancel = client.start(request) { [weak self] done, total in
            guard let self, transfers[number] != nil else { return }
            transfers[number]?.row.done = done
            if let total { transfers[number]?.row.total = total }
            transfersChanged()
        } completion: { [weak self] outcome in
            guard let self else { return }
            transfers[number] = nil
            transfersChanged()
            completion(outcome)
        }
        transfers[number]?.cancel = cancel
        transfersChanged()
    }

    // MARK: Received files

    func received(_ message: ChatMessage, from: JID, peer: JID, carbon: Bool) { remember(message) }
    func sentElsewhere(_ message: ChatMessage, to peer: JID) { remember(message) }
    func archived(_ message: ChatMessage, peer: JID, outgoing: Bool) { remember(message) }
    func receivedInRoom(_ message: ChatMessage, room: JID, sender: String, ours: Bool, timestamp: Int64) {
        remember(message)
    }

    /// A body that is just the OOB URL (XEP-0066 as clients send files) marks that URL as a file.
    private func remember(_ message: ChatMessage) {
        guard let url = message.outOfBandURL, url == message.body?.trimmingCharacters(in: .whitespacesAndNewlines),
            URLParts(url) != nil, !sharedURLs.contains(url)
        else { return }
        sharedURLs.insert(url)
        do { try table.addShared(url) } catch { account.log(.warning, "could not store a shared file's URL: \(error)") }
    }

    /// The file a message body shares: a single URL that came with an OOB element, one on our
    /// upload service's host, or an encrypted file's `aesgcm` URL (XEP-0454).
    public func sharedFile(in body: String) -> SharedFileRow? {
        if body.first(where: { !$0.isWhitespace })?.lowercased() == "a" {
            guard let link = AESGCMURL(body: body) else { return nil }
            return SharedFileRow(url: link.text, name: SharedFileName.sanitized(link.fileName ?? ""))
        }
        // Drawn for every message: most are no URL at all, or there is nothing to match.
        guard body.contains("http"), !sharedURLs.isEmpty || !uploadHosts.isEmpty else { return nil }
        let text = body.trimmingCharacters(in: .whitespacesAndNewlines)
        guard let parts = URLParts(text), sharedURLs.contains(text) || uploadHosts.contains(parts.host) else {
            return nil
        }
        return SharedFileRow(url: text, name: SharedFileName.sanitized(parts.fileName ?? ""))
    }
}

/// A line about files for a conversation's window.
struct FilesNotice: FeatureEvent {
    var conversation: JID
    var text: String

    func apply(to model: AppModel, from account: AccountController) {
        model.addNotice(text, window: model.openChat(model.conversation(conversation, on: account), focus: false))
    }
}

/// A transfer started, moved or ended: the status line shows it.
struct TransfersChanged: FeatureEvent {
    func apply(to model: AppModel, from account: AccountController) { model.onChange(.status) }
}
