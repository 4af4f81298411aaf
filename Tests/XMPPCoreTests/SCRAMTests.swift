import Foundation
import OpenSSLSupport
import Testing
import XMPPCore

@Suite struct SCRAMTests {
    let crypto = OpenSSLCrypto()

    private func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

    @Test func rfc5802SHA1Vector() throws {
        var client = SCRAMClient(
            algorithm: .sha1, username: "user", password: "pencil", channelBinding: .notSupported, crypto: crypto,
            clientNonce: "fyko+d2lbbFgONRv9qkxdawL")
        #expect(client.initialResponse() == bytes("n,,n=user,r=fyko+d2lbbFgONRv9qkxdawL"))
        let final = try client.respond(
            to: bytes("r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,i=4096"))
        #expect(final == bytes("c=biws,r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,p=v0X8v3Bz2T0CJGbJQyF0X+HI4Ts="))
        try client.complete(withSuccessData: bytes("v=rmF9pqV8S7suAoZWja4dJRkFsKQ="))
        #expect(client.serverVerified)
    }

    @Test func rfc7677SHA256Vector() throws {
        var client = SCRAMClient(
            algorithm: .sha256, username: "user", password: "pencil", channelBinding: .notSupported, crypto: crypto,
            clientNonce: "rOprNGfwEbeRWgbNEkqO")
        #expect(client.initialResponse() == bytes("n,,n=user,r=rOprNGfwEbeRWgbNEkqO"))
        let final = try client.respond(
            to: bytes("r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096"))
        #expect(
            final
                == bytes(
                    "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,"
                        + "p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ="))
        try client.complete(withSuccessData: bytes("v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4="))
    }

    @Test func wrongServerSignatureIsRejected() throws {
        var client = SCRAMClient(
            algorithm: .sha256, username: "user", password: "pencil", channelBinding: .notSupported, crypto: crypto,
            clientNonce: "rOprNGfwEbeRWgbNEkqO")
        _ = client.initialResponse()
        _ = try client.respond(
            to: bytes("r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096"))
        #expect(throws: SASLError.serverSignatureMismatch) {
            try client.complete(withSuccessData: bytes("v=AAAATRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4="))
        }
    }

    @Test func successWithoutSignatureIsRejected() throws {
        var client = SCRAMClient(
            algorithm: .sha1, username: "user", password: "pencil", channelBinding: .notSupported, crypto: crypto,
            clientNonce: "abc")
        _ = client.initialResponse()
        _ = try client.respond(to: bytes("r=abcdef,s=QSXCR+Q6sek8bf92,i=4096"))
        #expect(throws: SASLError.serverSignatureMissing) { try client.complete(withSuccessData: []) }
    }

    @Test func nonceThatDoesNotExtendOursIsRejected() {
        var client = SCRAMClient(
            algorithm: .sha1, username: "user", password: "pencil", channelBinding: .notSupported, crypto: crypto,
            clientNonce: "abc")
        _ = client.initialResponse()
        #expect(throws: SASLError.nonceMismatch) { try client.respond(to: bytes("r=xyz123,s=QSXCR+Q6sek8bf92,i=4096")) }
        #expect(throws: SASLError.nonceMismatch) { try client.respond(to: bytes("r=abc,s=QSXCR+Q6sek8bf92,i=4096")) }
    }

    @Test(arguments: ["1", "4095", "100001", "10000000", "99999999999", "x"])
    func implausibleIterationCountsAreRefused(count: String) {
        var client = SCRAMClient(
            algorithm: .sha1, username: "user", password: "pencil", channelBinding: .notSupported, crypto: crypto,
            clientNonce: "abc")
        _ = client.initialResponse()
        #expect(throws: SASLError.iterationCountOutOfRange(count, maximum: 100_000)) {
            try client.respond(to: bytes("r=abcdef,s=QSXCR+Q6sek8bf92,i=\(count)"))
        }
    }

    @Test func theCeilingIsTheAccountsAndNamedInTheError() throws {
        var client = SCRAMClient(
            algorithm: .sha1, username: "user", password: "pencil", channelBinding: .notSupported, crypto: crypto,
            clientNonce: "abc", maximumIterations: 200_000)
        _ = client.initialResponse()
        #expect(!(try client.respond(to: bytes("r=abcdef,s=QSXCR+Q6sek8bf92,i=150000"))).isEmpty)
        let error = SASLError.iterationCountOutOfRange("10000000", maximum: 100_000)
        #expect(error.description.contains("4096 to 100000") && error.description.contains("scram_max_iterations"))
        var hostile = SCRAMClient(
            algorithm: .sha1, username: "user", password: "pencil", channelBinding: .notSupported, crypto: crypto,
            clientNonce: "abc")
        _ = hostile.initialResponse()
        let endless = String(repeating: "9", count: 5_000)
        #expect(throws: SASLError.iterationCountOutOfRange(String(repeating: "9", count: 20), maximum: 100_000)) {
            try hostile.respond(to: bytes("r=abcdef,s=QSXCR+Q6sek8bf92,i=\(endless)"))
        }
    }

    @Test func mandatoryExtensionIsRefused() {
        var client = SCRAMClient(
            algorithm: .sha1, username: "user", password: "pencil", channelBinding: .notSupported, crypto: crypto,
            clientNonce: "abc")
        _ = client.initialResponse()
        #expect(throws: SASLError.self) { try client.respond(to: bytes("m=ext,r=abcdef,s=QSXCR+Q6sek8bf92,i=4096")) }
    }

    @Test func userNameIsEscaped() {
        var client = SCRAMClient(
            algorithm: .sha1, username: "a=b,c", password: "p", channelBinding: .notSupported, crypto: crypto,
            clientNonce: "n")
        #expect(client.initialResponse() == bytes("n,,n=a=3Db=2Cc,r=n"))
    }

    @Test func channelBindingGoesIntoTheHeaderAndTheFinalMessage() throws {
        let binding: [UInt8] = [1, 2, 3, 4]
        var client = SCRAMClient(
            algorithm: .sha256, username: "user", password: "pencil",
            channelBinding: .bound(type: .tlsExporter, data: binding), crypto: crypto, clientNonce: "abc")
        #expect(client.initialResponse() == bytes("p=tls-exporter,,n=user,r=abc"))
        let final = String(
            decoding: try client.respond(to: bytes("r=abcdef,s=QSXCR+Q6sek8bf92,i=4096")), as: UTF8.self)
        let expected = Data(bytes("p=tls-exporter,,") + binding).base64EncodedString()
        #expect(final.hasPrefix("c=\(expected),r=abcdef,p="))
    }

    @Test func yFlagWhenTheServerOffersNoChannelBinding() {
        var client = SCRAMClient(
            algorithm: .sha1, username: "u", password: "p", channelBinding: .notOfferedByServer, crypto: crypto,
            clientNonce: "n")
        #expect(client.initialResponse() == bytes("y,,n=u,r=n"))
    }
}

