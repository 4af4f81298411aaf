import ChatStore
import OMEMOCrypto
import XMPPCore
import XMPPExtensions

/// One upload as the store keeps it (`upload` table), so that a crash or a restart never loses
/// or repeats it: `requested` (a slot was asked for), `uploading` (the slot's URLs are known and
/// the PUT runs or must run again), `sent` (the message with the URL is in the outbox) or
/// `failed`. The outbox's write is its own transaction (it syncs fully), so `sent` is recorded
/// just after it: an upload found `uploading` whose URL is already an outgoing message of its
/// conversation was sent, and is only marked so.
///
/// An `encrypted` upload (XEP-0454, the chat had OMEMO on) keeps no key: each PUT encrypts the
/// file afresh under a new key and IV into a temporary file, and the key reaches only the
/// message's body (`aesgcm://...#IVKEY`, stored like any message). Its slot is for the encrypted
/// size, the same for every key; its sent message is the one whose body is the GET URL as an
/// `aesgcm` URL, whatever the fragment.
struct UploadRecord: Hashable {
    enum State: String {
        case requested, uploading, sent, failed
    }

    var id: Int64
    var conversation: JID
    var path: String
    var size: Int64
    var contentType: String
    var state: State
    var putURL: String?
    var getURL: String?
    /// The slot's PUT headers, `Name: value` each (checked: no line breaks).
    var headers: [String]
    var error: String?
    /// Shared as XEP-0454 says: encrypted, its `aesgcm` URL sent through OMEMO.
    var encrypted = false

    /// The bytes PUT: the file, and the GCM tag after it when encrypted.
    var uploadSize: Int64 { encrypted ? size + Int64(AESGCMFile.tagSize) : size }

    /// The name shown and asked for: the path's last component.
    var name: String { path.split(separator: "/").last.map(String.init) ?? path }

    static let migrations = [
        StoreMigration(
            name: "create-uploads",
            sql: """
                CREATE TABLE upload (
                    id INTEGER PRIMARY KEY,
                    account_id INTEGER NOT NULL REFERENCES account(id) ON DELETE CASCADE,
                    conversation TEXT NOT NULL,
                    path TEXT NOT NULL,
                    size INTEGER NOT NULL,
                    content_type TEXT NOT NULL,
                    state TEXT NOT NULL CHECK (state IN ('requested', 'uploading', 'sent', 'failed')),
                    put_url TEXT,
                    get_url TEXT,
                    headers TEXT NOT NULL DEFAULT '',
                    message_id INTEGER,
                    error TEXT,
                    created_at INTEGER NOT NULL
                );
                CREATE INDEX upload_unfinished ON upload(account_id) WHERE state IN ('requested', 'uploading');
                CREATE TABLE shared_file (
                    account_id INTEGER NOT NULL REFERENCES account(id) ON DELETE CASCADE,
                    url TEXT NOT NULL,
                    PRIMARY KEY (account_id, url)
                ) WITHOUT ROWID;
                """),
        StoreMigration(
            name: "uploads-encrypted", sql: "ALTER TABLE upload ADD COLUMN encrypted INTEGER NOT NULL DEFAULT 0"),
    ]
}

/// The `upload` and `shared_file` tables of one account.
struct UploadTable {
    let store: ChatStore
    let account: AccountID

    private static let columns =
        "id, conversation, path, size, content_type, state, put_url, get_url, headers, error, encrypted"

    /// A new upload in state `requested`.
    func insert(conversation: JID, path: String, size: Int64, contentType: String, encrypted: Bool, now: Int64)
        throws -> UploadRecord
    {
        let id = try store.transaction {
            try store.featureWrite(
                """
                INSERT INTO upload (account_id, conversation, path, size, content_type, state, encrypted, created_at)
                VALUES (?, ?, ?, ?, ?, 'requested', ?, ?)
                """,
                [
                    account.rawValue.sql, conversation.description.sql, path.sql, size.sql, contentType.sql,
                    Int64(encrypted ? 1 : 0).sql, now.sql,
                ])
            return try store.featureRows("SELECT last_insert_rowid()", [], { $0.int64(0) })[0]
        }
        return UploadRecord(
            id: id, conversation: conversation, path: path, size: size, contentType: contentType, state: .requested,
            headers: [], encrypted: encrypted)
    }

