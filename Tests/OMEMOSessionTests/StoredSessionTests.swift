import Foundation
import OMEMOCrypto
import OMEMOSession
import Testing

/// The compact stored form of a session (`RatchetSession.stored`), as the account stores it after
/// every message.
@Suite struct StoredSessionTests {
    /// A session stored mid-conversation, with a kept key and a pending key exchange, comes back with
    /// every field (its whole Codable form compared) and goes on both ways.
    @Test(arguments: SessionVersion.allCases) func everyFieldComesBack(version: SessionVersion) throws {
        var pair = try SessionPair(version, keyExchange: true)
        let header = try #require(pair.alice.pendingKeyExchange)
        _ = try pair.bob.open(pair.alice.seal("a0"))
        let late = try pair.alice.seal("late")
        _ = try pair.bob.open(pair.alice.seal("now"))
        var bob = try RatchetSession(stored: pair.bob.stored)
        var alice = try RatchetSession(stored: pair.alice.stored)
        #expect(try bob.stored() == pair.bob.stored())
        #expect(try alice.stored() == pair.alice.stored())
        #expect(alice.pendingKeyExchange == header)
        #expect(bob.skippedKeyCount == 1)
        #expect(try bob.open(late) == "late")
        #expect(try alice.open(bob.seal("answer")) == "answer")
        #expect(alice.pendingKeyExchange == nil)
        #expect(try bob.open(alice.seal("and back")) == "and back")
    }

    /// A fresh responder (no sending or receiving chain yet) and an initiator come back as they were.
    @Test(arguments: SessionVersion.allCases) func newSessionsComeBack(version: SessionVersion) throws {
        let pair = try SessionPair(version)
        for session in [pair.alice, pair.bob] {
            #expect(try RatchetSession(stored: session.stored).stored() == session.stored())
        }
    }

    /// The form is compact: about 320 bytes without kept keys, about 80 more per kept key (the JSON
    /// form was several times larger).
    @Test func theFormIsCompact() throws {
        var pair = try SessionPair(.omemo2)
        _ = try pair.bob.open(pair.alice.seal("one"))
        _ = try pair.alice.open(pair.bob.seal("two"))
        #expect(pair.alice.stored.count < 350)
        for _ in 0..<10 { _ = try pair.alice.seal("lost") }
        _ = try pair.bob.open(pair.alice.seal("arrives"))
        #expect(pair.bob.skippedKeyCount == 10)
        #expect(pair.bob.stored.count < 350 + 10 * 80)
        #expect(try pair.bob.stored().count > 3 * pair.bob.stored.count)
    }

    /// Cut, lengthened, of an unknown format or version, or with a key of the wrong length, stored bytes
    /// are refused.
    @Test(arguments: SessionVersion.allCases) func damagedBytesAreRefused(version: SessionVersion) throws {
        var pair = try SessionPair(version)
        _ = try pair.bob.open(pair.alice.seal("one"))
        let stored = pair.bob.stored
        for cut in [0, 1, 10, stored.count / 2, stored.count - 1] {
            #expect(throws: StoredState.Error.self) { try RatchetSession(stored: Array(stored.prefix(cut))) }
        }
        #expect(throws: StoredState.Error("1 bytes left over")) { try RatchetSession(stored: stored + [0]) }
        var format = stored
        format[0] = 2
        #expect(throws: StoredState.Error("an unknown session format")) { try RatchetSession(stored: format) }
        var unknownVersion = stored
        unknownVersion[1] = 9
        #expect(throws: StoredState.Error("an unknown session version")) {
            try RatchetSession(stored: unknownVersion)
        }
        // The root key is the third byte string: its length is the 4 bytes before it.
        let rootLength = rootKeyLengthOffset(stored)
        var shortKey = stored
        shortKey[rootLength + 3] = 31
        #expect(throws: StoredState.Error.self) { try RatchetSession(stored: shortKey) }
    }

    /// Where the root key's length is: after the format, version, AD, role, absent key exchange and
    /// ephemeral key of a responder.
    private func rootKeyLengthOffset(_ stored: [UInt8]) -> Int {
        func length(at offset: Int) -> Int { stored[offset..<(offset + 4)].reduce(0) { $0 << 8 | Int($1) } }
        var offset = 2
        offset += 4 + length(at: offset)
        offset += 2
        offset += 4 + length(at: offset)
        return offset
    }
}
