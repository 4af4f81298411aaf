import Foundation
import TestSupport
import Testing
import XMPPCore

@testable import ChatModel

/// `/upload`'s Tab completion, the file commands outside a chat, and how sizes and outcomes read.
@Suite struct FilesCommandTests {
    func complete(_ line: String, _ model: AppModel) -> (String, [String])? {
        guard
            let (start, candidates) = model.commands.completions(
                for: line, values: { model.completionValues($0, account: $1) })
        else { return nil }
        return (String(line[start...]), candidates)
    }

    @Test func uploadCompletesPathsFromTheTypedDirectory() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "tern-complete-\(UUID().uuidString)"
        )
        .path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try FileManager.default.createDirectory(atPath: directory + "/shots", withIntermediateDirectories: true)
        _ = FileManager.default.createFile(atPath: directory + "/photo.jpg", contents: Data())
        _ = FileManager.default.createFile(atPath: directory + "/poem.txt", contents: Data())
        let fixture = ModelFixture.connected()
        let completed = try #require(complete("/upload \(directory)/p", fixture.model))
        #expect(completed.0 == "\(directory)/p")
        #expect(completed.1 == ["\(directory)/photo.jpg", "\(directory)/poem.txt"])
        #expect(complete("/upload \(directory)/s", fixture.model)?.1 == ["\(directory)/shots/"])
        #expect(complete("/upload \(directory)/x", fixture.model) == nil)
    }

    @Test func theFileCommandsWorkInAChatWindowOnly() {
        let fixture = ModelFixture.connected()
        for command in ["/upload /etc/hostname", "/open", "/fileinfo 1"] {
            fixture.model.submit(command)
            let name = command.split(separator: " ")[0]
            #expect(fixture.model.log.last?.text.contains("\(name) works in a chat window") == true, "\(command)")
        }
    }

    @Test func aMessageIsPickedByNumberFromTheNewestOrByID() throws {
        let fixture = try ScriptedAccounts([(name: "main", jid: "romeo@montague.tld")])
        fixture.connect("main")
        let window = fixture.model.openChat(try fixture.key("main", "juliet@capulet.lit"), focus: true)
        for body in ["https://a.example/one", "no link here", "two https://b.example/two"] {
            fixture.receive("main", from: "juliet@capulet.lit/balcony", body)
        }
        let files = try #require(fixture.account("main").feature(FilesFeature.self))
        let ids = window.messages.map(\.id)
        let chat = try JID("juliet@capulet.lit")
        #expect(try files.pick(nil, in: chat).id == ids[2], "the newest with a link")
        #expect(try files.pick("3", in: chat).id == ids[0])
        #expect(try files.pick("#\(ids[0])", in: chat).id == ids[0])
        #expect(throws: CommandError.failed("that is not a message with a file or link")) {
            try files.pick("2", in: chat)
        }
        #expect(throws: CommandError.failed("there are only 3 messages here")) { try files.pick("4", in: chat) }
        #expect(throws: CommandError.usage("MESSAGE is N or #ID")) { try files.pick("0", in: chat) }
        #expect(throws: CommandError.failed("there is no message #999999 here")) { try files.pick("#999999", in: chat) }
        #expect(throws: CommandError.failed("there is no message #\(ids[0]) here"), "another chat's message") {
            try files.pick("#\(ids[0])", in: try JID("nurse@capulet.lit"))
        }
        #expect(files.link(in: "two https://b.example/two") == "https://b.example/two")
    }

    @Test func sizesAndOutcomesReadPlainly() {
        #expect(FilesFeature.format(999) == "999 B")
        #expect(FilesFeature.format(1500) == "1.5 KB")
        #expect(FilesFeature.format(104_857_600) == "104.9 MB")
        #expect(TransferOutcome.finished(status: 201, length: 1).succeeded)
        #expect(!TransferOutcome.finished(status: 302, length: nil).succeeded)
        #expect(TransferOutcome.finished(status: 500, length: nil).problem == "the server answered HTTP 500")
        #expect(TransferOutcome.cancelled.problem == "cancelled")
        #expect(TransferRow(name: "a", upload: true, done: 5, total: nil).percent == nil)
        #expect(TransferRow(name: "a", upload: true, done: 7, total: 5).percent == 100)
    }
}