    /// The uploads a previous run (or a broken connection) left in `requested` or `uploading`.
    func unfinished() throws -> [UploadRecord] {
        try rows("WHERE account_id = ? AND state IN ('requested', 'uploading') ORDER BY id", [account.rawValue.sql])
    }

    /// Every GET URL of our uploads (their hosts are our upload service's).
    func getURLs() throws -> [String] {
        try store.featureRows(
            "SELECT get_url FROM upload WHERE account_id = ? AND get_url IS NOT NULL", [account.rawValue.sql],
            { $0.text(0) })
    }

    func slotGranted(_ id: Int64, putURL: String, getURL: String, headers: [String]) throws {
        try store.featureWrite(
            "UPDATE upload SET state = 'uploading', put_url = ?, get_url = ?, headers = ? WHERE id = ?",
            [putURL.sql, getURL.sql, headers.joined(separator: "\n").sql, id.sql])
    }

    /// Our message in `conversation` that shares the upload's GET URL, if it was stored (a GET
    /// URL is unique): its body is the URL, or for an encrypted upload the `aesgcm` URL with any
    /// fragment.
    func sentMessage(of record: UploadRecord) throws -> Int64? {
        guard let url = record.getURL else { return nil }
        let body = record.encrypted ? AESGCMURL.bodyPrefix(getURL: url) : url
        return try store.featureRows(
            """
            SELECT m.id FROM message m JOIN conversation c ON c.id = m.conversation_id
            WHERE c.account_id = ? AND c.jid = ? AND m.outgoing = 1
            AND (m.body = ? OR (? AND substr(m.body, 1, length(?)) = ?)) LIMIT 1
            """,
            [
                account.rawValue.sql, conversation(record).sql, body.sql, Int64(record.encrypted ? 1 : 0).sql,
                body.sql, body.sql,
            ], { $0.int64(0) }
        ).first
    }

    private func conversation(_ record: UploadRecord) -> String { record.conversation.description }

    func sent(_ id: Int64, message: Int64?) throws {
        try store.featureWrite(
            "UPDATE upload SET state = 'sent', message_id = ?, error = NULL WHERE id = ?", [message?.sql, id.sql])
    }

    func failed(_ id: Int64, reason: String) throws {
        try store.featureWrite("UPDATE upload SET state = 'failed', error = ? WHERE id = ?", [reason.sql, id.sql])
    }

    /// URLs received with an OOB element (XEP-0066) that matched the message's body.
    func sharedURLs() throws -> [String] {
        try store.featureRows(
            "SELECT url FROM shared_file WHERE account_id = ?", [account.rawValue.sql], { $0.text(0) })
    }

    func addShared(_ url: String) throws {
        try store.featureWrite(
            "INSERT OR IGNORE INTO shared_file (account_id, url) VALUES (?, ?)", [account.rawValue.sql, url.sql])
    }

    private func rows(_ condition: String, _ values: [SQLiteValue?]) throws -> [UploadRecord] {
        try store.featureRows("SELECT \(Self.columns) FROM upload " + condition, values) { row -> UploadRecord? in
            guard let conversation = JID(parsing: row.text(1)) else { return nil }
            return UploadRecord(
                id: row.int64(0), conversation: conversation,
                path: row.text(2), size: row.int64(3), contentType: row.text(4),
                state: UploadRecord.State(rawValue: row.text(5)) ?? .failed, putURL: row.optionalText(6),
                getURL: row.optionalText(7), headers: row.text(8).split(separator: "\n").map(String.init),
                error: row.optionalText(9), encrypted: row.int64(10) != 0)
        }.compactMap { $0 }
    }
}
