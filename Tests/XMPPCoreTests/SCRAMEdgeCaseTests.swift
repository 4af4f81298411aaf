import Foundation
import OpenSSLSupport
import TestSupport
import Testing
import XMPPCore

/// SCRAM against servers that misbehave, and the string preparation both ends must agree on.
@Suite struct SCRAMEdgeCaseTests {
    let crypto = OpenSSLCrypto()
    static let serverFirst = "r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,i=4096"

    private func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

    /// RFC 5802 §5's client, past its first message.
    func rfcClient(username: String = "user", password: String = "pencil") -> SCRAMClient {
        var client = SCRAMClient(
            algorithm: .sha1, username: username, password: password, channelBinding: .notSupported, crypto: crypto,
            clientNonce: "fyko+d2lbbFgONRv9qkxdawL")
        _ = client.initialResponse()
        return client
    }

    @Test func aServerFinalSentAsAChallengeIsVerifiedThere() throws {
        var client = rfcClient()
        _ = try client.respond(to: bytes(Self.serverFirst))
        #expect(try client.respond(to: bytes("v=rmF9pqV8S7suAoZWja4dJRkFsKQ=")).isEmpty)
        #expect(client.serverVerified)
        try client.complete(withSuccessData: [])
    }

    @Test(arguments: ["invalid-proof", "channel-bindings-dont-match", "unknown-user", "other-error"])
    func aServerErrorIsReportedAsTheServersRefusal(value: String) throws {
        var client = rfcClient()
        _ = try client.respond(to: bytes(Self.serverFirst))
        #expect(throws: SASLError.serverRejected(value)) { try client.complete(withSuccessData: bytes("e=\(value)")) }
        #expect(!client.serverVerified)
        #expect(
            SASLError.serverRejected(value).description
                == "authentication failed: the server rejected the SCRAM proof (\(value))")
    }

    /// A server that skips the exchange cannot claim success: only a signature computed from the
    /// password proves it knows the password.
    @Test func successWithoutAnExchangeIsNotSuccess() {
        var silent = rfcClient()
        #expect(throws: SASLError.serverSignatureMissing) { try silent.complete(withSuccessData: []) }
        var early = rfcClient()
        #expect(throws: SASLError.serverSignatureMismatch) {
            try early.complete(withSuccessData: bytes("v=rmF9pqV8S7suAoZWja4dJRkFsKQ="))
        }
        var unsigned = rfcClient()
        #expect(throws: SASLError.malformedChallenge("the server's final SCRAM message has no signature")) {
            _ = try unsigned.respond(to: bytes(Self.serverFirst))
            try unsigned.complete(withSuccessData: bytes("x=1"))
        }
    }

    @Test(arguments: [
        "garbage", "r=fyko+d2lbbFgONRv9qkxdawLx,i=4096", "r=fyko+d2lbbFgONRv9qkxdawLx,s=QSXCR+Q6sek8bf92",
        "s=QSXCR+Q6sek8bf92,i=4096", "r=fyko+d2lbbFgONRv9qkxdawLx,s=!!!,i=4096",
        "r=fyko+d2lbbFgONRv9qkxdawLx,s=,i=4096",
        "r=fyko+d2lbbFgONRv9qkxdawLx,,s=QSXCR+Q6sek8bf92,i=4096", "",
    ])
    func aMalformedServerFirstMessageIsRefused(message: String) {
        var client = rfcClient()
        #expect(throws: SASLError.self) { try client.respond(to: bytes(message)) }
        #expect(!client.serverVerified)
    }

    @Test(arguments: ["4096", "100000"])
    func theBoundsOfTheIterationRangeAreAccepted(count: String) throws {
        var client = rfcClient()
        let final = try client.respond(to: bytes("r=fyko+d2lbbFgONRv9qkxdawLx,s=QSXCR+Q6sek8bf92,i=\(count)"))
        #expect(String(decoding: final, as: UTF8.self).hasPrefix("c=biws,r=fyko+d2lbbFgONRv9qkxdawLx,p="))
    }

    @Test(arguments: ["-4096", "4096.0", " 4096", "0x1000", ""])
    func iterationCountsThatAreNotNumbersAreRefused(count: String) {
        var client = rfcClient()
        #expect(throws: SASLError.iterationCountOutOfRange(count, maximum: 100_000)) {
            try client.respond(to: bytes("r=fyko+d2lbbFgONRv9qkxdawLx,s=QSXCR+Q6sek8bf92,i=\(count)"))
        }
    }

    /// The first and final messages of a client that binds as `binding` says, to the server nonce `nx`.
    func exchange(_ binding: SCRAMChannelBinding) throws -> (first: String, final: String) {
        var client = SCRAMClient(
            algorithm: .sha1, username: "u", password: "p", channelBinding: binding, crypto: crypto, clientNonce: "n")
        let first = String(decoding: client.initialResponse(), as: UTF8.self)
        let final = try client.respond(to: bytes("r=nx,s=QSXCR+Q6sek8bf92,i=4096"))
        return (first, String(decoding: final, as: UTF8.self))
    }

    /// RFC 5802 §7: the channel-binding attribute repeats the GS2 header (and the binding data).
    @Test func theChannelBindingAttributeRepeatsTheHeader() throws {
        let y = try exchange(.notOfferedByServer)
        #expect(y.first == "y,,n=u,r=n" && y.final.hasPrefix("c=eSws,r=nx,p="))
        let unique = try exchange(.bound(type: .tlsUnique, data: [0xFF, 0]))
        #expect(unique.first == "p=tls-unique,,n=u,r=n")
        #expect(unique.final.hasPrefix("c=\(Data(bytes("p=tls-unique,,") + [0xFF, 0]).base64EncodedString()),r=nx,p="))
    }

    /// RFC 4013 §3's examples: what SASLprep makes of a user name and a password.
    @Test func namesAndPasswordsArePreparedWithSASLprep() throws {
        var numeral = SCRAMClient(
            algorithm: .sha1, username: "\u{2168}", password: "p", channelBinding: .notSupported, crypto: crypto,
            clientNonce: "n")
        #expect(numeral.initialResponse() == bytes("n,,n=IX,r=n"))
        var reference = rfcClient(password: "IX")
        let expected = try reference.respond(to: bytes(Self.serverFirst))
        for equivalent in ["I\u{AD}X", "\u{2168}", "I\u{200B}X"] {
            var client = rfcClient(password: equivalent)
            #expect(try client.respond(to: bytes(Self.serverFirst)) == expected, "\(equivalent.unicodeScalars)")
        }
        var spaced = rfcClient(password: "pen\u{A0}cil")
        var plain = rfcClient(password: "pen cil")
        #expect(try spaced.respond(to: bytes(Self.serverFirst)) == (try plain.respond(to: bytes(Self.serverFirst))))
        var upper = rfcClient(password: "USER")
        var lower = rfcClient(password: "user")
        #expect(try upper.respond(to: bytes(Self.serverFirst)) != (try lower.respond(to: bytes(Self.serverFirst))))
    }

    @Test(arguments: [HashAlgorithm.sha1, .sha256, .sha512])
    func eachHashCompletesAnExchangeWithAServer(algorithm: HashAlgorithm) throws {
        var client = SCRAMClient(
            algorithm: algorithm, username: "juliet", password: "r0m30", channelBinding: .notSupported, crypto: crypto)
        var server = SCRAMServer(algorithm: algorithm, password: "r0m30", crypto: crypto)
        let first = Data(client.initialResponse()).base64EncodedString()
        let challenge = try #require(Data(base64Encoded: server.challenge(forInitialResponse: first)))
        let response = try client.respond(to: Array(challenge))
        let final = try #require(server.verify(finalResponse: Data(response).base64EncodedString()))
        try client.complete(withSuccessData: Array(try #require(Data(base64Encoded: final))))
        #expect(client.serverVerified)
        #expect(algorithm.digestLength == [HashAlgorithm.sha1: 20, .sha256: 32, .sha512: 64][algorithm])
    }
}

/// Which mechanism is chosen from what servers really offer.
@Suite struct SASLSelectionEdgeCaseTests {
    let crypto = OpenSSLCrypto()
    let unbound = TLSInfo(protocolVersion: .tls13, channelBindings: [:], peerCertificateSHA256: "")
    let exporter = TLSInfo(protocolVersion: .tls13, channelBindings: [.tlsExporter: [1]], peerCertificateSHA256: "")

    func select(
        _ offered: [String], tls: TLSInfo, bindings: [ChannelBindingType]? = nil, pinned: String? = nil
    ) throws -> SASLChoice {
        try SASLAuthenticator.select(
            offered: offered, serverChannelBindings: bindings, tls: tls, pinnedMechanism: pinned, username: "u",
            password: "p", crypto: crypto)
    }

    @Test func mechanismNamesAreMatchedWhateverTheirCase() throws {
        #expect(try select(["scram-sha-1", "Scram-Sha-256"], tls: exporter).mechanism == "SCRAM-SHA-256")
        #expect(try select(["scram-sha-256-plus"], tls: exporter).mechanism == "SCRAM-SHA-256-PLUS")
    }

    /// A -PLUS needs binding data from this TLS session; without it, plain SCRAM says "n" (it
    /// cannot bind), so a server that offered -PLUS does not suspect a downgrade.
    @Test func withoutBindingDataPlusIsPassedOver() throws {
        var choice = try select(["SCRAM-SHA-512-PLUS", "SCRAM-SHA-1"], tls: unbound)
        #expect(choice.mechanism == "SCRAM-SHA-1" && choice.channelBinding == nil)
        #expect(String(decoding: choice.authenticator.initialResponse(), as: UTF8.self).hasPrefix("n,,"))
        #expect(throws: SASLError.noAcceptableMechanism(offered: ["SCRAM-SHA-256-PLUS"])) {
            try select(["SCRAM-SHA-256-PLUS"], tls: unbound)
        }
    }

    @Test func anUnknownSCRAMVariantStillKeepsPLAINOut() {
        #expect(throws: SASLError.noAcceptableMechanism(offered: ["SCRAM-SHA3-512", "PLAIN"])) {
            try select(["SCRAM-SHA3-512", "PLAIN"], tls: exporter)
        }
    }

    @Test func theServersListDecidesAndAnEmptyOneAllowsNoBinding() throws {
        let choice = try select(["SCRAM-SHA-256-PLUS"], tls: exporter, bindings: [.tlsExporter])
        #expect(choice.channelBinding == .tlsExporter && !choice.channelBindingGuessed)
        let guessed = try select(["SCRAM-SHA-256-PLUS"], tls: exporter)
        #expect(guessed.channelBindingGuessed, "without XEP-0440 the type is a guess another may replace")
        #expect(throws: SASLError.self) { try select(["SCRAM-SHA-256-PLUS"], tls: exporter, bindings: []) }
    }

    @Test func aStrongerOrUnknownPinNeverBlocksAStrongerChoice() throws {
        #expect(
            try select(["SCRAM-SHA-256-PLUS"], tls: exporter, pinned: "SCRAM-SHA-256").mechanism == "SCRAM-SHA-256-PLUS"
        )
        #expect(try select(["SCRAM-SHA-1"], tls: unbound, pinned: "X-FUTURE").mechanism == "SCRAM-SHA-1")
    }

    @Test func plainSendsTheUserAsGivenAndThePasswordPrepared() throws {
        var plain = try SASLAuthenticator.select(
            offered: ["PLAIN"], serverChannelBindings: nil, tls: unbound, username: "Juliet",
            password: "\u{AA}\u{2168}",
            crypto: crypto
        ).authenticator
        #expect(plain.initialResponse() == [0] + Array("Juliet".utf8) + [0] + Array("aIX".utf8))
        #expect(throws: SASLError.malformedChallenge("the server sent a challenge to PLAIN")) {
            try plain.respond(to: [1])
        }
        try plain.complete(withSuccessData: [])
    }
}
