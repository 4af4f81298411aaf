import Testing
import XMPPExtensions

/// XEP-0454 (OMEMO Media Sharing) URLs, from the XEP's own example.
@Suite struct AESGCMURLTests {
    static let getURL = "https://download.montague.tld/4a771ac1-f0b2-4a4a-9700-f2a26fa2bb67/tr%C3%A8s%20cool.jpg"
    static let iv = "8c3d050e9386ec173861778f"
    static let key = "68e9af38a97aaf82faa4063b4d0878a61261534410c8a84331eaac851759f587"
    static let example =
        "aesgcm://download.montague.tld/4a771ac1-f0b2-4a4a-9700-f2a26fa2bb67/tr%C3%A8s%20cool.jpg#" + iv + key

    static func bytes(_ hex: String) -> [UInt8] {
        let digits = Array(hex)
        return stride(from: 0, to: digits.count, by: 2).map { UInt8(String(digits[$0...$0 + 1]), radix: 16)! }
    }

    /// §3's example: the GET URL, IV and key give the URL shown, and it reads back.
    @Test func theXEPExampleFormatsAndParses() throws {
        let made = try #require(
            AESGCMURL(getURL: Self.getURL, iv: Self.bytes(Self.iv), key: Self.bytes(Self.key)))
        #expect(made.text == Self.example)
        let read = try #require(AESGCMURL(body: Self.example))
        #expect(read == made)
        #expect(read.downloadURL == Self.getURL)
        #expect(read.fileName == "très cool.jpg")
    }

    /// A 16-byte IV (96 hex digits), as older clients sent, is read; upper-case hex too.
    @Test func theLegacySixteenByteIVIsRead() throws {
        let iv = "000102030405060708090a0b0c0d0e0f"
        let read = try #require(
            AESGCMURL(body: "aesgcm://files.example/x/y.png#" + iv.uppercased() + Self.key))
        #expect(read.iv == Self.bytes(iv))
        #expect(read.key == Self.bytes(Self.key))
        #expect(read.downloadURL == "https://files.example/x/y.png")
    }

    /// The XEP allows a thumbnail (a data URI) on the next line; the URL is still the file.
    @Test func aThumbnailLineIsAllowed() throws {
        let read = try #require(AESGCMURL(body: Self.example + "\ndata:image/jpeg,/9j/4AAQSkZJRgABAQEBLAEsAAD"))
        #expect(read.downloadURL == Self.getURL)
    }

    /// The receiver's parser is strict (§3): anything but one URL with an 88- or 96-digit fragment
    /// is not a shared file.
    @Test(arguments: [
        "aesgcm://download.montague.tld/a.jpg#" + iv + String(key.dropLast(2)),
        "aesgcm://download.montague.tld/a.jpg#" + iv + key + "00",
        "aesgcm://download.montague.tld/a.jpg#" + String(iv.dropLast()) + "g" + key,
        "aesgcm://download.montague.tld/a.jpg",
        "look: " + example,
        example + "\nand some text",
        example + " " + example,
        "https://download.montague.tld/a.jpg#" + iv + key,
        "aesgcm:///a.jpg#" + iv + key,
    ])
    func anythingElseIsNotAFile(body: String) {
        #expect(AESGCMURL(body: body) == nil)
    }

    /// §3: "Non HTTPS URLs MUST not be converted"; plain HTTP only on a loopback host, which is then
    /// also fetched over plain HTTP.
    @Test func onlyHTTPSBecomesAnAESGCMURL() throws {
        let (iv, key) = (Self.bytes(Self.iv), Self.bytes(Self.key))
        #expect(AESGCMURL(getURL: "http://download.montague.tld/a.jpg", iv: iv, key: key) == nil)
        #expect(AESGCMURL(getURL: Self.getURL, iv: iv + iv, key: key) == nil)
        #expect(AESGCMURL(getURL: Self.getURL, iv: iv, key: Array(key.prefix(16))) == nil)
        let local = try #require(AESGCMURL(getURL: "http://127.0.0.1:5280/file_share/a/b.txt", iv: iv, key: key))
        #expect(local.text.hasPrefix("aesgcm://127.0.0.1:5280/file_share/a/b.txt#"))
        #expect(AESGCMURL(body: local.text)?.downloadURL == "http://127.0.0.1:5280/file_share/a/b.txt")
    }

    @Test func aBodyThatStartsWithTheSchemeLooksLikeOne() {
        #expect(AESGCMURL.looksLikeOne("  AESGCM://x/y#00"))
        #expect(!AESGCMURL.looksLikeOne("https://x/y"))
    }
}
