/// A file transfer running now, as the status line shows it.
public struct TransferRow: Sendable, Hashable {
    /// The file's name (sanitised when it came from the network).
    public var name: String
    public var upload: Bool
    public var done: Int64
    /// The size, when known.
    public var total: Int64?

    public init(name: String, upload: Bool, done: Int64, total: Int64?) {
        self.name = name
        self.upload = upload
        self.done = done
        self.total = total
    }

    /// Done, in percent, when the size is known.
    public var percent: Int? {
        guard let total, total > 0 else { return nil }
        return Int(min(100, done * 100 / total))
    }
}

/// A file a message shares: its URL and the name to show and save it under (sanitised).
public struct SharedFileRow: Sendable, Hashable {
    public var url: String
    public var name: String

    public init(url: String, name: String) {
        self.url = url
        self.name = name
    }
}

extension AppModel {
    /// The transfers running for a conversation, oldest first.
    public func transfers(in key: ConversationKey) -> [TransferRow] {
        guard let files = account(of: key)?.feature(FilesFeature.self) else { return [] }
        return files.transfers.sorted { $0.key < $1.key }.filter { $0.value.conversation == key.jid }.map(\.value.row)
    }

    /// Stops the newest transfer of a conversation (Ctrl-X, `/upload cancel`); false when none runs.
    @discardableResult
    public func cancelTransfer(in key: ConversationKey) -> Bool {
        account(of: key)?.feature(FilesFeature.self)?.cancelTransfer(in: key.jid) ?? false
    }

    /// The file a message of the current window shares, if it is one.
    public func sharedFile(_ message: MessageRow) -> SharedFileRow? {
        guard let key = currentWindow.conversation else { return nil }
        return account(of: key)?.feature(FilesFeature.self)?.sharedFile(in: message.body)
    }
}
