import CareExport
import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The output folder is published as a whole: staging, manifest, exchange, foreign files kept,
/// leftovers of killed runs cleaned. (The SIGKILL test over a real `careatlas catchment` run is in
/// CLITests/DeterminismTests.swift, which has the executable.)
@Suite struct OutputFolderPublishingTests {
    let base: URL
    let out: URL
    let input: URL

    init() throws {
        base = FileManager.default.temporaryDirectory.appendingPathComponent("careatlas-outputfolder-\(UUID().uuidString)")
        out = base.appendingPathComponent("results")
        input = base.appendingPathComponent("inputs/study.yaml")
        try FileManager.default.createDirectory(at: input.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data("study: {}\n".utf8).write(to: input)
    }

    func cleanUp() { try? FileManager.default.removeItem(at: base) }

    func entries(_ folder: URL) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
    }

    func text(_ name: String) throws -> String {
        try String(contentsOf: out.appendingPathComponent(name), encoding: .utf8)
    }

    /// Writes one run with the given files and commits it.
    func run(_ files: [String: String]) throws {
        var folder = try OutputFolder(out, inputs: [input])
        for (name, content) in files.sorted(by: { $0.key < $1.key }) { try folder.write(name, text: content) }
        try folder.commit()
    }

    @Test func firstRunPublishesFilesAndManifestAndLeavesNothingBeside() throws {
        defer { cleanUp() }
        var folder = try OutputFolder(out, inputs: [input])
        try folder.write("b.csv", text: "b\n")
        try folder.write("a.csv", text: "a\n")
        // Nothing is visible before the commit.
        #expect(!FileManager.default.fileExists(atPath: out.path))
        try folder.commit()
        #expect(try entries(out) == [".careatlas-manifest", "a.csv", "b.csv"])
        #expect(try text(".careatlas-manifest") == "a.csv\nb.csv\n")
        #expect(try text("a.csv") == "a\n")
        #expect(try entries(base) == ["inputs", "results"])
    }

