import Foundation
import Testing

@testable import CareFormats

@Suite("Atomic file writes")
struct JSONAtomicFileTests {
    private func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("careatlas-atomic-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    @Test func unsyncedWritesAreSyncedTogetherAndAMissingFileIsNamed() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let paths = (0..<40).map { dir.appendingPathComponent("f\($0).csv").path }
        for (i, path) in paths.enumerated() { try AtomicFile.write(Data("row \(i)\n".utf8), to: URL(fileURLWithPath: path), sync: false) }
        try AtomicFile.sync(paths)
        for (i, path) in paths.enumerated() { #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == Data("row \(i)\n".utf8)) }
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).count == 40, "no temporary file left")
        // The first path (in the given order) that cannot be synced is named, with the step.
        let missing = [paths[3], dir.appendingPathComponent("gone-b").path, paths[5], dir.appendingPathComponent("gone-a").path]
        let error = #expect(throws: FileWriteError.self) { try AtomicFile.sync(missing) }
        #expect(error?.path == missing[1])
        #expect(error?.operation == "fsync")
        try AtomicFile.sync([])
    }

    @Test func writesAndReplacesWithoutLeavingTemporaries() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("out.geojson")
        try AtomicFile.write(Data("first".utf8), to: file)
        #expect(try Data(contentsOf: file) == Data("first".utf8))
        try FileManager.default.setAttributes([.posixPermissions: 0o640], ofItemAtPath: file.path)
        try AtomicFile.write(Data("second, longer".utf8), to: file)
        #expect(try Data(contentsOf: file) == Data("second, longer".utf8))
        // The replaced file keeps its permissions.
        let mode = try FileManager.default.attributesOfItem(atPath: file.path)[.posixPermissions] as? Int
        #expect(mode == 0o640)
        try AtomicFile.write(Data(), to: file)
        #expect(try Data(contentsOf: file).isEmpty)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["out.geojson"])
    }

    @Test func missingDirectoryFailsWithTheSystemMessage() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("no/such/dir/out.geojson")
        let error = try #require(throws: FileWriteError.self) { try AtomicFile.write(Data("x".utf8), to: file) }
        #expect(error.operation == "create")
        #expect(error.message == "No such file or directory")
        #expect(error.description.hasPrefix("cannot write \(dir.path)/no/such/dir/.out.geojson.tmp-"))
        #expect(error.description.hasSuffix(": create failed: No such file or directory"))
    }

    @Test func renameOntoADirectoryFailsAndCleansUp() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let target = dir.appendingPathComponent("taken")
        try FileManager.default.createDirectory(at: target, withIntermediateDirectories: false)
        let error = try #require(throws: FileWriteError.self) { try AtomicFile.write(Data("x".utf8), to: target) }
        #expect(error.description == "cannot write \(target.path): rename failed: Is a directory")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["taken"])
    }
}