@Suite struct SASLMechanismSelectionTests {
    let crypto = OpenSSLCrypto()
    let tls13 = TLSInfo(
        protocolVersion: .tls13, channelBindings: [.tlsExporter: [1], .tlsServerEndPoint: [2]],
        peerCertificateSHA256: "")
    let tls12 = TLSInfo(
        protocolVersion: .tls12, channelBindings: [.tlsUnique: [3], .tlsServerEndPoint: [2]],
        peerCertificateSHA256: "")

    private func header(
        _ offered: [String], tls: TLSInfo, bindings: [ChannelBindingType]? = nil,
        preferred: ChannelBindingType? = nil, excluded: Set<ChannelBindingType> = [], pinned: String? = nil,
        allowDowngrade: Bool = false
    ) throws -> (String, String) {
        var choice = try SASLAuthenticator.select(
            offered: offered, serverChannelBindings: bindings, tls: tls, preferredChannelBinding: preferred,
            excludedChannelBindings: excluded, pinnedMechanism: pinned, allowDowngrade: allowDowngrade, username: "u",
            password: "p", crypto: crypto)
        let initial = String(decoding: choice.authenticator.initialResponse(), as: UTF8.self)
        let gs2 = initial.components(separatedBy: ",,").first ?? ""
        return (choice.mechanism, gs2)
    }

