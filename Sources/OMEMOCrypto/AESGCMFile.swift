internal import COpenSSL
import Glibc

/// AES-256-GCM over whole files, as XEP-0454 (OMEMO Media Sharing) shares them: the ciphertext,
/// then the 16-byte tag. Both directions stream in `chunkSize` pieces, so a large file never sits
/// in memory.
///
/// Decryption writes into a temporary file (mode 0600) beside the destination and gives it the
/// destination's name only once the tag matched, and never over an existing file: a wrong key or
/// an altered file leaves nothing behind.
public enum AESGCMFile {
    /// The bytes read, encrypted and written at a time.
    public static let chunkSize = 64 * 1024
    /// The tag's length; a file's ciphertext is this much longer than its plaintext.
    public static let tagSize = 16

    /// A random 32-byte key and 12-byte IV for one file.
    public static func newKey() throws(OMEMOCryptoError) -> (key: [UInt8], iv: [UInt8]) {
        (try SecureRandom.bytes(32), try SecureRandom.bytes(12))
    }

    /// Encrypts the file at `source` into `destination`, a new file (mode 0600, never over an
    /// existing one): the ciphertext and the tag. Returns the plaintext's length. On a failure
    /// `destination` is removed.
    @discardableResult
    public static func encrypt(_ source: String, to destination: String, key: [UInt8], iv: [UInt8])
        throws(OMEMOCryptoError) -> Int64
    {
        try OMEMOCryptoError.check("AES-256-GCM key", key.count, is: 32)
        try OMEMOCryptoError.check("AES-GCM IV", iv.count, is: 12)
        let input = try FileDescriptor(reading: source)
        let output = try FileDescriptor(creating: destination)
        do throws(OMEMOCryptoError) {
            let cipher = try CipherContext(gcmKey: key, iv: iv, encrypting: true)
            let length = try stream(from: input, to: output, count: nil, through: cipher)
            var tail = [UInt8](repeating: 0, count: 16)
            var written: Int32 = 0
            guard EVP_CipherFinal_ex(cipher.context, &tail, &written) == 1,
                EVP_CIPHER_CTX_ctrl(cipher.context, EVP_CTRL_GCM_GET_TAG, Int32(tagSize), &tail) == 1
            else { throw OMEMOCryptoError.openSSL(operation: "EVP_CipherFinal_ex") }
            try output.write(tail)
            return length
        } catch {
            unlink(destination)
            throw error
        }
    }

    /// Decrypts the file at `source` (ciphertext and tag) into `destination`, a new file (mode
    /// 0600), with a 12-byte IV or the 16-byte IV of older senders. Throws `authenticationFailed`
    /// when the tag does not match (or the file is shorter than a tag); nothing is written then.
    /// Returns the plaintext's length.
    @discardableResult
    public static func decrypt(_ source: String, to destination: String, key: [UInt8], iv: [UInt8])
        throws(OMEMOCryptoError) -> Int64
    {
        try OMEMOCryptoError.check("AES-256-GCM key", key.count, is: 32)
        guard iv.count == 12 || iv.count == 16 else {
            throw .invalidLength(what: "AES-GCM IV", expected: 12, actual: iv.count)
        }
        let input = try FileDescriptor(reading: source)
        let size = try input.size()
        guard size >= Int64(tagSize) else { throw .authenticationFailed }
        let (output, temporary) = try FileDescriptor.temporary(beside: destination)
        do throws(OMEMOCryptoError) {
            let cipher = try CipherContext(gcmKey: key, iv: iv, encrypting: false)
            let length = try stream(from: input, to: output, count: size - Int64(tagSize), through: cipher)
            var tag = try input.read(tagSize)
            guard tag.count == tagSize else { throw OMEMOCryptoError.file("\(source) was cut short") }
            var tail = [UInt8](repeating: 0, count: 16)
            var written: Int32 = 0
            guard EVP_CIPHER_CTX_ctrl(cipher.context, EVP_CTRL_GCM_SET_TAG, Int32(tagSize), &tag) == 1 else {
                throw OMEMOCryptoError.openSSL(operation: "EVP_CTRL_GCM_SET_TAG")
            }
            guard EVP_CipherFinal_ex(cipher.context, &tail, &written) == 1 else {
                throw OMEMOCryptoError.authenticationFailed
            }
            // link() never replaces an existing file, unlike rename().
            guard link(temporary, destination) == 0 else {
                throw OMEMOCryptoError.file("cannot create \(destination): \(String(cString: strerror(errno)))")
            }
            unlink(temporary)
            return length
        } catch {
            unlink(temporary)
            throw error
        }
    }

