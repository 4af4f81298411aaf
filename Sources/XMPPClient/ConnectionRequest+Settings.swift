import XMPPCore

extension ConnectionRequest {
    /// The settings for this attempt. A redirect changes where to connect, never what the
    /// certificate is verified against (the account's XMPP domain).
    public func applied(to settings: ConnectionSettings) -> ConnectionSettings {
        var settings = settings
        settings.session.resumption = resumption
        if let channelBinding { settings.session.channelBinding = channelBinding }
        if let pinnedMechanism { settings.session.pinnedMechanism = pinnedMechanism }
        if let redirect, let (host, port) = ConnectionRequest.hostAndPort(redirect) {
            settings.host = host
            if let port { settings.port = port }
        }
        return settings
    }

    /// Splits `host[:port]` (RFC 6120 §4.9.3.19 allows an IPv6 address in brackets).
    public static func hostAndPort(_ text: String) -> (String, Int?)? {
        let text = String(text.drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed())
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else { return nil }
            let host = String(text[text.index(after: text.startIndex)..<close])
            let rest = text[text.index(after: close)...]
            guard !host.isEmpty else { return nil }
            if rest.isEmpty { return (host, nil) }
            guard rest.hasPrefix(":"), let port = Int(rest.dropFirst()), (1...65535).contains(port) else { return nil }
            return (host, port)
        }
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard let host = parts.first, !host.isEmpty, parts.count <= 2 else { return nil }
        if parts.count == 1 { return (String(host), nil) }
        guard let port = Int(parts[1]), (1...65535).contains(port) else { return nil }
        return (String(host), port)
    }
}
