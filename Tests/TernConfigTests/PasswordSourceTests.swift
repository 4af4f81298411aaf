import Foundation
import TernConfig
import Testing

/// Where an account's password comes from: the first line of a command's output or of a private
/// file, or the prompt. Every failure is a sentence that says what to do.
@Suite struct PasswordSourceTests {
    func temporaryFile(_ contents: String, mode: mode_t) -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("tern-pw-\(UUID().uuidString)").path
        _ = FileManager.default.createFile(atPath: path, contents: Data(contents.utf8))
        chmod(path, mode)
        return path
    }

    @Test func commandOutputsFirstLine() throws {
        #expect(try PasswordSource.command("printf 'secret\\nsecond\\n'").fetch() == "secret")
    }

    @Test func failingCommandIsExplained() {
        #expect(throws: PasswordError.self) { try PasswordSource.command("echo nope >&2; exit 3").fetch() }
        do {
            _ = try PasswordSource.command("echo nope >&2; exit 3").fetch()
        } catch {
            #expect(error.description == "the password command \"echo nope >&2; exit 3\" failed (exit status 3: nope)")
        }
    }

    @Test func fileMustBePrivate() throws {
        let open = temporaryFile("pw\n", mode: 0o644)
        #expect(throws: PasswordError.fileTooOpen(open, mode: "644")) { try PasswordSource.file(open).fetch() }
        let closed = temporaryFile("pw\r\n", mode: 0o600)
        #expect(try PasswordSource.file(closed).fetch() == "pw")
        let empty = temporaryFile("\n", mode: 0o600)
        #expect(throws: PasswordError.self) { try PasswordSource.file(empty).fetch() }
    }

    @Test func promptHasNoStoredPassword() throws {
        #expect(try PasswordSource.prompt.fetch() == nil)
    }

    @Test func aPasswordKeepsItsSpacesAndEveryCharacterButTheLineBreak() throws {
        #expect(try PasswordSource.command("printf '  two words \\t\\n'").fetch() == "  two words \t")
        #expect(try PasswordSource.command("printf 'no newline'").fetch() == "no newline")
        #expect(try PasswordSource.command("printf 'pässwörd\\r\\nnext'").fetch() == "pässwörd")
        #expect(try PasswordSource.file(temporaryFile("é#$;'\"\\", mode: 0o600)).fetch() == "é#$;'\"\\")
    }

    @Test func aCommandThatPrintsNothingOrFailsToStartIsExplained() {
        #expect(throws: PasswordError.empty("the output of true")) { try PasswordSource.command("true").fetch() }
        #expect(throws: PasswordError.empty("the output of echo")) { try PasswordSource.command("echo").fetch() }
        do {
            _ = try PasswordSource.command("tern-no-such-command-xyz").fetch()
            Issue.record("a missing command gave a password")
        } catch {
            #expect(
                error.description.hasPrefix(
                    "the password command \"tern-no-such-command-xyz\" failed (exit status 127: "))
            #expect(error.description.contains("not found"))
        }
        do {
            _ = try PasswordSource.command("kill -TERM $$").fetch()
            Issue.record("a killed command gave a password")
        } catch {
            #expect(error == .commandFailed("kill -TERM $$", detail: "exit status 143"), "128 + SIGTERM")
        }
    }

    @Test func aCommandCannotWaitForInputOnTheTerminal() throws {
        // Standard input is /dev/null: a command that reads it ends at once instead of hanging
        // Tern's start-up on an invisible prompt.
        #expect(throws: PasswordError.empty("the output of cat")) { try PasswordSource.command("cat").fetch() }
        #expect(try PasswordSource.command("read x; echo \"got[$x]\"").fetch() == "got[]")
    }

    @Test func aDaemonTheCommandLeavesBehindDoesNotHoldItUp() throws {
        // pass starts gpg-agent, which keeps the command's output open long after it exits.
        let start = ContinuousClock.now
        #expect(try PasswordSource.command("(sleep 5 &); echo secret").fetch() == "secret")
        #expect(ContinuousClock.now - start < .seconds(3))
    }

    @Test func theCommandRunsInAShellWithTheUsersEnvironment() throws {
        #expect(try PasswordSource.command("echo \"$HOME\" | tr a-z A-Z").fetch() == NSHomeDirectory().uppercased())
    }

    @Test func everyFileProblemIsNamed() throws {
        let missing = FileManager.default.temporaryDirectory.appendingPathComponent("tern-pw-\(UUID().uuidString)").path
        #expect(throws: PasswordError.fileUnreadable(missing)) { try PasswordSource.file(missing).fetch() }
        let groupReadable = temporaryFile("pw\n", mode: 0o640)
        #expect(throws: PasswordError.fileTooOpen(groupReadable, mode: "640")) {
            try PasswordSource.file(groupReadable).fetch()
        }
        let otherWritable = temporaryFile("pw\n", mode: 0o602)
        #expect(throws: PasswordError.fileTooOpen(otherWritable, mode: "602")) {
            try PasswordSource.file(otherWritable).fetch()
        }
        #expect(try PasswordSource.file(temporaryFile("pw", mode: 0o400)).fetch() == "pw", "read-only is fine")
        let empty = temporaryFile("", mode: 0o600)
        #expect(throws: PasswordError.empty(empty)) { try PasswordSource.file(empty).fetch() }
        let directory = temporaryFile("", mode: 0o600) + ".d"
        mkdir(directory, 0o700)
        #expect(throws: PasswordError.fileUnreadable(directory)) { try PasswordSource.file(directory).fetch() }
    }

    @Test func errorsSayWhatToDo() {
        #expect(PasswordError.fileUnreadable("/p").description == "cannot read the password file /p")
        #expect(
            PasswordError.fileTooOpen("/p", mode: "644").description
                == "the password file /p is readable by other users (mode 644); run: chmod 600 /p")
        #expect(PasswordError.empty("/p").description == "no password in /p")
        #expect(
            PasswordError.missing("a@b.c").description
                == "no password for a@b.c: set password_command or password_file in the configuration")
    }
}
