import Foundation

/// Tab completion of file paths (`/upload`): the entries of the directory the typed text names
/// that start with its last component, directories with a trailing `/`; `~` stands for the home
/// directory and is kept as typed. Hidden entries only when the typed name starts with a dot.
enum PathCompletion {
    /// The most entries offered.
    static let limit = 200

    static func candidates(for typed: String, home: String = FileManager.default.homeDirectoryForCurrentUser.path)
        -> [String]
    {
        let text = typed == "~" ? "~/" : typed
        let slash = text.lastIndex(of: "/")
        let directoryText = slash.map { String(text[...$0]) } ?? ""
        let prefix = slash.map { String(text[text.index(after: $0)...]) } ?? text
        var directory = directoryText.isEmpty ? "." : directoryText
        if directory == "~/" || directory.hasPrefix("~/") { directory = home + directory.dropFirst() }
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return [] }
        var found: [String] = []
        for entry in entries.sorted() where entry.hasPrefix(prefix) && (prefix.hasPrefix(".") || !entry.hasPrefix("."))
        {
            var isDirectory: ObjCBool = false
            let full = (directory.hasSuffix("/") ? directory : directory + "/") + entry
            _ = FileManager.default.fileExists(atPath: full, isDirectory: &isDirectory)
            found.append(directoryText + entry + (isDirectory.boolValue ? "/" : ""))
            if found.count == limit { break }
        }
        return found
    }
}
