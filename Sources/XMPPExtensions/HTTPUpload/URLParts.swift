import Foundation

/// The parts of an http(s) URL that file sharing looks at: scheme, host and the file name its
/// path ends with (percent-decoded, as received: sanitise before showing or saving it).
public struct URLParts: Sendable, Hashable {
    /// Lowercased.
    public var scheme: String
    /// Lowercased, without IPv6 brackets.
    public var host: String
    public var fileName: String?

    /// Nil unless `text` is one absolute http or https URL with a host.
    public init?(_ text: String) {
        guard !text.contains(where: { $0.isWhitespace }), let components = URLComponents(string: text),
            let scheme = components.scheme?.lowercased(), scheme == "http" || scheme == "https",
            let host = components.host?.lowercased(), !host.isEmpty
        else { return nil }
        self.scheme = scheme
        self.host = host.hasPrefix("[") ? String(host.dropFirst().dropLast()) : host
        let last = components.path.split(separator: "/").last.map(String.init)
        fileName = last.flatMap { $0.isEmpty ? nil : $0 }
    }

    /// A host that is this machine.
    public var isLoopback: Bool {
        host == "localhost" || host.hasSuffix(".localhost") || host == "::1" || host.hasPrefix("127.")
    }
}
