import TestServers
import XMLStream
import XMPPCore

/// XML stream parse throughput on realistic message traffic, fed in 64 KiB reads as from a socket.
enum ParseBenchmark {
    enum Profile: String, CaseIterable {
        /// Messages as modern clients send them: body, chat state, origin-id, stanza-id, receipt
        /// request (four namespace declarations per message).
        case modern
        /// Messages with a body only.
        case plain
    }

    static func corpus(bytes target: Int, profile: Profile) -> [UInt8] {
        var generator = SplitMix64(state: 7)
        let words = [
            "hello", "wherefore", "art", "thou", "Romeo", "café", "😀", "你好", "meeting", "at", "noon", "ok", "the",
            "link", "https://example.org/a/b?c=d", "&", "<3", "see", "you", "tomorrow",
        ]
        var text =
            "<?xml version='1.0'?><stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'"
            + " id='bench' from='example.org' version='1.0' xml:lang='en'>"
        var index = 0
        while text.utf8.count < target {
            index += 1
            let length = Int(generator.next() % 30) + 3
            var body = ""
            for _ in 0..<length { body += words[Int(generator.next() % UInt64(words.count))] + " " }
            switch index % 10 {
            case 0:
                text +=
                    "<presence from='contact\(index % 500)@example.net/phone'><show>away</show><status>busy</status>"
                    + "<c xmlns='http://jabber.org/protocol/caps' hash='sha-1' node='https://conversations.im'"
                    + " ver='q07IKJEyjvHSyhy//CH0CxmKi8w='/></presence>"
            case 1:
                text +=
                    "<iq type='result' id='r\(index)' from='example.org' to='alice@example.org/tern'/>"
            default:
                guard profile == .modern else {
                    text +=
                        "<message from='contact\(index % 500)@example.net/phone' to='alice@example.org/tern'"
                        + " type='chat' id='m\(index)'><body>\(XMLEscaping.escapedText(body))</body></message>"
                    continue
                }
                text +=
                    "<message from='contact\(index % 500)@example.net/phone' to='alice@example.org/tern' type='chat'"
                    + " id='m\(index)'><body>\(XMLEscaping.escapedText(body))</body>"
                    + "<active xmlns='http://jabber.org/protocol/chatstates'/>"
                    + "<origin-id xmlns='urn:xmpp:sid:0' id='o\(index)'/>"
                    + "<stanza-id xmlns='urn:xmpp:sid:0' by='alice@example.org' id='s-\(index)-8b3f'/>"
                    + "<request xmlns='urn:xmpp:receipts'/></message>"
            }
        }
        return Array(text.utf8)
    }

    static func run() {
        for profile in Profile.allCases { run(profile: profile) }
    }

    static func run(profile: Profile) {
        let corpus = corpus(bytes: 8 << 20, profile: profile)
        let chunk = 64 * 1024
        var rates: [Double] = []
        var stanzas = 0
        let clock = ContinuousClock()
        for _ in 0..<15 {
            let parser = XMLStreamParser()
            var count = 0
            let elapsed = clock.measure {
                corpus.withUnsafeBytes { buffer in
                    var offset = 0
                    while offset < buffer.count {
                        let end = min(offset + chunk, buffer.count)
                        let output = parser.feed(UnsafeRawBufferPointer(rebasing: buffer[offset..<end]))
                        precondition(output.error == nil, "parse error: \(output.error!)")
                        count += output.events.count
                        offset = end
                    }
                }
            }
            stanzas = count - 1
            rates.append(Double(corpus.count) / elapsed.seconds / 1_000_000)
        }
        rates.sort()
        let median = rates[rates.count / 2]
        print(
            "parse (\(profile.rawValue)): \(format(Double(corpus.count) / 1_000_000)) MB, \(stanzas) stanzas;"
                + " best \(format(rates.last!)) MB/s, median \(format(median)), worst \(format(rates.first!)) over 15 runs;"
                + " \(Int(rates.last! * 1_000_000 / (Double(corpus.count) / Double(stanzas)))) stanzas/s at best")
    }
}

extension Duration {
    var seconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}

func format(_ value: Double, digits: Int = 1) -> String {
    let factor = Double((0..<digits).reduce(1) { result, _ in result * 10 })
    return String((value * factor).rounded() / factor)
}
