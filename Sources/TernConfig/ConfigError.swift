/// A problem in a configuration file, located as precisely as possible.
public struct ConfigError: Error, Sendable, Hashable {
    public var file: String
    public var line: Int?
    /// The dotted key path (`accounts.work.port`).
    public var key: String?
    public var message: String

    public init(file: String, line: Int? = nil, key: String? = nil, message: String) {
        self.file = file
        self.line = line
        self.key = key
        self.message = message
    }
}

extension ConfigError: CustomStringConvertible {
    public var description: String {
        var location = file
        if let line { location += ":\(line)" }
        if let key { return "\(location): \(key): \(message)" }
        return "\(location): \(message)"
    }
}
