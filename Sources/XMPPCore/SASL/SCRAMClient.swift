import Foundation

/// How the client treats TLS channel binding in SCRAM (RFC 5802 §6 gs2-cbind-flag).
public enum SCRAMChannelBinding: Sendable, Hashable {
    /// `n`: the client does not support channel binding (or cannot agree on a type with the server).
    case notSupported
    /// `y`: the client supports channel binding but the server did not offer a -PLUS mechanism.
    case notOfferedByServer
    /// `p=<type>`: bind to the TLS channel with this data (RFC 5929, RFC 9266).
    case bound(type: ChannelBindingType, data: [UInt8])

    var gs2Header: String {
        switch self {
        case .notSupported: "n,,"
        case .notOfferedByServer: "y,,"
        case .bound(let type, _): "p=\(type.rawValue),,"
        }
    }
}

/// TLS channel binding types (RFC 5929, RFC 9266).
public enum ChannelBindingType: String, Sendable, Hashable, CaseIterable {
    case tlsExporter = "tls-exporter"
    case tlsServerEndPoint = "tls-server-end-point"
    case tlsUnique = "tls-unique"
}

/// A SCRAM client (RFC 5802, RFC 7677): initial message, one challenge, server signature check.
public struct SCRAMClient: Sendable {
    public let algorithm: HashAlgorithm
    private let username: String
    private let password: String
    private let channelBinding: SCRAMChannelBinding
    private let crypto: any CryptoProvider
    private let clientNonce: String
    private var clientFirstBare = ""
    private var expectedServerSignature: [UInt8]?
    public private(set) var serverVerified = false

    /// The fewest iterations accepted from a server: below RFC 7677's 4096 a captured proof is
    /// cheap to attack offline.
    public static let minimumIterations = 4096
    /// The default ceiling. Prosody and ejabberd use 4096 to 10,000; far above, a hostile server
    /// makes the client spin in PBKDF2 on its event loop (100,000 rounds of SHA-512 take about
    /// 60 ms here, ten million six seconds).
    public static let defaultMaximumIterations = 100_000
    private let maximumIterations: Int

    public init(
        algorithm: HashAlgorithm,
        username: String,
        password: String,
        channelBinding: SCRAMChannelBinding,
        crypto: any CryptoProvider,
        clientNonce: String? = nil,
        maximumIterations: Int = SCRAMClient.defaultMaximumIterations
    ) {
        self.maximumIterations = maximumIterations
        self.algorithm = algorithm
        self.username = username
        self.password = password
        self.channelBinding = channelBinding
        self.crypto = crypto
        self.clientNonce = clientNonce ?? crypto.randomIdentifier(length: 24)
    }

    /// The client-first-message, sent with `<auth/>`.
    public mutating func initialResponse() -> [UInt8] {
        clientFirstBare = "n=\(SCRAMClient.saslName(SASLprep.prepare(username))),r=\(clientNonce)"
        return Array((channelBinding.gs2Header + clientFirstBare).utf8)
    }

    /// Answers a challenge: the server-first-message, or a server-final-message some servers send as
    /// a challenge before an empty `<success/>`.
    public mutating func respond(to challenge: [UInt8]) throws(SASLError) -> [UInt8] {
        if expectedServerSignature != nil {
            try verifyServerFinal(challenge)
            return []
        }
        let message = String(decoding: challenge, as: UTF8.self)
        let fields = try SCRAMClient.parseFields(message)
        if fields["m"] != nil { throw .malformedChallenge("the server requires an unknown SCRAM extension") }
        guard let nonce = fields["r"], let saltText = fields["s"], let iterationText = fields["i"] else {
            throw .malformedChallenge("the server's SCRAM challenge lacks a nonce, salt or iteration count")
        }
        guard nonce.hasPrefix(clientNonce), nonce.count > clientNonce.count else { throw .nonceMismatch }
        guard let salt = Data(base64Encoded: saltText), !salt.isEmpty else {
            throw .malformedChallenge("the server's SCRAM salt is not valid base64")
        }
        guard let iterations = Int(iterationText), iterations >= SCRAMClient.minimumIterations,
            iterations <= maximumIterations
        else {
            throw .iterationCountOutOfRange(String(iterationText.prefix(20)), maximum: maximumIterations)
        }

        var channelData = Array(channelBinding.gs2Header.utf8)
        if case .bound(_, let data) = channelBinding { channelData += data }
        let finalWithoutProof = "c=\(Data(channelData).base64EncodedString()),r=\(nonce)"
        let authMessage = Array("\(clientFirstBare),\(message),\(finalWithoutProof)".utf8)

        let saltedPassword = crypto.pbkdf2(
            algorithm, password: Array(SASLprep.prepare(password).utf8), salt: Array(salt), iterations: iterations)
        let clientKey = crypto.hmac(algorithm, key: saltedPassword, data: Array("Client Key".utf8))
        let storedKey = crypto.hash(algorithm, clientKey)
        let clientSignature = crypto.hmac(algorithm, key: storedKey, data: authMessage)
        let proof = zip(clientKey, clientSignature).map { $0 ^ $1 }
        let serverKey = crypto.hmac(algorithm, key: saltedPassword, data: Array("Server Key".utf8))
        expectedServerSignature = crypto.hmac(algorithm, key: serverKey, data: authMessage)

        return Array("\(finalWithoutProof),p=\(Data(proof).base64EncodedString())".utf8)
    }

    /// Handles the additional data of `<success/>`; authentication counts only once the server
    /// proved it knows the password too.
    public mutating func complete(withSuccessData data: [UInt8]) throws(SASLError) {
        if !data.isEmpty { try verifyServerFinal(data) }
        guard serverVerified else { throw .serverSignatureMissing }
    }

    private mutating func verifyServerFinal(_ data: [UInt8]) throws(SASLError) {
        let fields = try SCRAMClient.parseFields(String(decoding: data, as: UTF8.self))
        if let error = fields["e"] { throw .serverRejected(error) }
        guard let signatureText = fields["v"], let signature = Data(base64Encoded: signatureText) else {
            throw .malformedChallenge("the server's final SCRAM message has no signature")
        }
        guard let expected = expectedServerSignature, Array(signature) == expected else {
            throw .serverSignatureMismatch
        }
        serverVerified = true
    }

    static func saslName(_ name: String) -> String {
        name.replacingOccurrences(of: "=", with: "=3D").replacingOccurrences(of: ",", with: "=2C")
    }

    static func parseFields(_ message: String) throws(SASLError) -> [String: String] {
        var fields: [String: String] = [:]
        for part in message.split(separator: ",", omittingEmptySubsequences: false) {
            guard part.count >= 2, part.dropFirst().first == "=", let key = part.first else {
                throw .malformedChallenge("unexpected SCRAM attribute \"\(part.prefix(20))\"")
            }
            fields[String(key)] = String(part.dropFirst(2))
        }
        return fields
    }
}
