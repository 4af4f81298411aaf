import ProsodyFixture
import Testing

/// Runs a suite with its own Prosody (started before the first test, stopped after the last);
/// tests reach it as `ProsodyServer.current`.
public struct ProsodyTrait: SuiteTrait, TestScoping {
    let users: [String: String]
    let hibernationSeconds: Int

    public var isRecursive: Bool { false }

    public func provideScope(
        for test: Test,
        testCase: Test.Case?,
        performing function: @Sendable () async throws -> Void
    ) async throws {
        let server = try ProsodyServer(users: users, hibernationSeconds: hibernationSeconds)
        defer { server.stop() }
        try await ProsodyServer.$current.withValue(server) { try await function() }
    }
}

extension Trait where Self == ProsodyTrait {
    /// A private Prosody for the suite, with these accounts (name → password).
    public static func prosody(users: [String: String], hibernationSeconds: Int = 300) -> ProsodyTrait {
        ProsodyTrait(users: users, hibernationSeconds: hibernationSeconds)
    }
}
