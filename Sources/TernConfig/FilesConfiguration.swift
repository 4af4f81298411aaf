import Foundation

/// The `[files]` table: where downloads go and what opens them.
///
///     [files]
///     downloads = "~/Downloads"   # default: $XDG_DOWNLOAD_DIR, else ~/Downloads
///     opener = "xdg-open"         # run with the file (or link) as its one argument
public struct FilesConfiguration: Sendable, Hashable {
    /// The download directory as configured (`~` expanded); nil: the default.
    public var downloads: String?
    public var opener = "xdg-open"

    public init(downloads: String? = nil, opener: String = "xdg-open") {
        self.downloads = downloads
        self.opener = opener
    }

    init(reader: ConfigReader) throws(ConfigError) {
        try reader.rejectUnknownKeys(allowed: ["downloads", "opener"])
        downloads = try reader.string("downloads").map(Self.expandingTilde)
        if let opener = try reader.string("opener") {
            guard !opener.trimmingCharacters(in: .whitespaces).isEmpty else {
                throw reader.error("opener", "the opener cannot be empty")
            }
            self.opener = opener
        }
    }

    /// Where downloads go: `downloads`, else `$XDG_DOWNLOAD_DIR`, else `~/Downloads`.
    public func downloadDirectory(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let downloads { return downloads }
        if let xdg = environment["XDG_DOWNLOAD_DIR"], xdg.hasPrefix("/") { return xdg }
        let home = environment["HOME"] ?? FileManager.default.homeDirectoryForCurrentUser.path
        return home + "/Downloads"
    }

    private static func expandingTilde(_ path: String) -> String {
        guard path == "~" || path.hasPrefix("~/") else { return path }
        return FileManager.default.homeDirectoryForCurrentUser.path + path.dropFirst()
    }
}
