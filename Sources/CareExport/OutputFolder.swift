import CareFormats
import Foundation

/// The folder a command writes its results into.
///
/// Refuses a folder equal to or inside an input folder (so a run can never overwrite its inputs),
/// creates it when absent, and writes every file atomically (temporary file + rename), so that an
/// interrupted run leaves either the old file or the new one.
public struct OutputFolder: Sendable {
    public let url: URL
    /// Names of the files written so far, in order.
    public private(set) var written: [String] = []

    /// - Parameter inputs: the input files; the folder must not be one of their folders or inside one.
    public init(_ url: URL, inputs: [URL]) throws {
        let out = url.standardizedFileURL.resolvingSymlinksInPath().path
        for input in inputs {
            let folder = input.deletingLastPathComponent().standardizedFileURL.resolvingSymlinksInPath().path
            if out == folder || out.hasPrefix(folder + "/") {
                throw ExportError("the output folder \(url.path) is an input folder or inside one (\(input.lastPathComponent) is in \(folder))",
                                  fix: "choose an output folder outside the input folders, e.g. out/")
            }
        }
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: out, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else {
                throw ExportError("the output path \(url.path) is a file, not a folder", fix: "give a folder path")
            }
        } else {
            do {
                try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
            } catch {
                throw ExportError("cannot create the output folder \(url.path): \(error.localizedDescription)", fix: "check the path and permissions")
            }
        }
        self.url = url
    }

    /// Writes `data` to `name` inside the folder, atomically.
    public mutating func write(_ name: String, _ data: Data) throws {
        try AtomicFile.write(data, to: url.appendingPathComponent(name))
        written.append(name)
    }

    public mutating func write(_ name: String, text: String) throws {
        try write(name, Data(text.utf8))
    }

    /// Publishes what was written. Every command calls it once, after its last write.
    /// (Today files are published one by one as they are written; see issue 9 for the
    /// folder-level swap.)
    public mutating func commit() throws {}
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
