import CareFormats
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// The folder a command writes its results into, published as a whole.
///
/// A run writes into a private staging folder beside the output folder (same file system):
/// `.<name>.careatlas-staging-<pid>-<random>`. ``commit()`` then publishes the whole set at once,
/// so that a run interrupted at any point (even by `SIGKILL`) leaves either the complete old
/// output set or the complete new one, never a mix:
///
/// - when the output folder does not exist, the staging folder is renamed to it (`rename(2)`);
/// - otherwise the two folders are exchanged atomically with Linux `renameat2(…, RENAME_EXCHANGE)`,
///   and the old set (now in the staging path) is removed.
///
/// **Which files are ours.** Each published folder holds a manifest, `.careatlas-manifest`, listing
/// the files the run wrote. At commit, every entry of the existing output folder that is *not* in
/// its manifest (a user's notes, files from before manifests existed) and that the new run does not
/// write itself is carried over into the new set by hard links (subfolders are recreated and their
/// files linked), so it survives the exchange untouched; nothing that is not ours is deleted.
/// Files listed in the old manifest that the new run no longer writes disappear with the old set:
/// the folder always shows exactly one run's outputs. A file of the same name as a new output is
/// replaced by it. Entries that can be neither linked nor recreated (sockets, devices, FIFOs) make
/// ``commit()`` refuse with a message naming them, leaving the old set in place.
///
/// **Leftovers.** Staging folders of runs that were killed (their process no longer exists) are
/// removed by the next run into the same output folder.
///
/// When the output folder is a mount point (it cannot be renamed), files are published one by one
/// (each still atomic, the set not). When the file system does not support `RENAME_EXCHANGE`
/// (`EINVAL`), or on systems without
/// `renameat2`, the swap falls back to two renames (old set aside as
/// `.<name>.careatlas-old-<pid>-<random>`, then staging into place); a kill between them leaves no
/// output folder but the old set aside, which the next run puts back before it starts.
///
/// The output folder must not be equal to or inside a folder of an input file (so that a run can
/// never overwrite its inputs).
///
/// Not thread-safe: one run writes one folder from one thread.
public struct OutputFolder: Sendable {
    /// The output folder as given.
    public let url: URL
    /// Names of the files written so far, in order (a name written twice appears twice).
    public private(set) var written: [String] = []
    /// The manifest's file name inside the output folder.
    public static let manifestName = ".careatlas-manifest"

    private let target: String
    private let staging: Staging

