import ChatModel
import Foundation
import TestSupport
import Testing
import XMPPCore

@testable import TerminalUI

/// Shared files in the chat pane and transfers in the status line.
@Suite struct FilesViewTests {
    func fixture() throws -> (UIFixture, ScriptedTransfers) {
        let fixture = UIFixture()
        let transfers = ScriptedTransfers(downloadDirectory: FileManager.default.temporaryDirectory.path + "/tern-ui")
        fixture.account.fileTransfers = transfers
        fixture.connect()
        fixture.harness.answerUploadService(domain: "example.org")
        fixture.open(try JID("romeo@example.net"), focus: true)
        return (fixture, transfers)
    }

    @Test func aReceivedFileShowsByItsSafeNameAndItsDownloadInTheStatusLine() throws {
        let (fixture, transfers) = try fixture()
        let url = "https://share.example.net/x/%1B%5B2Jinvoice%E2%80%AEfdp.exe"
        fixture.harness.serverSends(
            "<message from='romeo@example.net/phone' type='chat' id='m1'><body>\(url)</body>"
                + "<x xmlns='jabber:x:oob'><url>\(url)</url></x></message>")
        let screen = fixture.render()
        let id = try #require(fixture.model.currentWindow.messages.last?.id)
        #expect(screen.contains("[file] [2Jinvoicefdp.exe (/open #\(id))"))
        #expect(!screen.contains("share.example.net"), "the URL itself is not shown")
        #expect(transfers.started.isEmpty)

        fixture.type("/open")
        fixture.press(.key(.enter))
        let download = try #require(transfers.started.first)
        download.progress(150_000, nil)
        #expect(fixture.render().contains("[↓ [2Jinvoicefdp.exe 150 kB]"), "the size is not known yet")
        download.progress(420_000, 1_000_000)
        #expect(fixture.render().contains("[↓ [2Jinvoicefdp.exe ████░░░░░░ 42%]"))
        download.completion(.finished(status: 404, length: 0))
        let after = fixture.render()
        #expect(!after.contains("[↓"))
        #expect(after.contains("download of [2Jinvoicefdp.exe failed: the server answered HTTP"))
    }

    /// Ctrl-X stops the window's transfer, the bar goes and the window says so; with nothing
    /// running it does nothing.
    @Test func ctrlXStopsTheWindowsTransfer() throws {
        let (fixture, transfers) = try fixture()
        let url = "https://share.example.net/x/report.pdf"
        fixture.harness.serverSends(
            "<message from='romeo@example.net/phone' type='chat' id='m1'><body>\(url)</body>"
                + "<x xmlns='jabber:x:oob'><url>\(url)</url></x></message>")
        fixture.type("/open")
        fixture.press(.key(.enter))
        try #require(transfers.started.first).progress(420_000, 1_000_000)
        #expect(fixture.render().contains("[↓ report.pdf ████░░░░░░ 42%]"))
        fixture.press(.control("x"))
        let after = fixture.render()
        #expect(!after.contains("[↓ report.pdf"), "the bar is gone")
        #expect(after.contains("download of report.pdf failed: cancelled"), "\(after)")
        fixture.type("abc")
        fixture.press(.control("x"))
        #expect(fixture.render().split(separator: "\n").last?.hasPrefix("abc") == true, "typing goes on")
    }
}

@Suite struct TransferBarTests {
    @Test func aLongOrHostileNameIsCutAndCleaned() {
        let long = TransferRow(name: String(repeating: "x", count: 40) + ".iso", upload: true, done: 0, total: 10)
        #expect(TransferBar.text(long) == "[↑ " + String(repeating: "x", count: 23) + "… ░░░░░░░░░░ 0%]")
        let hostile = TransferRow(name: "a\u{1B}[31mb", upload: false, done: 10, total: 10)
        #expect(!TransferBar.text(hostile).contains("\u{1B}"))
        #expect(TransferBar.text(hostile).hasSuffix("██████████ 100%]"))
    }
}
