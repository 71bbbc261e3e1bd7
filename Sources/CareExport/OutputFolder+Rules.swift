import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Which folders may be an output folder (issue 14; README, *Output folders*). A run replaces its
/// output folder as a whole, so the folder must be one that can be replaced without harm:
///
/// 1. not empty (`--out ""`), not the root;
/// 2. not the current folder nor any folder above it (replacing it would pull the folder out from
///    under the user's shell);
/// 3. not a folder that holds an input file, directly or further down (a run must never replace
///    its inputs);
/// 4. a folder inside an input folder is fine when no input lies inside it (e.g. `out/` beside the
///    study file).
///
/// Paths are compared after resolving symbolic links of the parts that exist.
extension OutputFolder {
    /// The output folder at `path` as the user typed it; refuses an empty path with its own message.
    public init(path: String, inputs: [URL]) throws {
        guard !path.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw ExportError("the output folder is empty (--out \"\")", fix: "give a named folder, e.g. --out out/")
        }
        guard !path.contains("\u{FFFD}") else {
            // What is left of a name that is not UTF-8 when the folder does not exist yet (RawPaths links existing ones).
            throw ExportError("the output folder \(path) does not exist and its name is not UTF-8 (e.g. CP932), so it cannot be created under that name",
                              fix: "create the folder first (mkdir), then run again, or give a UTF-8 name")
        }
        try self.init(URL(fileURLWithPath: path), inputs: inputs)
    }

    /// Throws when `out` (resolved) breaks a rule; `shown` is the path as given, for messages.
    static func checkRules(_ out: String, shown: String, inputs: [URL]) throws {
        let cwd = resolved(FileManager.default.currentDirectoryPath)
        if out == "/" {
            throw ExportError("the output folder \(shown) is the root folder", fix: "give a named folder, e.g. out/")
        }
        if cwd == out || cwd.hasPrefix(out + "/") {
            let what = cwd == out ? "the current folder" : "a folder above the current folder (\(cwd))"
            throw ExportError("the output folder \(shown) is \(what); a run replaces its output folder as a whole",
                              fix: "give a new folder, e.g. --out out/")
        }
        for input in inputs {
            let file = resolved(input.path)
            let folder = (file as NSString).deletingLastPathComponent
            if out == folder || sameFile(out, folder) {
                throw ExportError("the output folder \(shown) holds the input \(input.lastPathComponent); a run replaces its output folder as a whole",
                                  fix: "give a new folder, e.g. out/ inside it")
            }
            if file.hasPrefix(out + "/") {
                throw ExportError("the output folder \(shown) holds the input \(input.lastPathComponent) (in \(folder)); a run replaces its output folder as a whole",
                                  fix: "give a folder that holds no input, e.g. a new out/ beside the study file")
            }
        }
    }

    /// Whether two existing paths are the same file or folder (same device and inode).
    static func sameFile(_ a: String, _ b: String) -> Bool {
        var x = stat(), y = stat()
        return stat(a, &x) == 0 && stat(b, &y) == 0 && x.st_dev == y.st_dev && x.st_ino == y.st_ino
    }

    /// The path with `.`/`..` removed and symbolic links of its existing part resolved (the rest kept as written).
    static func resolved(_ path: String) -> String {
        let standard = URL(fileURLWithPath: path).standardizedFileURL.path
        var existing = standard
        var rest: [String] = []
        while existing != "/", !FileManager.default.fileExists(atPath: existing) {
            rest.insert((existing as NSString).lastPathComponent, at: 0)
            existing = (existing as NSString).deletingLastPathComponent
        }
        // realpath returns nil on failure (then the path is kept as written); a real path that is not
        // UTF-8 (a CP932 folder reached through RawPaths' link) is kept as written too.
        let real = realpath(existing, nil).flatMap { p -> String? in
            defer { free(p) }
            return String(validatingCString: p)
        } ?? existing
        return rest.reduce(real) { ($0 as NSString).appendingPathComponent($1) }
    }

    /// Whether the output folder must be published file by file with staging inside it: it exists
    /// and cannot be renamed (a mount point, or a folder whose parent is not writable).
    static func mustPublishInPlace(_ target: String) -> Bool {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: target, isDirectory: &isDirectory), isDirectory.boolValue else { return false }
        var own = stat(), parent = stat()
        let parentPath = (target as NSString).deletingLastPathComponent
        guard stat(target, &own) == 0, stat(parentPath, &parent) == 0 else { return false }
        // A folder reached through a symbolic link (RawPaths): renaming would move the link, not the folder.
        var link = stat()
        if lstat(target, &link) == 0, link.st_mode & S_IFMT == S_IFLNK { return true }
        // access returns 0 when the calling process may write.
        return own.st_dev != parent.st_dev || access(parentPath, W_OK) != 0
    }
}
