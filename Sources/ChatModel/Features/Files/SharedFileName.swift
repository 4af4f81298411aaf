import Foundation

/// File names of shared files: the name a download is saved under, and the content type an
/// upload is declared with.
///
/// A received URL's name is the sender's choice: it is reduced to one harmless path component
/// (no directory separators, no leading dots, no control, format or bidi characters) and never
/// replaces an existing file (`name-1.ext`, `name-2.ext`, ...).
public enum SharedFileName {
    /// The longest name kept, in UTF-8 bytes (file systems allow 255).
    static let maximumBytes = 200

    /// `raw` as one safe path component; `download` when nothing is left.
    public static func sanitized(_ raw: String) -> String {
        var scalars = String.UnicodeScalarView()
        for scalar in raw.unicodeScalars {
            switch scalar.properties.generalCategory {
            case .control, .format, .lineSeparator, .paragraphSeparator, .surrogate, .privateUse, .unassigned:
                continue
            default:
                scalars.append(scalar == "/" || scalar == "\\" || scalar == ":" ? "_" : scalar)
            }
        }
        var name = String(scalars).trimmingCharacters(in: .whitespaces)
        while name.hasPrefix(".") || name.hasPrefix("_") || name.hasPrefix("-") { name.removeFirst() }
        while name.utf8.count > maximumBytes { name.removeLast() }
        name = name.trimmingCharacters(in: .whitespaces)
        return name.isEmpty ? "download" : name
    }

    /// A path in `directory` for `name` that `exists` does not know: `name`, else `stem-1.ext`, ...
    public static func unusedPath(in directory: String, for name: String, exists: (String) -> Bool) -> String {
        let base = directory.hasSuffix("/") ? directory : directory + "/"
        guard exists(base + name) else { return base + name }
        let dot = name.lastIndex(of: ".").flatMap { $0 == name.startIndex ? nil : $0 }
        let stem = dot.map { String(name[..<$0]) } ?? name
        let suffix = dot.map { String(name[$0...]) } ?? ""
        var number = 1
        while exists(base + "\(stem)-\(number)\(suffix)") { number += 1 }
        return base + "\(stem)-\(number)\(suffix)"
    }

    /// The content type for a file name's extension; `application/octet-stream` when unknown.
    public static func contentType(for name: String) -> String {
        let ext = name.split(separator: ".").count > 1 ? String(name.split(separator: ".").last!).lowercased() : ""
        return contentTypes[ext] ?? "application/octet-stream"
    }

    static let contentTypes: [String: String] = [
        "jpg": "image/jpeg", "jpeg": "image/jpeg", "png": "image/png", "gif": "image/gif", "webp": "image/webp",
        "svg": "image/svg+xml", "heic": "image/heic", "avif": "image/avif", "txt": "text/plain", "md": "text/markdown",
        "html": "text/html", "csv": "text/csv", "pdf": "application/pdf", "zip": "application/zip",
        "gz": "application/gzip", "tar": "application/x-tar", "json": "application/json", "xml": "application/xml",
        "mp3": "audio/mpeg", "ogg": "audio/ogg", "opus": "audio/ogg", "m4a": "audio/mp4", "wav": "audio/wav",
        "mp4": "video/mp4", "webm": "video/webm", "mkv": "video/x-matroska", "mov": "video/quicktime",
        "odt": "application/vnd.oasis.opendocument.text", "doc": "application/msword",
        "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ]
}
