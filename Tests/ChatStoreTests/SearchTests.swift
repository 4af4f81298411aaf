import Testing
import XMPPCore

@testable import ChatStore

@Suite struct SearchTests {
    let store = try! ChatStore.inMemory()
    var account: AccountID { try! store.account(jid: me) }

    @Test func findsWordsIgnoringCaseAndAccentsWithHighlights() throws {
        _ = try store.insert(
            [incoming("Let's meet at the Café tomorrow", at: 1), incoming("nothing here", at: 2)], account: account)
        let hits = try store.search("cafe")
        #expect(hits.count == 1)
        #expect(hits[0].snippet.rendered(open: "[", close: "]") == "Let's meet at the [Café] tomorrow")
        #expect(try store.search("MEET tomorrow").count == 1, "every word must match")
        #expect(try store.search("meet nothing").isEmpty)
        #expect(try store.search("tomor").count == 1, "the last word matches as a prefix")
        #expect(try store.search("meet caf").count == 1)
        #expect(try store.search("mee cafe").isEmpty, "earlier words match whole words")
    }

    @Test func findsChineseAndJapaneseInsideSentences() throws {
        _ = try store.insert(
            [incoming("我们明天在咖啡馆见面吧", at: 1), incoming("東京で会いましょう", at: 2)], account: account)
        #expect(try store.search("咖啡").first?.snippet.rendered(open: "[", close: "]") == "我们明天在[咖啡]馆见面吧")
        #expect(try store.search("東京").count == 1)
        #expect(try store.search("馆见").count == 1)
        #expect(try store.search("咖见").isEmpty, "a phrase, not two separate characters")
    }

    @Test func newestFirstAndLimitedToAConversation() throws {
        let juliet = try JID("juliet@example.net")
        _ = try store.insert(
            [incoming("ping one", at: 1), incoming("ping two", at: 2, from: juliet), incoming("ping three", at: 3)],
            account: account)
        #expect(try store.search("ping").map(\.message.body) == ["ping three", "ping two", "ping one"])
        #expect(try store.search("ping", conversation: juliet).map(\.message.body) == ["ping two"])
        #expect(try store.search("ping", limit: 1).count == 1)
    }

    @Test func queriesCannotInjectFTSSyntax() throws {
        _ = try store.insert(incoming("say \"hello\" OR NOT"), account: account)
        #expect(try store.search("\"hello\"").count == 1)
        #expect(try store.search("OR").count == 1)
        #expect(try store.search("*").isEmpty)
        #expect(try store.search("NEAR(a b)").isEmpty)
    }

    @Test func longBodiesGetAWindowAroundTheMatch() throws {
        let body = String(repeating: "filler ", count: 40) + "needle " + String(repeating: "tail ", count: 40)
        _ = try store.insert(incoming(body), account: account)
        let snippet = try #require(try store.search("needle").first?.snippet)
        #expect(snippet.plainText.count < 100)
        #expect(snippet.plainText.hasPrefix("…"))
        #expect(snippet.segments.contains { $0.highlighted && $0.text == "needle" })
    }

    @Test func deletingAMessageRemovesItFromTheIndex() throws {
        let outcome = try store.insert(incoming("ephemeral words"), account: account)
        try store.db.statement("DELETE FROM message WHERE id = ?").bind(outcome.messageID!.sql).run()
        #expect(try store.search("ephemeral").isEmpty)
    }

    @Test func aWordSinceCorrectedAwayIsNotReported() throws {
        _ = try store.insert(incoming("meet at noon", at: 1, id: "m1"), account: account)
        _ = try store.insert(incoming("meet at midnight", at: 2, id: "m2", corrects: "m1"), account: account)
        #expect(try store.search("noon").isEmpty)
        #expect(try store.search("meet").map(\.message.body) == ["meet at midnight"], "one hit for the chain")
    }

    @Test func accentsAndCaseAreIgnoredOnBothSides() throws {
        _ = try store.insert(
            [incoming("a naive CAFE", at: 1), incoming("Ünïcödé everywhere", at: 2)], account: account)
        #expect(try store.search("naïve café").count == 1)
        #expect(try store.search("unicode").first?.snippet.rendered(open: "[", close: "]") == "[Ünïcödé] everywhere")
        #expect(try store.search("ÜNÏ").count == 1, "a prefix with accents")
    }

    /// Found by this test: query words were folded by canonical decomposition, which takes a
    /// Hangul syllable apart into jamo and a kana's voicing mark off as if it were an accent, while
    /// the index keeps both whole, so no Korean word and no Japanese word with ゛ or ゜ was found.
    @Test func koreanAndVoicedKanaAreFoundInsideASentence() throws {
        _ = try store.insert(
            [
                incoming("우리 내일 카페에서 만나요", at: 1), incoming("どうもありがとうございます", at: 2),
                incoming("今日は晴れ", at: 3),
            ], account: account)
        #expect(try store.search("카페").first?.snippet.rendered(open: "[", close: "]") == "우리 내일 [카페]에서 만나요")
        #expect(try store.search("카에").isEmpty)
        #expect(
            try store.search("ありがとう").first?.snippet.rendered(open: "[", close: "]") == "どうも[ありがとう]ございます")
        #expect(try store.search("ぱ").isEmpty, "ぱ is not は")
        #expect(try store.search("は").count == 1)
    }

    @Test func numbersAndWordsBesideEmojiAreFound() throws {
        _ = try store.insert(incoming("deploy🚀done on port 5222", at: 1), account: account)
        #expect(try store.search("5222").count == 1)
        #expect(try store.search("done").count == 1)
        #expect(try store.search("deploy").count == 1)
    }

    @Test func aQueryWithoutAWordFindsNothing() throws {
        _ = try store.insert(incoming("... !!! ???"), account: account)
        for query in ["", "   ", "...", "!!!", "🚀"] {
            #expect(try store.search(query).isEmpty, "\(query)")
        }
        #expect(try store.search("...", limit: 0).isEmpty)
    }

    @Test func resultsAreLimitedToTheNewestAndToAnAccount() throws {
        let other = try store.account(jid: try JID("alice@home.example"))
        _ = try store.insert((0..<100).map { incoming("match \($0)", at: Int64($0)) }, account: account)
        _ = try store.insert(incoming("match at home", at: 500), account: other)
        let hits = try store.search("match", account: account, limit: 10)
        #expect(hits.map(\.message.body) == (90..<100).reversed().map { "match \($0)" })
        #expect(try store.search("match", account: other).map(\.message.body) == ["match at home"])
        #expect(try store.search("match", limit: 1).map(\.message.body) == ["match at home"], "every account")
        #expect(try store.search("match", account: account, conversation: mallory).isEmpty)
    }

    @Test func everyTermIsMarkedInTheSnippet() throws {
        _ = try store.insert(incoming("the Café is where we meet, café au lait"), account: account)
        let snippet = try #require(try store.search("meet cafe").first?.snippet)
        #expect(snippet.rendered(open: "[", close: "]") == "the [Café] is where we [meet], [café] au lait")
        #expect(snippet.plainText == "the Café is where we meet, café au lait")
    }

    @Test func aMatchNearTheEndOfALongTextShowsTheEnd() throws {
        let body = String(repeating: "word ", count: 60) + "needle"
        _ = try store.insert(incoming(body), account: account)
        let snippet = try #require(try store.search("needle").first?.snippet)
        #expect(snippet.plainText.hasPrefix("…"))
        #expect(snippet.plainText.hasSuffix("needle"), "nothing cut after it")
        #expect(snippet.plainText.count == 81, "the width, and the ellipsis")
    }
}
