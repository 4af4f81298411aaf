import Foundation
import XMPPCore

/// The server side of SCRAM, for scripting negotiations in tests (RFC 5802 §5).
public struct SCRAMServer {
    public let algorithm: HashAlgorithm
    public let password: String
    public let salt: [UInt8]
    public let iterations: Int
    /// Channel-binding data the server sees on its side of the TLS channel.
    public let channelBindingData: [UInt8]?
    private let crypto: any CryptoProvider
    private var clientFirstBare = ""
    private var serverFirst = ""
    private var gs2Header = ""

    public init(
        algorithm: HashAlgorithm,
        password: String,
        salt: [UInt8] = Array("salt-for-tests".utf8),
        iterations: Int = 4096,
        channelBindingData: [UInt8]? = nil,
        crypto: any CryptoProvider
    ) {
        self.algorithm = algorithm
        self.password = password
        self.salt = salt
        self.iterations = iterations
        self.channelBindingData = channelBindingData
        self.crypto = crypto
    }

    /// The gs2 header the client sent (`n,,`, `y,,`, `p=tls-exporter,,`).
    public var clientGS2Header: String { gs2Header }

    /// Takes the client-first-message (base64) and returns the server-first-message (base64).
    public mutating func challenge(forInitialResponse base64: String) -> String {
        let message = String(decoding: Data(base64Encoded: base64) ?? Data(), as: UTF8.self)
        let parts = message.split(separator: ",", maxSplits: 2, omittingEmptySubsequences: false)
        gs2Header = parts.prefix(2).joined(separator: ",") + ","
        clientFirstBare = parts.count == 3 ? String(parts[2]) : ""
        let clientNonce = clientFirstBare.split(separator: ",").first { $0.hasPrefix("r=") }?.dropFirst(2) ?? ""
        serverFirst = "r=\(clientNonce)server-nonce,s=\(Data(salt).base64EncodedString()),i=\(iterations)"
        return Data(serverFirst.utf8).base64EncodedString()
    }

    /// Checks the client-final-message (base64); returns the server-final-message (base64) when
    /// the proof and channel binding are right, nil otherwise.
    public func verify(finalResponse base64: String) -> String? {
        let message = String(decoding: Data(base64Encoded: base64) ?? Data(), as: UTF8.self)
        guard let proofRange = message.range(of: ",p=") else { return nil }
        let withoutProof = String(message[..<proofRange.lowerBound])
        let proof = Data(base64Encoded: String(message[proofRange.upperBound...])).map(Array.init) ?? []
        var expectedBinding = Array(gs2Header.utf8)
        if gs2Header.hasPrefix("p=") { expectedBinding += channelBindingData ?? [] }
        guard withoutProof.hasPrefix("c=\(Data(expectedBinding).base64EncodedString()),") else { return nil }
        let authMessage = Array("\(clientFirstBare),\(serverFirst),\(withoutProof)".utf8)
        let salted = crypto.pbkdf2(algorithm, password: Array(password.utf8), salt: salt, iterations: iterations)
        let clientKey = crypto.hmac(algorithm, key: salted, data: Array("Client Key".utf8))
        let storedKey = crypto.hash(algorithm, clientKey)
        let signature = crypto.hmac(algorithm, key: storedKey, data: authMessage)
        let recovered = zip(proof, signature).map { $0 ^ $1 }
        guard proof.count == signature.count, crypto.hash(algorithm, recovered) == storedKey else { return nil }
        let serverKey = crypto.hmac(algorithm, key: salted, data: Array("Server Key".utf8))
        let serverSignature = crypto.hmac(algorithm, key: serverKey, data: authMessage)
        return Data("v=\(Data(serverSignature).base64EncodedString())".utf8).base64EncodedString()
    }
}
