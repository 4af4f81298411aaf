import TestServers
import Testing

/// The servers a suite runs against, started before its first test (side by side) and stopped
/// after its last; tests reach them with `TestServers.server(_:)`.
public struct ServerTrait: SuiteTrait, TestScoping {
    let kinds: [ServerKind]
    let users: [String: String]
    let resumptionSeconds: Int

    public var isRecursive: Bool { false }

    public func provideScope(
        for test: Test,
        testCase: Test.Case?,
        performing function: @Sendable () async throws -> Void
    ) async throws {
        let users = self.users
        let seconds = resumptionSeconds
        let started = try await withThrowingTaskGroup(of: (any XMPPTestServer).self) { group in
            for kind in kinds {
                group.addTask {
                    switch kind {
                    case .prosody: try ProsodyServer(users: users, hibernationSeconds: seconds)
                    case .ejabberd: try EjabberdServer(users: users, resumeTimeoutSeconds: seconds)
                    }
                }
            }
            var servers: [ServerKind: any XMPPTestServer] = [:]
            for try await server in group { servers[server.kind] = server }
            return servers
        }
        defer { for server in started.values { server.stop() } }
        try await TestServers.$running.withValue(started) { try await function() }
    }
}

/// The servers of the current suite.
public enum TestServers {
    @TaskLocal public static var running: [ServerKind: any XMPPTestServer] = [:]

    /// The running server of a kind (the suite's trait must have started it).
    public static func server(_ kind: ServerKind) throws -> any XMPPTestServer {
        guard let server = running[kind] else { throw FixtureError("the suite did not start a \(kind) server") }
        return server
    }
}

extension ProsodyServer {
    /// The suite's Prosody.
    public static var current: ProsodyServer? { TestServers.running[.prosody] as? ProsodyServer }
}

extension Trait where Self == ServerTrait {
    /// A private Prosody for the suite, with these accounts (name → password).
    public static func prosody(users: [String: String], hibernationSeconds: Int = 300) -> ServerTrait {
        ServerTrait(kinds: [.prosody], users: users, resumptionSeconds: hibernationSeconds)
    }

    /// A private Prosody and a private ejabberd for the suite, with the same accounts on both; tests
    /// take the server kind as their argument (`@Test(arguments: ServerKind.allCases)`).
    public static func servers(
        _ kinds: [ServerKind] = ServerKind.allCases, users: [String: String], resumptionSeconds: Int = 300
    ) -> ServerTrait {
        ServerTrait(kinds: kinds, users: users, resumptionSeconds: resumptionSeconds)
    }
}