    @Test func strongestSCRAMWins() throws {
        #expect(
            try header(["PLAIN", "SCRAM-SHA-1", "SCRAM-SHA-256", "SCRAM-SHA-512"], tls: tls13).0 == "SCRAM-SHA-512")
        #expect(try header(["SCRAM-SHA-1", "SCRAM-SHA-256"], tls: tls13).0 == "SCRAM-SHA-256")
    }

    @Test func anyPlusBeatsAStrongerHashWithoutBinding() throws {
        #expect(
            try header(["SCRAM-SHA-1", "SCRAM-SHA-1-PLUS", "SCRAM-SHA-256"], tls: tls13)
                == ("SCRAM-SHA-1-PLUS", "p=tls-exporter"))
        #expect(
            try header(["SCRAM-SHA-512", "SCRAM-SHA-256-PLUS", "SCRAM-SHA-1-PLUS"], tls: tls12)
                == ("SCRAM-SHA-256-PLUS", "p=tls-unique"), "the strongest hash among the bound ones")
    }

    @Test func aPinnedMechanismIsNotDowngraded() throws {
        #expect(
            throws: SASLError.downgradeRefused(pinned: "SCRAM-SHA-1-PLUS", offered: ["SCRAM-SHA-1", "SCRAM-SHA-256"])
        ) {
            try header(["SCRAM-SHA-1", "SCRAM-SHA-256"], tls: tls13, pinned: "SCRAM-SHA-1-PLUS")
        }
        #expect(throws: SASLError.downgradeRefused(pinned: "SCRAM-SHA-512", offered: ["SCRAM-SHA-256", "PLAIN"])) {
            try header(["SCRAM-SHA-256", "PLAIN"], tls: tls13, pinned: "SCRAM-SHA-512")
        }
        #expect(
            throws: SASLError.downgradeRefused(pinned: "SCRAM-SHA-256", offered: ["PLAIN"]),
            "PLAIN after SCRAM is the classic stripping attack"
        ) { try header(["PLAIN"], tls: tls13, pinned: "SCRAM-SHA-256") }
        #expect(
            try header(["SCRAM-SHA-256-PLUS", "SCRAM-SHA-512"], tls: tls13, pinned: "SCRAM-SHA-1-PLUS").0
                == "SCRAM-SHA-256-PLUS")
        #expect(try header(["SCRAM-SHA-1", "SCRAM-SHA-256"], tls: tls13, pinned: "SCRAM-SHA-256").0 == "SCRAM-SHA-256")
        #expect(
            try header(["SCRAM-SHA-1"], tls: tls13, pinned: "SCRAM-SHA-1-PLUS", allowDowngrade: true) == (
                "SCRAM-SHA-1", "y"
            ),
            "the escape hatch, still telling the server that Tern could have bound")
        let message = SASLError.downgradeRefused(pinned: "SCRAM-SHA-1-PLUS", offered: ["SCRAM-SHA-1"]).description
        #expect(message.contains("SCRAM-SHA-1-PLUS") && message.contains("allow_mechanism_downgrade = true"))
    }

    @Test func strengthRanksBindingThenHash() {
        let ranked = [
            "PLAIN", "SCRAM-SHA-1", "SCRAM-SHA-256", "SCRAM-SHA-512", "SCRAM-SHA-1-PLUS", "scram-sha-256-plus",
        ]
        #expect(ranked.map(SASLAuthenticator.strength(of:)) == ranked.map(SASLAuthenticator.strength(of:)).sorted())
        #expect(Set(ranked.map(SASLAuthenticator.strength(of:))).count == ranked.count)
        #expect(SASLAuthenticator.strength(of: "X-UNKNOWN") < SASLAuthenticator.strength(of: "PLAIN"))
    }

    @Test func plusWithTheTLS13DefaultBinding() throws {
        let (mechanism, gs2) = try header(["SCRAM-SHA-256", "SCRAM-SHA-256-PLUS"], tls: tls13)
        #expect(mechanism == "SCRAM-SHA-256-PLUS")
        #expect(gs2 == "p=tls-exporter")
    }

    @Test func plusWithTheTLS12DefaultBinding() throws {
        let (mechanism, gs2) = try header(["SCRAM-SHA-1", "SCRAM-SHA-1-PLUS"], tls: tls12)
        #expect(mechanism == "SCRAM-SHA-1-PLUS")
        #expect(gs2 == "p=tls-unique")
    }

    @Test func xep0440ListChoosesTheBinding() throws {
        let (mechanism, gs2) = try header(
            ["SCRAM-SHA-256-PLUS", "SCRAM-SHA-256"], tls: tls13, bindings: [.tlsServerEndPoint])
        #expect(mechanism == "SCRAM-SHA-256-PLUS")
        #expect(gs2 == "p=tls-server-end-point")
    }

    @Test func plusWithoutAnAgreeableBindingFallsBackWithN() throws {
        let (mechanism, gs2) = try header(["SCRAM-SHA-256-PLUS", "SCRAM-SHA-256"], tls: tls13, bindings: [.tlsUnique])
        #expect(mechanism == "SCRAM-SHA-256")
        #expect(gs2 == "n")
    }

    @Test func noPlusOfferedUsesY() throws {
        let (mechanism, gs2) = try header(["SCRAM-SHA-1", "SCRAM-SHA-256"], tls: tls13)
        #expect(mechanism == "SCRAM-SHA-256")
        #expect(gs2 == "y")
    }

    @Test func theBindingThatWorkedBeforeComesFirstWithoutAList() throws {
        let tls = TLSInfo(
            protocolVersion: .tls13, channelBindings: [.tlsExporter: [1], .tlsUnique: [3], .tlsServerEndPoint: [2]],
            peerCertificateSHA256: "")
        #expect(try header(["SCRAM-SHA-1-PLUS"], tls: tls, preferred: .tlsUnique).1 == "p=tls-unique")
        #expect(
            try header(["SCRAM-SHA-1-PLUS"], tls: tls, bindings: [.tlsExporter], preferred: .tlsUnique).1
                == "p=tls-exporter", "the server's own list wins")
    }

    @Test func refusedBindingsAreSkippedInOrder() throws {
        let tls = TLSInfo(
            protocolVersion: .tls13, channelBindings: [.tlsExporter: [1], .tlsUnique: [3], .tlsServerEndPoint: [2]],
            peerCertificateSHA256: "")
        #expect(try header(["SCRAM-SHA-1-PLUS"], tls: tls, excluded: [.tlsExporter]).1 == "p=tls-unique")
        #expect(
            try header(["SCRAM-SHA-1-PLUS"], tls: tls, excluded: [.tlsExporter, .tlsUnique]).1
                == "p=tls-server-end-point")
        #expect(
            try header(["SCRAM-SHA-1-PLUS", "SCRAM-SHA-1"], tls: tls, excluded: Set(ChannelBindingType.allCases))
                == ("SCRAM-SHA-1", "n"), "the caller sees that no binding is left (and refuses to retry)")
    }

    @Test func plainOnlyWithoutAnySCRAM() throws {
        #expect(try header(["PLAIN"], tls: tls13).0 == "PLAIN")
        #expect(try header(["PLAIN", "SCRAM-SHA-1"], tls: tls13).0 == "SCRAM-SHA-1")
        var plain = try SASLAuthenticator.select(
            offered: ["PLAIN"], serverChannelBindings: nil, tls: tls13, username: "juliet", password: "r0m30",
            crypto: crypto
        ).authenticator
        #expect(plain.initialResponse() == [0] + Array("juliet".utf8) + [0] + Array("r0m30".utf8))
    }

    @Test func nothingAcceptable() {
        #expect(throws: SASLError.noAcceptableMechanism(offered: ["DIGEST-MD5", "X-OAUTH2"])) {
            try SASLAuthenticator.select(
                offered: ["DIGEST-MD5", "X-OAUTH2"], serverChannelBindings: nil, tls: tls13, username: "u",
                password: "p", crypto: crypto)
        }
    }
}
