// swift-tools-version: 6.2
import PackageDescription

/// Every Swift target of Tern treats warnings as errors and builds in the Swift 6 language mode.
let strict: [SwiftSetting] = [.treatAllWarnings(as: .error)]

let package = Package(
    name: "Tern",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "tern", targets: ["tern"])
    ],
    dependencies: [
        .package(url: "https://github.com/LebJe/TOMLKit.git", from: "0.6.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
    ],
    targets: [
        // C libraries: a module map and a shim header each, nothing else.
        .systemLibrary(name: "CNCursesW", providers: [.apt(["libncurses-dev"])]),
        .systemLibrary(name: "CLibXML2", pkgConfig: "libxml-2.0", providers: [.apt(["libxml2-dev"])]),
        .systemLibrary(name: "COpenSSL", pkgConfig: "openssl", providers: [.apt(["libssl-dev"])]),
        .systemLibrary(name: "CSQLite", pkgConfig: "sqlite3", providers: [.apt(["libsqlite3-dev"])]),
        .systemLibrary(name: "CResolv", providers: [.apt(["libc6-dev"])]),
        .systemLibrary(name: "CCurl", pkgConfig: "libcurl", providers: [.apt(["libcurl4-openssl-dev"])]),

        // The protocol core: no C, no I/O.
        .target(name: "XMPPCore", swiftSettings: strict),
        .target(name: "XMPPExtensions", dependencies: ["XMPPCore"], swiftSettings: strict),

        // Thin wrappers around the C libraries.
        .target(
            name: "XMLStream", dependencies: ["XMPPCore", "CLibXML2"],
            // The tree builder is called from C once per SAX event; dynamic exclusivity checks on its
            // state cost ~10% of parse time. It is single-threaded and never re-entered.
            swiftSettings: strict + [.unsafeFlags(["-enforce-exclusivity=unchecked"])]),
        .target(name: "OpenSSLSupport", dependencies: ["XMPPCore", "COpenSSL"], swiftSettings: strict),
        // OMEMO's primitives: OpenSSL's EVP for the standard ones, XEdDSA's curve arithmetic in Swift.
        .target(name: "OMEMOCrypto", dependencies: ["COpenSSL"], swiftSettings: strict),
        // OMEMO's sessions as pure state machines: X3DH and the Double Ratchet, no XMPP, no store.
        .target(name: "OMEMOSession", dependencies: ["OMEMOCrypto"], swiftSettings: strict),
        // OMEMO's device engine: own keys and bundles, the wire<->session glue, the payload layer; pure.
        .target(
            name: "OMEMO", dependencies: ["OMEMOSession", "OMEMOCrypto", "XMPPExtensions", "XMPPCore"],
            swiftSettings: strict),
        .target(name: "Networking", dependencies: ["CResolv"], swiftSettings: strict),
        .target(name: "Subprocess", swiftSettings: strict),
        // HTTP for file sharing (libcurl), off the loop thread.
        .target(
            name: "HTTPTransfer", dependencies: ["ChatModel", "Networking", "Subprocess", "CCurl"],
            swiftSettings: strict),
        .target(name: "ChatStore", dependencies: ["XMPPCore", "CSQLite"], swiftSettings: strict),
        .target(name: "SafeText", swiftSettings: strict),
        .target(
            name: "TerminalUI", dependencies: ["ChatModel", "TernConfig", "SafeText", "CNCursesW"],
            // The UI reads the model's value types only: members of the protocol and store types the
            // model uses inside are out of its reach, not just unimported.
            swiftSettings: strict + [.enableUpcomingFeature("MemberImportVisibility")]),
        .target(
            name: "ChatModel",
            dependencies: ["XMPPCore", "XMPPExtensions", "ChatStore", "OMEMO", "OMEMOSession", "OMEMOCrypto"],
            swiftSettings: strict),

        // The edge that drives the core over a real socket.
        .target(
            name: "XMPPClient",
            dependencies: ["XMPPCore", "XMPPExtensions", "XMLStream", "OpenSSLSupport", "Networking"],
            swiftSettings: strict
        ),
        .target(
            name: "TernConfig",
            dependencies: ["XMPPCore", "Subprocess", .product(name: "TOMLKit", package: "TOMLKit")],
            swiftSettings: strict
        ),
        // The model wired to the real edge: XMPPConnection as a ClientConnection, the event loop as
        // a Scheduler, an account's configuration as connection settings.
        .target(
            name: "ChatRuntime",
            dependencies: [
                "ChatModel", "ChatStore", "TernConfig", "XMPPClient", "XMPPCore", "Networking", "XMLStream",
            ],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "tern",
            dependencies: [
                "XMPPCore", "XMPPExtensions", "XMPPClient", "TernConfig", "Networking", "ChatStore", "SafeText",
                "ChatModel", "ChatRuntime", "TerminalUI", "Subprocess", "HTTPTransfer",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strict
        ),
        // libFuzzer targets (scripts/fuzz builds them with -sanitize=fuzzer,address -DFUZZING);
        // a plain build replays a corpus.
        .executableTarget(
            name: "tern-fuzz",
            dependencies: [
                "XMPPCore", "XMLStream", "XMPPExtensions", "TestSupport", "TernConfig", "TerminalUI", "SafeText",
                "OpenSSLSupport",
            ],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "tern-bench",
            dependencies: [
                "XMPPCore", "XMLStream", "XMPPClient", "XMPPExtensions", "Networking", "TestServers", "ChatStore",
                "ChatModel", "ChatRuntime", "TerminalUI", "Subprocess", "TestSupport", "HTTPTransfer", "OMEMO",
                "OMEMOSession",
            ],
            swiftSettings: strict
        ),

        .target(name: "TestServers", dependencies: ["Subprocess"], swiftSettings: strict),
        .target(
            name: "TestSupport",
            dependencies: [
                "XMPPCore", "XMLStream", "XMPPClient", "XMPPExtensions", "Networking", "OpenSSLSupport", "Subprocess",
                "TestServers", "ChatModel", "ChatRuntime", "ChatStore",
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "XMPPCoreTests", dependencies: ["XMPPCore", "TestSupport", "OpenSSLSupport"], swiftSettings: strict),
        .testTarget(
            name: "XMPPExtensionsTests", dependencies: ["XMPPExtensions", "XMPPCore", "TestSupport", "TestServers"],
            swiftSettings: strict),
        .testTarget(
            name: "XMLStreamTests", dependencies: ["XMLStream", "XMPPCore", "TestSupport"], swiftSettings: strict),
        .testTarget(
            name: "OpenSSLSupportTests", dependencies: ["OpenSSLSupport", "COpenSSL", "XMPPCore", "Subprocess"],
            swiftSettings: strict),
        .testTarget(name: "OMEMOCryptoTests", dependencies: ["OMEMOCrypto"], swiftSettings: strict),
        .testTarget(name: "OMEMOSessionTests", dependencies: ["OMEMOSession", "OMEMOCrypto"], swiftSettings: strict),
        .testTarget(
            name: "OMEMOTests",
            dependencies: ["OMEMO", "OMEMOSession", "OMEMOCrypto", "XMPPExtensions", "XMPPCore", "TestSupport"],
            swiftSettings: strict),
        // OMEMO 2 sessions against an independent implementation (Tests/Peers/omemo2_peer.py), no server.
        .testTarget(
            name: "OMEMOInteropTests",
            dependencies: [
                "OMEMO", "OMEMOSession", "OMEMOCrypto", "XMPPCore", "XMPPExtensions", "TestSupport", "TestServers",
                "Subprocess",
            ],
            swiftSettings: strict),
        .testTarget(name: "NetworkingTests", dependencies: ["Networking", "TestServers"], swiftSettings: strict),
        .testTarget(
            name: "TernConfigTests", dependencies: ["TernConfig", "ChatRuntime", "XMPPClient", "XMPPCore"],
            swiftSettings: strict),
        .testTarget(
            name: "ChatModelTests",
            dependencies: [
                "ChatModel", "ChatStore", "OMEMO", "OMEMOCrypto", "OMEMOSession", "TestSupport", "TestServers",
                "XMPPCore",
                "XMPPExtensions",
            ],
            swiftSettings: strict),
        .testTarget(
            name: "TerminalUITests",
            dependencies: ["TerminalUI", "ChatModel", "ChatStore", "TestSupport", "XMPPCore", "TernConfig"],
            swiftSettings: strict),
        .testTarget(name: "SafeTextTests", dependencies: ["SafeText"], swiftSettings: strict),
        .testTarget(
            name: "ChatRuntimeTests",
            dependencies: [
                "ChatRuntime", "ChatModel", "Networking", "OpenSSLSupport", "TernConfig", "XMPPClient", "XMPPCore",
            ],
            swiftSettings: strict),
        .testTarget(
            name: "ChatStoreTests", dependencies: ["ChatStore", "XMPPCore", "Subprocess"], swiftSettings: strict),
        .testTarget(
            name: "IntegrationTests",
            dependencies: [
                "XMPPClient", "TestSupport", "TernConfig", "Subprocess", "ChatStore", "ChatModel", "ChatRuntime",
                "XMPPExtensions", "XMPPCore", "Networking", "OpenSSLSupport", "TestServers", "HTTPTransfer",
                "OMEMOCrypto",
            ],
            swiftSettings: strict
        ),
    ]
)