    /// Runs `count` bytes of `input` (all of it when nil) through `cipher` into `output`, a chunk at
    /// a time; the buffer that held plaintext is wiped. Returns the bytes read.
    private static func stream(
        from input: FileDescriptor, to output: FileDescriptor, count: Int64?, through cipher: CipherContext
    ) throws(OMEMOCryptoError) -> Int64 {
        let inBuffer = UnsafeMutableRawBufferPointer.allocate(byteCount: chunkSize, alignment: 16)
        let outBuffer = UnsafeMutableRawBufferPointer.allocate(byteCount: chunkSize + 16, alignment: 16)
        defer {
            OPENSSL_cleanse(inBuffer.baseAddress, chunkSize)
            OPENSSL_cleanse(outBuffer.baseAddress, chunkSize + 16)
            inBuffer.deallocate()
            outBuffer.deallocate()
        }
        var total: Int64 = 0
        while count.map({ total < $0 }) ?? true {
            let wanted = count.map { Int(min(Int64(chunkSize), $0 - total)) } ?? chunkSize
            let read = try input.read(into: UnsafeMutableRawBufferPointer(rebasing: inBuffer[0..<wanted]))
            guard read > 0 else {
                if count != nil { throw OMEMOCryptoError.file("a file was cut short while it was read") }
                break
            }
            var length: Int32 = 0
            guard
                EVP_CipherUpdate(
                    cipher.context, outBuffer.baseAddress?.assumingMemoryBound(to: UInt8.self), &length,
                    inBuffer.baseAddress?.assumingMemoryBound(to: UInt8.self), Int32(read)) == 1
            else { throw OMEMOCryptoError.openSSL(operation: "EVP_CipherUpdate") }
            try output.write(UnsafeRawBufferPointer(rebasing: outBuffer[0..<Int(length)]))
            total += Int64(read)
        }
        return total
    }
}

/// An open file descriptor, closed when the last reference goes; reads and writes retry EINTR
/// and short counts.
private final class FileDescriptor {
    let descriptor: Int32
    let path: String

    init(descriptor: Int32, path: String) {
        self.descriptor = descriptor
        self.path = path
    }

    convenience init(reading path: String) throws(OMEMOCryptoError) {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw Self.failure("cannot read", path) }
        self.init(descriptor: descriptor, path: path)
    }

    /// A new file, mode 0600; fails when `path` exists.
    convenience init(creating path: String) throws(OMEMOCryptoError) {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw Self.failure("cannot create", path) }
        self.init(descriptor: descriptor, path: path)
    }

    /// A new file with a unique name in `destination`'s directory (mkstemp: mode 0600).
    static func temporary(beside destination: String) throws(OMEMOCryptoError) -> (FileDescriptor, String) {
        let directory = destination.lastIndex(of: "/").map { String(destination[...$0]) } ?? "./"
        var template = Array((directory + ".tern-decrypting-XXXXXX").utf8CString)
        let descriptor = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard descriptor >= 0 else { throw failure("cannot create a file in", directory) }
        let path = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        return (FileDescriptor(descriptor: descriptor, path: path), path)
    }

    deinit { close(descriptor) }

    func size() throws(OMEMOCryptoError) -> Int64 {
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { throw Self.failure("cannot read", path) }
        return Int64(status.st_size)
    }

    /// The next `count` bytes, fewer only at the file's end.
    func read(_ count: Int) throws(OMEMOCryptoError) -> [UInt8] {
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: count, alignment: 1)
        defer { buffer.deallocate() }
        let read = try read(into: buffer)
        return Array(buffer.prefix(read))
    }

    func write(_ bytes: [UInt8]) throws(OMEMOCryptoError) {
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: bytes.count, alignment: 1)
        defer { buffer.deallocate() }
        buffer.copyBytes(from: bytes)
        try write(UnsafeRawBufferPointer(buffer))
    }

    /// Fills `buffer` as far as the file goes; returns the bytes read (fewer only at its end).
    func read(into buffer: UnsafeMutableRawBufferPointer) throws(OMEMOCryptoError) -> Int {
        var done = 0
        while done < buffer.count {
            let count = Glibc.read(descriptor, buffer.baseAddress! + done, buffer.count - done)
            if count < 0, errno == EINTR { continue }
            guard count >= 0 else { throw Self.failure("cannot read", path) }
            if count == 0 { break }
            done += count
        }
        return done
    }

    func write(_ bytes: UnsafeRawBufferPointer) throws(OMEMOCryptoError) {
        var done = 0
        while done < bytes.count {
            let count = Glibc.write(descriptor, bytes.baseAddress! + done, bytes.count - done)
            if count < 0, errno == EINTR { continue }
            guard count > 0 else { throw Self.failure("cannot write", path) }
            done += count
        }
    }

    private static func failure(_ what: String, _ path: String) -> OMEMOCryptoError {
        .file("\(what) \(path): \(String(cString: strerror(errno)))")
    }
}