    /// - Parameter inputs: the input files; the folder must not be one of their folders or inside one.
    public init(_ url: URL, inputs: [URL]) throws {
        let out = Self.resolved(url.path)
        try Self.checkRules(out, shown: url.path, inputs: inputs)  // OutputFolder+Rules.swift
        let parent = (out as NSString).deletingLastPathComponent
        let name = (out as NSString).lastPathComponent
        guard !name.isEmpty, name != "/", name != ".", name != ".." else {
            throw ExportError("the output folder \(url.path) cannot be replaced as a whole (it is the root or has no name)",
                              fix: "give a named folder, e.g. out/")
        }
        do {
            try FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true)
        } catch {
            throw ExportError("cannot create the folder \(parent) for \(url.path): \(error.localizedDescription)", fix: "check the path and permissions")
        }
        Self.recoverLeftovers(parent: parent, name: name, target: out)
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: out, isDirectory: &isDirectory), !isDirectory.boolValue {
            throw ExportError("the output path \(url.path) is a file, not a folder", fix: "give a folder path")
        }
        // A folder that cannot be renamed (a mount point) is staged inside itself and published file by file.
        let inPlace = Self.mustPublishInPlace(out)
        if inPlace { Self.recoverLeftovers(parent: out, name: "", target: out + "/.careatlas-unused") }
        let stagingPath = (inPlace ? out : parent) + "/" + Self.leftoverPrefix(inPlace ? "" : name, "staging") + "\(getpid())-"
            + String(UInt64.random(in: 0...UInt64.max), radix: 36)
        // mkdir returns -1 with errno on failure.
        guard mkdir(stagingPath, 0o777) == 0 else {
            throw ExportError("cannot create the staging folder \(stagingPath) beside \(url.path): \(String(cString: strerror(errno)))",
                              fix: "check that the folder \(parent) is writable")
        }
        self.url = url
        self.target = out
        self.staging = Staging(path: stagingPath)
    }

    /// Writes `data` to `name` inside the folder (into the staging folder until ``commit()``).
    /// `name` may contain `/` to write into a subfolder.
    public mutating func write(_ name: String, _ data: Data) throws {
        guard !name.isEmpty, !name.hasPrefix("/"), !name.split(separator: "/").contains(where: { $0 == ".." || $0 == "." }),
              name != Self.manifestName
        else {
            throw ExportError("cannot write \(name): an output name must be a relative path inside the output folder", fix: "this is a defect; please report it")
        }
        try staging.checkOpen(for: url)
        let destination = URL(fileURLWithPath: staging.path).appendingPathComponent(name)
        if name.contains("/") {
            try FileManager.default.createDirectory(at: destination.deletingLastPathComponent(), withIntermediateDirectories: true)
        }
        // Not synced here: ``commit()`` syncs every staged file at once, before it publishes them.
        try AtomicFile.write(data, to: destination, sync: false)
        written.append(name)
    }

    public mutating func write(_ name: String, text: String) throws {
        try write(name, Data(text.utf8))
    }

    /// Publishes what was written, as a whole (see the type's documentation). Every command calls it
    /// once, after its last write; a folder that is never committed leaves the old outputs untouched.
    public mutating func commit() throws {
        try staging.checkOpen(for: url)
        // Every file durable before the folder (or, in place, each file) is published.
        try AtomicFile.sync(Set(written).sorted().map { staging.path + "/" + $0 })
        let manifest = Set(written).sorted().map { $0 + "\n" }.joined()
        try AtomicFile.write(Data(manifest.utf8), to: URL(fileURLWithPath: staging.path + "/" + Self.manifestName))
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: target, isDirectory: &isDirectory) else {
            // rename returns -1 with errno; the target does not exist, so this is atomic.
            guard rename(staging.path, target) == 0 else { throw failure("publish \(staging.path) as \(target)") }
            staging.committed()
            Self.syncDirectory((target as NSString).deletingLastPathComponent)
            return
        }
        guard isDirectory.boolValue else {
            throw ExportError("the output path \(url.path) became a file during the run", fix: "give a folder path")
        }
        // The new folder takes the old one's permission bits (chmod returns -1 on failure: keep the default).
        var old = stat()
        if stat(target, &old) == 0 { _ = chmod(staging.path, old.st_mode & 0o7777) }
        if Self.isMountPoint(target) || staging.path.hasPrefix(target + "/") {
            // A mount point cannot be renamed: publish file by file (each file still atomic).
            try publishFileByFile()
            staging.committed()
            try? FileManager.default.removeItem(atPath: staging.path)
            return
        }
        try carryOverForeignEntries()
        try exchange()
        staging.committed()
        Self.syncDirectory((target as NSString).deletingLastPathComponent)
        // The old set is now at the staging path; it holds our old files and links to the carried-over ones.
        try? FileManager.default.removeItem(atPath: staging.path)
    }

    // MARK: - Internals

    /// Whether `path` is the root of a mounted file system (its device differs from its parent's).
    private static func isMountPoint(_ path: String) -> Bool {
        var own = stat(), parent = stat()
        guard stat(path, &own) == 0, stat((path as NSString).deletingLastPathComponent, &parent) == 0 else { return false }
        return own.st_dev != parent.st_dev
    }

    /// The full lines of the output folder's current manifest.
    private var oldManifestLines: Set<String> {
        guard let data = FileManager.default.contents(atPath: target + "/" + Self.manifestName) else { return [] }
        return Set(String(decoding: data, as: UTF8.self).split(separator: "\n").map(String.init))
    }

    /// Moves each written file (and the manifest) into the output folder with `rename(2)`: each file
    /// is replaced atomically, the set is not. Used only where the folder itself cannot be renamed.
    private func publishFileByFile() throws {
        let previous = oldManifestLines  // read before the new manifest replaces it
        for name in Set(written).sorted() + [Self.manifestName] {
            let destination = target + "/" + name
            if name.contains("/") {
                try FileManager.default.createDirectory(atPath: (destination as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            }
            // rename returns -1 with errno and leaves both paths as they were.
            guard rename(staging.path + "/" + name, destination) == 0 else { throw failure("publish \(name) into \(target)") }
        }
        // Outputs of the previous run that this run does not write go (the folder shows one run).
        for old in previous.subtracting(written) where !old.split(separator: "/").contains("..") && !old.hasPrefix("/") {
            try? FileManager.default.removeItem(atPath: target + "/" + old)
        }
    }

    /// Links every entry of the output folder that is not ours into the staging folder.
    private func carryOverForeignEntries() throws {
        let ours = Self.manifest(of: target)
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: target)) ?? []
        let newTopLevel = Set(written.map { String($0.split(separator: "/").first!) })
        for entry in entries.sorted() where entry != Self.manifestName && !ours.contains(entry) && !newTopLevel.contains(entry) {
            try Self.linkTree(from: target + "/" + entry, to: staging.path + "/" + entry, outputFolder: url.path)
        }
    }

    /// Swaps the staging folder and the output folder.
    private func exchange() throws {
        if let renameat2 = Self.renameat2 {
            // renameat2 returns -1 with errno: EINVAL when the file system does not support the flag.
            if renameat2(AT_FDCWD, staging.path, AT_FDCWD, target, Self.renameExchange) == 0 { return }
            guard errno == EINVAL || errno == ENOSYS else { throw failure("exchange \(staging.path) with \(target)") }
        }
        let parent = (target as NSString).deletingLastPathComponent
        let name = (target as NSString).lastPathComponent
        let aside = parent + "/" + Self.leftoverPrefix(name, "old") + "\(getpid())-" + String(UInt64.random(in: 0...UInt64.max), radix: 36)
        guard rename(target, aside) == 0 else { throw failure("move \(target) aside") }
        guard rename(staging.path, target) == 0 else {
            let reason = failure("publish \(staging.path) as \(target)")
            _ = rename(aside, target)
            throw reason
        }
        // Leave the old set where commit() removes it.
        _ = rename(aside, staging.path)
    }

    /// glibc's `renameat2` (Linux ≥ 3.15, glibc ≥ 2.28), looked up at run time because Swift's Glibc
    /// module does not declare it (it needs `_GNU_SOURCE`); nil elsewhere.
    private static let renameat2: (@convention(c) (Int32, UnsafePointer<CChar>, Int32, UnsafePointer<CChar>, UInt32) -> Int32)? = {
        #if os(Linux)
            // dlsym returns nil when the symbol is absent.
            guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "renameat2") else { return nil }
            return unsafeBitCast(symbol, to: (@convention(c) (Int32, UnsafePointer<CChar>, Int32, UnsafePointer<CChar>, UInt32) -> Int32).self)
        #else
            return nil
        #endif
    }()
    /// `RENAME_EXCHANGE` from <linux/fs.h>: atomically exchange the two paths.
    private static let renameExchange: UInt32 = 1 << 1

    private func failure(_ step: String) -> ExportError {
        ExportError("cannot \(step): \(String(cString: strerror(errno)))", fix: "check the permissions of the output folder and its parent")
    }

    static func leftoverPrefix(_ name: String, _ kind: String) -> String { "." + name + ".careatlas-\(kind)-" }

    /// The names listed in the folder's manifest (top-level entries).
    static func manifest(of folder: String) -> Set<String> {
        guard let data = FileManager.default.contents(atPath: folder + "/" + manifestName) else { return [] }
        return Set(String(decoding: data, as: UTF8.self).split(separator: "\n").map { String($0.split(separator: "/").first!) })
    }

    /// Removes staging folders of dead runs and puts back an old set left aside by a killed run.
    static func recoverLeftovers(parent: String, name: String, target: String) {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: parent) else { return }
        for kind in ["old", "staging"] {
            let prefix = leftoverPrefix(name, kind)
            for entry in entries.sorted() where entry.hasPrefix(prefix) {
                let pidText = entry.dropFirst(prefix.count).split(separator: "-").first.map(String.init) ?? ""
                guard let pid = Int32(pidText), !processIsAlive(pid) else { continue }
                let path = parent + "/" + entry
                if kind == "old", !FileManager.default.fileExists(atPath: target), rename(path, target) == 0 { continue }
                try? FileManager.default.removeItem(atPath: path)
            }
        }
    }

    private static func processIsAlive(_ pid: Int32) -> Bool {
        // kill(pid, 0) returns 0 when the process exists; -1 with ESRCH when it does not
        // (EPERM: it exists but belongs to someone else).
        kill(pid, 0) == 0 || errno == EPERM
    }

    /// Recreates `source` at `destination` with hard links for files and new folders for folders.
    private static func linkTree(from source: String, to destination: String, outputFolder: String) throws {
        var info = stat()
        guard lstat(source, &info) == 0 else { return }  // vanished meanwhile
        switch info.st_mode & S_IFMT {
        case S_IFREG:
            // link returns -1 with errno (EXDEV cannot happen: same folder tree).
            guard link(source, destination) == 0 else {
                throw ExportError("cannot keep \(source) (not a CareAtlas output) in the new \(outputFolder): link failed: \(String(cString: strerror(errno)))",
                                  fix: "move it out of the output folder, or choose another output folder")
            }
        case S_IFDIR:
            guard mkdir(destination, info.st_mode & 0o7777) == 0 else {
                throw ExportError("cannot keep the folder \(source) in the new \(outputFolder): \(String(cString: strerror(errno)))",
                                  fix: "move it out of the output folder, or choose another output folder")
            }
            for entry in ((try? FileManager.default.contentsOfDirectory(atPath: source)) ?? []).sorted() {
                try linkTree(from: source + "/" + entry, to: destination + "/" + entry, outputFolder: outputFolder)
            }
        case S_IFLNK:
            let target = (try? FileManager.default.destinationOfSymbolicLink(atPath: source)) ?? ""
            guard symlink(target, destination) == 0 else {
                throw ExportError("cannot keep the link \(source) in the new \(outputFolder): \(String(cString: strerror(errno)))",
                                  fix: "move it out of the output folder")
            }
        default:
            throw ExportError("\(source) is not a CareAtlas output and is neither a file, a folder nor a link, so it cannot be kept when the outputs are replaced",
                              fix: "move it out of the output folder \(outputFolder), or choose another output folder")
        }
    }

    private static func syncDirectory(_ path: String) {
        // open returns -1 on failure; a directory fsync makes the renames durable (best effort).
        let fd = open(path, O_RDONLY)
        if fd >= 0 {
            _ = fsync(fd)
            close(fd)
        }
    }

    /// The staging folder; removed when the folder value goes away without a commit.
    private final class Staging: @unchecked Sendable {
        let path: String
        private var isCommitted = false
        private let lock = NSLock()

        init(path: String) { self.path = path }

        func committed() { lock.withLock { isCommitted = true } }

        func checkOpen(for url: URL) throws {
            if lock.withLock({ isCommitted }) {
                throw ExportError("the output folder \(url.path) was already published", fix: "this is a defect; please report it")
            }
        }

        deinit {
            if !isCommitted { try? FileManager.default.removeItem(atPath: path) }
        }
    }
}

/// An export cannot be written: what went wrong and what to do.
public struct ExportError: Error, CustomStringConvertible, Sendable {
    public let message: String
    public let fix: String
    public init(_ message: String, fix: String = "") {
        self.message = message
        self.fix = fix
    }
    public var description: String { fix.isEmpty ? message : "\(message) — \(fix)" }
}
