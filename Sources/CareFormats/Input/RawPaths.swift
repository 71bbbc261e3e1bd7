import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Paths are bytes on Linux, but Swift strings are Unicode: a folder named in CP932 (common on
/// shared drives written from Windows) reaches `CommandLine.arguments` with its bytes replaced by
/// U+FFFD, so it would be "not found" or — for an output folder — created under a name of U+FFFD
/// characters (issue 14).
///
/// ``usableArguments()`` keeps every argument that is valid UTF-8 as it is. For one that is not
/// and that names an existing file or folder, it returns the path of a symbolic link with a
/// UTF-8 name that leads to exactly those bytes: `<tmp>/careatlas-paths-<uid>-<pid>/<n>-<name>`,
/// where `<name>` is the last part decoded as CP932 when it is CP932 (so messages still show the
/// name as the user sees it). An output folder reached this way is published file by file inside
/// itself (``OutputFolder`` never renames through a link). A non-UTF-8 path that does not exist
/// is kept (with U+FFFD), and the commands refuse it as missing; a new output folder with such a
/// name must be created first. The links are removed when the process exits.
public enum RawPaths {
    /// `CommandLine.arguments`, with each existing non-UTF-8 path replaced by a link to it.
    public static func usableArguments() -> [String] {
        var result = CommandLine.arguments
        for i in 0..<Int(CommandLine.argc) {
            guard let raw = CommandLine.unsafeArgv[i] else { continue }
            let bytes = Array(UnsafeBufferPointer(start: UnsafeRawPointer(raw).assumingMemoryBound(to: UInt8.self), count: strlen(raw)))
            guard String(validating: bytes, as: UTF8.self) == nil, let link = link(to: bytes, index: i) else { continue }
            result[i] = link
        }
        return result
    }

    /// The folder holding this process's links.
    static let folder: String = {
        let path = FileManager.default.temporaryDirectory.path + "/careatlas-paths-\(getuid())-\(getpid())"
        return path
    }()

    /// A link with a UTF-8 name to the existing file or folder at `bytes`; nil when there is none.
    static func link(to bytes: [UInt8], index: Int) -> String? {
        var absolute = bytes
        if bytes.first != UInt8(ascii: "/") {
            // getcwd returns nil on failure; its bytes are used as they are (they may not be UTF-8 either).
            guard let cwd = getcwd(nil, 0) else { return nil }
            defer { free(cwd) }
            absolute = Array(UnsafeBufferPointer(start: UnsafeRawPointer(cwd).assumingMemoryBound(to: UInt8.self), count: strlen(cwd)))
                + [UInt8(ascii: "/")] + bytes
        }
        // The link leads to the path up to its last part that is not UTF-8; the parts after it (valid
        // UTF-8, e.g. study.yaml or a new out/) are appended to the link, so that files beside a study
        // file and new output folders are reached through it.
        let parts = absolute.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: true).map(Array.init)
        guard let lastInvalid = parts.lastIndex(where: { String(validating: $0, as: UTF8.self) == nil }) else { return nil }
        let target = parts[...lastInvalid].reduce([UInt8]()) { $0 + [UInt8(ascii: "/")] + $1 }
        let rest = parts[(lastInvalid + 1)...].map { String(decoding: $0, as: UTF8.self) }
        var info = stat()
        // stat returns -1 when nothing exists at the path.
        guard (target + [0]).withUnsafeBufferPointer({ stat(UnsafeRawPointer($0.baseAddress!).assumingMemoryBound(to: CChar.self), &info) }) == 0
        else { return nil }
        // mkdir returns -1 with EEXIST when the folder is already there (a second argument).
        guard mkdir(folder, 0o700) == 0 || errno == EEXIST else { return nil }
        if !cleanupRegistered {
            cleanupRegistered = true
            atexit { try? FileManager.default.removeItem(atPath: RawPaths.folder) }
        }
        let path = folder + "/\(index)-" + shownName(target)
        let made = (target + [0]).withUnsafeBufferPointer {
            symlink(UnsafeRawPointer($0.baseAddress!).assumingMemoryBound(to: CChar.self), path)
        }
        return made == 0 ? ([path] + rest).joined(separator: "/") : nil
    }

    nonisolated(unsafe) private static var cleanupRegistered = false

    /// The last part of a path as a file name: decoded as CP932 when it is CP932, else with
    /// U+FFFD for the bytes that are not UTF-8; "/" never appears.
    static func shownName(_ path: [UInt8]) -> String {
        let last = Array(path.split(separator: UInt8(ascii: "/")).last ?? [])
        let decoded = last.withUnsafeBufferPointer { CP932.decode($0) }
        let text: String
        switch decoded {
        case .success(let utf8): text = String(decoding: utf8, as: UTF8.self)
        case .failure: text = String(decoding: last, as: UTF8.self)
        }
        return text.isEmpty ? "path" : text.replacingOccurrences(of: "/", with: "_")
    }
}
