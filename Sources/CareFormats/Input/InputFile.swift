import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Size limits of input files, so that a file far larger than any real input (a 1 GB GeoJSON, a
/// CSV of 10 million rows) is refused with a clear message instead of exhausting memory.
///
/// The GeoJSON reader builds the whole document in memory (about 4–8 times the file's size), the
/// CSV reader keeps the decoded text and two offsets per field (about 2–3 times the size), so the
/// defaults leave room on a machine with a few gigabytes. Each limit is raised with an environment
/// variable, read once per process:
///
/// | limit | default | variable |
/// |---|---|---|
/// | GeoJSON file size | 512 MiB | `CAREATLAS_MAX_GEOJSON_MB` |
/// | CSV file size | 1024 MiB | `CAREATLAS_MAX_CSV_MB` |
/// | CSV data rows | 5,000,000 | `CAREATLAS_MAX_CSV_ROWS` |
/// | study file size | 4 MiB | `CAREATLAS_MAX_STUDY_MB` |
public enum InputLimits {
    /// The kinds of input with a size limit.
    public enum Kind: String, Sendable, CaseIterable {
        case geojson, csv, study

        var variable: String { "CAREATLAS_MAX_\(rawValue.uppercased())_MB" }
        var defaultMegabytes: Int {
            switch self {
            case .geojson: 512
            case .csv: 1024
            case .study: 4
            }
        }
    }

    /// The largest file of this kind that is read, in bytes.
    public static func maximumBytes(_ kind: Kind) -> Int {
        megabytes(kind) * 1_048_576
    }

    /// The most data rows a CSV file may have.
    public static let maximumCSVRows: Int = positiveInteger("CAREATLAS_MAX_CSV_ROWS") ?? 5_000_000

    static func megabytes(_ kind: Kind) -> Int {
        switch kind {
        case .geojson: geojsonMegabytes
        case .csv: csvMegabytes
        case .study: studyMegabytes
        }
    }

    private static let geojsonMegabytes = positiveInteger(Kind.geojson.variable) ?? Kind.geojson.defaultMegabytes
    private static let csvMegabytes = positiveInteger(Kind.csv.variable) ?? Kind.csv.defaultMegabytes
    private static let studyMegabytes = positiveInteger(Kind.study.variable) ?? Kind.study.defaultMegabytes

    private static func positiveInteger(_ variable: String) -> Int? {
        guard let text = ProcessInfo.processInfo.environment[variable], let value = Int(text), value > 0 else { return nil }
        return value
    }

    /// "1.0 GiB", "512.0 MiB", "12.3 KiB", "17 bytes".
    static func size(_ bytes: Int) -> String {
        let units: [(Double, String)] = [(1_073_741_824, "GiB"), (1_048_576, "MiB"), (1024, "KiB")]
        for (scale, unit) in units where Double(bytes) >= scale {
            return String(format: "%.1f %@", Double(bytes) / scale, unit)
        }
        return "\(bytes) bytes"
    }
}

/// Reads an input file after checking what it is: it must exist, be a regular file (not a folder, a
/// FIFO, a socket or a device, which would block or never end) and be within its size limit
/// (``InputLimits``). Each refusal is a message naming the path, what was found and the fix.
public enum InputFile {
    /// Why a file was not read: the message (with the path) and the fix.
    public struct Refusal: Error, Sendable, Hashable {
        public let message: String
        public let fix: String
        /// The message without the path: "no such file", "it is a directory, not a file".
        public var reason: String {
            guard message.hasPrefix("cannot read "), let colon = message.range(of: ": ") else { return message }
            return String(message[colon.upperBound...])
        }
        /// Whether the file was refused for its size (``InputLimits``), not for what it is.
        public var tooLarge = false
    }

    /// The bytes of the file at `url`, memory-mapped when the system allows.
    public static func read(_ url: URL, kind: InputLimits.Kind) throws(Refusal) -> Data {
        let path = url.path
        var info = stat()
        // stat returns -1 with errno: ENOENT also for a symbolic link whose target is missing.
        guard stat(path, &info) == 0 else {
            let reason = errno
            var linkInfo = stat()
            if reason == ENOENT, lstat(path, &linkInfo) == 0, linkInfo.st_mode & S_IFMT == S_IFLNK {
                let target = (try? FileManager.default.destinationOfSymbolicLink(atPath: path)) ?? "?"
                throw Refusal(message: "cannot read \(path): it is a symbolic link to \(target), which does not exist",
                              fix: "fix or replace the link")
            }
            if reason == ENOENT {
                throw Refusal(message: "cannot read \(path): no such file", fix: "check the path and the file name")
            }
            if reason == ELOOP {
                throw Refusal(message: "cannot read \(path): it is a loop of symbolic links (a link that leads back to itself)",
                              fix: "replace the link with the file, or point it at the real file (ls -l shows where each link points)")
            }
            if reason == ENAMETOOLONG {
                throw Refusal(message: "cannot read \(path): the path is longer than the system allows", fix: "move the data to a shorter path")
            }
            throw Refusal(message: "cannot read \(path): \(String(cString: strerror(reason)))", fix: "check the file's permissions")
        }
        switch info.st_mode & S_IFMT {
        case S_IFREG: break
        case S_IFDIR:
            throw Refusal(message: "cannot read \(path): it is a directory, not a file", fix: "name a \(kind.fileKind) inside it")
        default:
            throw Refusal(message: "cannot read \(path): it is \(Self.describe(info.st_mode)), not a regular file",
                          fix: "save the data to a file and name that file")
        }
        let limit = InputLimits.maximumBytes(kind)
        if Int(info.st_size) > limit {
            throw Refusal(
                message: "\(path) is \(InputLimits.size(Int(info.st_size))), more than the limit of \(InputLimits.size(limit)) for a \(kind.fileKind)",
                fix: "reduce the file to the areas or rows the study needs, or raise the limit with \(kind.variable)=<megabytes> if the machine has the memory",
                tooLarge: true)
        }
        // open(2) checks the permission (a stat does not); access(2) would ignore root's override, so open.
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else {
            throw Refusal(message: "cannot read \(path): \(String(cString: strerror(errno)))", fix: "check the file's permissions")
        }
        close(fd)
        // An empty file needs no read (and Foundation's reader leaks its 4 KiB buffer on one).
        if info.st_size == 0 { return Data() }
        do {
            return try Data(contentsOf: url, options: .mappedIfSafe)
        } catch {
            throw Refusal(message: "cannot read \(path): \(error.localizedDescription)", fix: "check the file's permissions")
        }
    }

    private static func describe(_ mode: mode_t) -> String {
        switch mode & S_IFMT {
        case S_IFIFO: "a FIFO (named pipe)"
        case S_IFSOCK: "a socket"
        case S_IFCHR: "a character device"
        case S_IFBLK: "a block device"
        default: "a special file"
        }
    }
}

extension InputLimits.Kind {
    var fileKind: String {
        switch self {
        case .geojson: "GeoJSON file"
        case .csv: "CSV file"
        case .study: "study file"
        }
    }
}