    @Test func secondRunReplacesOurFilesAndKeepsForeignOnes() throws {
        defer { cleanUp() }
        try run(["old_only.csv": "old\n", "shared.csv": "old\n"])
        // A user's files in the output folder: a note, a folder with a file, a link.
        try "mine\n".write(to: out.appendingPathComponent("notes.txt"), atomically: false, encoding: .utf8)
        try FileManager.default.createDirectory(at: out.appendingPathComponent("drafts"), withIntermediateDirectories: false)
        try "draft\n".write(to: out.appendingPathComponent("drafts/d.txt"), atomically: false, encoding: .utf8)
        try FileManager.default.createSymbolicLink(atPath: out.appendingPathComponent("link").path, withDestinationPath: "notes.txt")
        var notesInfo = stat()
        _ = stat(out.appendingPathComponent("notes.txt").path, &notesInfo)

        try run(["shared.csv": "new\n", "new_only.csv": "new\n"])
        #expect(try entries(out) == [".careatlas-manifest", "drafts", "link", "new_only.csv", "notes.txt", "shared.csv"])
        #expect(try text("shared.csv") == "new\n")
        #expect(try text("notes.txt") == "mine\n")
        #expect(try text("drafts/d.txt") == "draft\n")
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: out.appendingPathComponent("link").path) == "notes.txt")
        #expect(try text(".careatlas-manifest") == "new_only.csv\nshared.csv\n")
        // The user's file is the same file (hard link), not a copy.
        var after = stat()
        _ = stat(out.appendingPathComponent("notes.txt").path, &after)
        #expect(after.st_ino == notesInfo.st_ino)
        #expect(try entries(base) == ["inputs", "results"])
    }

    @Test func theFolderKeepsItsPermissionBits() throws {
        defer { cleanUp() }
        try run(["a.csv": "old\n"])
        #expect(chmod(out.path, 0o750) == 0)
        try run(["a.csv": "new\n"])
        var info = stat()
        #expect(stat(out.path, &info) == 0)
        #expect(info.st_mode & 0o7777 == 0o750)
    }

    @Test func aForeignFileWithAnOutputNameIsReplaced() throws {
        defer { cleanUp() }
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
        try "hand-made\n".write(to: out.appendingPathComponent("a.csv"), atomically: false, encoding: .utf8)
        try run(["a.csv": "ours\n"])
        #expect(try text("a.csv") == "ours\n")
    }

    @Test func aRunThatIsNeverCommittedChangesNothing() throws {
        defer { cleanUp() }
        try run(["a.csv": "old\n"])
        do {
            var folder = try OutputFolder(out, inputs: [input])
            try folder.write("a.csv", text: "new\n")
            // dropped without commit (as when a command fails after some writes)
        }
        #expect(try text("a.csv") == "old\n")
        #expect(try entries(base) == ["inputs", "results"])
    }

    @Test func leftoversOfKilledRunsAreCleanedAndAnOldSetAsideIsPutBack() throws {
        defer { cleanUp() }
        try run(["a.csv": "old\n"])
        // A dead process id: a child that has exited.
        let child = Process()
        child.executableURL = URL(fileURLWithPath: "/bin/true")
        try child.run()
        child.waitUntilExit()
        let dead = child.processIdentifier
        let staging = base.appendingPathComponent(".results.careatlas-staging-\(dead)-abc")
        try FileManager.default.createDirectory(at: staging, withIntermediateDirectories: false)
        try "half\n".write(to: staging.appendingPathComponent("a.csv"), atomically: false, encoding: .utf8)
        // A killed fallback swap: the old set aside, no output folder.
        let aside = base.appendingPathComponent(".results.careatlas-old-\(dead)-def")
        try FileManager.default.moveItem(at: out, to: aside)
        // A live run's staging folder (this process) must not be touched.
        let live = base.appendingPathComponent(".results.careatlas-staging-\(getpid())-live")
        try FileManager.default.createDirectory(at: live, withIntermediateDirectories: false)

        let folder = try OutputFolder(out, inputs: [input])
        #expect(try text("a.csv") == "old\n")  // put back before the run starts
        #expect(!FileManager.default.fileExists(atPath: staging.path))
        #expect(!FileManager.default.fileExists(atPath: aside.path))
        #expect(FileManager.default.fileExists(atPath: live.path))
        _ = folder
    }

    @Test func outputFoldersThatHoldAnInputAreRefused() throws {
        defer { cleanUp() }
        let inputs = input.deletingLastPathComponent()
        for bad in [inputs, inputs.deletingLastPathComponent()] {
            #expect(throws: ExportError.self) { try OutputFolder(bad, inputs: [input]) }
        }
        // A folder inside the input's folder that holds no input is allowed (issue 14).
        _ = try OutputFolder(inputs.appendingPathComponent("out/deeper"), inputs: [input])
    }

    @Test func aFileInsteadOfAFolderIsRefusedWithItsPath() throws {
        defer { cleanUp() }
        try "x".write(to: out, atomically: false, encoding: .utf8)
        do {
            _ = try OutputFolder(out, inputs: [input])
            Issue.record("expected an error")
        } catch let error as ExportError {
            #expect(error.description == "the output path \(out.path) is a file, not a folder — give a folder path")
        }
    }

    @Test func namesOutsideTheFolderAreRefused() throws {
        defer { cleanUp() }
        var folder = try OutputFolder(out, inputs: [input])
        for bad in ["../escape.csv", "/etc/passwd", "a/../../b", ".careatlas-manifest"] {
            #expect(throws: ExportError.self) { try folder.write(bad, text: "x") }
        }
        try folder.write("layers/a.geojson", text: "{}")
        try folder.commit()
        #expect(try text("layers/a.geojson") == "{}")
        #expect(try text(".careatlas-manifest") == "layers/a.geojson\n")
        #expect(throws: ExportError.self) { try folder.write("late.csv", text: "x") }
    }

    @Test func aSocketInTheOutputFolderStopsTheCommitAndKeepsTheOldSet() throws {
        defer { cleanUp() }
        try run(["a.csv": "old\n"])
        let fifo = out.appendingPathComponent("pipe")
        #expect(mkfifo(fifo.path, 0o644) == 0)
        var folder = try OutputFolder(out, inputs: [input])
        try folder.write("a.csv", text: "new\n")
        #expect(throws: ExportError.self) { try folder.commit() }
        #expect(try text("a.csv") == "old\n")
    }
}
