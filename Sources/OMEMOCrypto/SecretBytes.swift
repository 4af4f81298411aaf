internal import COpenSSL

/// Secret bytes (a private key, a shared secret) in memory of their own, wiped with `OPENSSL_cleanse`
/// when the last reference goes away. The bytes never change after creation.
public final class SecretBytes: @unchecked Sendable {
    private let storage: UnsafeMutableRawBufferPointer

    /// Copies `bytes`; the caller's copy is theirs to wipe.
    public init(_ bytes: [UInt8]) {
        storage = .allocate(byteCount: bytes.count, alignment: 1)
        storage.copyBytes(from: bytes)
    }

    /// Fills `count` bytes by `fill`, which must write all of them.
    init(count: Int, fill: (UnsafeMutableRawBufferPointer) throws(OMEMOCryptoError) -> Void)
        throws(OMEMOCryptoError)
    {
        storage = .allocate(byteCount: count, alignment: 1)
        storage.initializeMemory(as: UInt8.self, repeating: 0)
        try fill(storage)  // on a throw, deinit still runs: it wipes and frees what `fill` wrote
    }

    deinit {
        wipe()
        storage.deallocate()
    }

    /// The number of bytes.
    public var count: Int { storage.count }

    /// A copy of the bytes, for storing them; wiping that copy is the caller's job.
    public var bytes: [UInt8] { Array(storage) }

    /// Calls `body` with the bytes in place, without copying them.
    public func withUnsafeBytes<Result, Failure>(_ body: (UnsafeRawBufferPointer) throws(Failure) -> Result)
        throws(Failure) -> Result
    {
        try body(UnsafeRawBufferPointer(storage))
    }

    private func wipe() {
        if let base = storage.baseAddress { OPENSSL_cleanse(base, storage.count) }
    }
}
