import CareExport
import Foundation
import Testing

/// The output-folder rules of issue 14 (README, *Output folders*), each with its exact message.
@Suite(.serialized) struct OutputFolderRulesTests {
    let base: URL
    let input: URL

    init() throws {
        base = FileManager.default.temporaryDirectory.appendingPathComponent("careatlas-outrules-\(UUID().uuidString)")
        input = base.appendingPathComponent("study/study.yaml")
        try FileManager.default.createDirectory(at: input.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data("study: {}\n".utf8).write(to: input)
    }

    func message(_ body: () throws -> OutputFolder) -> String {
        do {
            _ = try body()
            return "accepted"
        } catch {
            return "\(error)"
        }
    }

    @Test func emptyIsRefusedWithItsOwnMessage() {
        defer { try? FileManager.default.removeItem(at: base) }
        #expect(message { try OutputFolder(path: "", inputs: [input]) }
            == "the output folder is empty (--out \"\") — give a named folder, e.g. --out out/")
        #expect(message { try OutputFolder(path: "  ", inputs: [input]) }.hasPrefix("the output folder is empty"))
    }

    @Test func theCurrentFolderAndItsAncestorsAreRefused() throws {
        defer { try? FileManager.default.removeItem(at: base) }
        let cwd = FileManager.default.currentDirectoryPath
        let real = URL(fileURLWithPath: cwd).resolvingSymlinksInPath().path
        #expect(message { try OutputFolder(path: ".", inputs: []) }
            == "the output folder \(cwd) is the current folder; a run replaces its output folder as a whole — give a new folder, e.g. --out out/")
        let parent = (real as NSString).deletingLastPathComponent
        #expect(message { try OutputFolder(path: "..", inputs: []) }.hasSuffix(" is a folder above the current folder (\(real)); a run replaces its output folder as a whole — give a new folder, e.g. --out out/"))
        if parent != "/" {
            #expect(message { try OutputFolder(path: "/", inputs: []) } == "the output folder / is the root folder — give a named folder, e.g. out/")
        }
    }

    @Test func foldersHoldingAnInputAreRefusedAndAFolderBesideTheStudyIsAllowed() throws {
        defer { try? FileManager.default.removeItem(at: base) }
        let study = input.deletingLastPathComponent()
        #expect(message { try OutputFolder(study, inputs: [input]) }
            == "the output folder \(study.path) holds the input study.yaml; a run replaces its output folder as a whole — give a new folder, e.g. out/ inside it")
        #expect(message { try OutputFolder(base, inputs: [input]) }
            == "the output folder \(base.path) holds the input study.yaml (in \(study.resolvingSymlinksInPath().path)); a run replaces its output folder as a whole — give a folder that holds no input, e.g. a new out/ beside the study file")
        // Through a symbolic link to the study folder: the same folder, refused.
        let link = base.appendingPathComponent("link")
        try FileManager.default.createSymbolicLink(at: link, withDestinationURL: study)
        #expect(message { try OutputFolder(link, inputs: [input]) }.contains("holds the input study.yaml"))
        // out/ beside the study file (new, then again over the first run).
        for text in ["1\n", "2\n"] {
            var folder = try OutputFolder(study.appendingPathComponent("out"), inputs: [input])
            try folder.write("a.csv", text: text)
            try folder.commit()
            #expect(try String(contentsOf: study.appendingPathComponent("out/a.csv"), encoding: .utf8) == text)
        }
        #expect(try String(contentsOf: input, encoding: .utf8) == "study: {}\n")
    }

    /// A folder whose parent cannot be written (so it cannot be renamed) is staged inside itself
    /// and published file by file; the user's own files stay, old outputs not rewritten go. Only
    /// testable when not root (root may write anywhere); the mount-point case was checked by hand
    /// with `unshare -m` and a tmpfs (see the issue-14 report).
    @Test func aFolderThatCannotBeRenamedIsPublishedFileByFile() throws {
        defer {
            _ = chmod(base.path, 0o755)
            try? FileManager.default.removeItem(at: base)
        }
        guard getuid() != 0 else { return }
        let out = base.appendingPathComponent("fixed")
        var first = try OutputFolder(out, inputs: [input])
        try first.write("old.csv", text: "old\n")
        try first.commit()
        try Data("mine\n".utf8).write(to: out.appendingPathComponent("notes.txt"))
        #expect(chmod(base.path, 0o555) == 0)
        var second = try OutputFolder(out, inputs: [input])
        try second.write("new.csv", text: "new\n")
        try second.commit()
        let names = try FileManager.default.contentsOfDirectory(atPath: out.path).sorted()
        #expect(names == [".careatlas-manifest", "new.csv", "notes.txt"])
    }
}
