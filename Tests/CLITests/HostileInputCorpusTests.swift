import Foundation
import Testing
import TestSupport

/// The second bad-input corpus (issue 14: hostile and unusual input), made by
/// Tests/CareAtlasTests/Fixtures/make_hostile_inputs.py. Each case is the demo study with the case's
/// files laid over it, run through the built `careatlas` with the case's `args` in a fresh copy;
/// `expected.txt` holds the exit code, stderr and stdout (all of it for `validate`, the note,
/// warning and error lines for the other commands). No case may end by a signal.
/// CAREATLAS_REGENERATE=1 rewrites the expected files (review the git diff).
@Suite struct HostileInputCorpusTests {
    static let corpus = repositoryRoot.appendingPathComponent("Tests/CareAtlasTests/Fixtures/hostile")
    static let cases: [String] = ((try? FileManager.default.contentsOfDirectory(atPath: corpus.path)) ?? []).sorted()
    static let regenerate = ProcessInfo.processInfo.environment["CAREATLAS_REGENERATE"] == "1"

    @Test func corpusHasAtLeastFortyCases() {
        #expect(Self.cases.count >= 40)
    }

    /// A copy of the demo study in a fresh temporary folder with `overlay`'s files laid over it.
    static func studyCopy(overlay: URL?) throws -> URL {
        let fm = FileManager.default
        let folder = fm.temporaryDirectory.appendingPathComponent("careatlas-hostile-\(UUID().uuidString)")
        try fm.createDirectory(at: folder, withIntermediateDirectories: true)
        let demo = repositoryRoot.appendingPathComponent("geodata/demo")
        for name in try fm.contentsOfDirectory(atPath: demo.path) where !name.hasSuffix(".py") {
            try fm.copyItem(at: demo.appendingPathComponent(name), to: folder.appendingPathComponent(name))
        }
        guard let overlay else { return folder }
        for name in try fm.contentsOfDirectory(atPath: overlay.path) where name != "args" && name != "expected.txt" {
            let source = overlay.appendingPathComponent(name), destination = folder.appendingPathComponent(name)
            try? fm.removeItem(at: destination)
            if let link = try? fm.destinationOfSymbolicLink(atPath: source.path) {
                try fm.createSymbolicLink(atPath: destination.path, withDestinationPath: link)
            } else {
                try fm.copyItem(at: source, to: destination)
            }
        }
        return folder
    }

    struct Outcome {
        let text: String
        let signalled: Bool
    }

    /// Runs careatlas with `arguments` in `folder`; the report as expected.txt holds it.
    static func run(_ arguments: [String], in folder: URL) throws -> Outcome {
        let process = Process()
        process.executableURL = CLITests.executable
        process.arguments = arguments
        process.currentDirectoryURL = folder
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        // Read both pipes while the process runs (a full pipe would block it).
        nonisolated(unsafe) var stderrData = Data()
        let reader = Thread { stderrData = err.fileHandleForReading.readDataToEndOfFile() }
        reader.start()
        let stdoutData = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        while !reader.isFinished { usleep(1000) }
        let stdout = String(decoding: stdoutData, as: UTF8.self)
        let stderr = String(decoding: stderrData, as: UTF8.self)
        let shownOut = arguments.first == "validate"
            ? stdout
            : stdout.split(separator: "\n", omittingEmptySubsequences: false)
                .filter { $0.contains("note:") || $0.contains("warning:") || $0.contains("error:") }
                .map { $0 + "\n" }.joined()
        let signalled = process.terminationReason == .uncaughtSignal
        var text = "$ careatlas " + arguments.map { $0.isEmpty ? "\"\"" : $0 }.joined(separator: " ") + "\n"
        text += signalled ? "signal \(process.terminationStatus)\n" : "exit \(process.terminationStatus)\n"
        text += "--- stderr\n" + stderr + "--- stdout\n" + shownOut
        var shown = text
        for path in [folder.path, folder.resolvingSymlinksInPath().path] {
            shown = shown.replacingOccurrences(of: path, with: "$CASE")
                .replacingOccurrences(of: "folder " + (path as NSString).deletingLastPathComponent + " ", with: "folder $CASE/.. ")
        }
        return Outcome(text: shown, signalled: signalled)
    }

    @Test(arguments: cases)
    func caseMatchesExpected(_ name: String) throws {
        let overlay = Self.corpus.appendingPathComponent(name)
        let arguments = try String(contentsOf: overlay.appendingPathComponent("args"), encoding: .utf8)
            .split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init)
        let folder = try Self.studyCopy(overlay: overlay)
        defer { try? FileManager.default.removeItem(at: folder) }
        let outcome = try Self.run(arguments, in: folder)
        #expect(!outcome.signalled, "case \(name) ended by a signal:\n\(outcome.text)")
        let expectedURL = overlay.appendingPathComponent("expected.txt")
        if Self.regenerate {
            try outcome.text.write(to: expectedURL, atomically: true, encoding: .utf8)
            return
        }
        #expect(outcome.text == (try String(contentsOf: expectedURL, encoding: .utf8)), "case \(name)")
        // Cases named ok_… exit 0; the others exit non-zero with a message on stderr or stdout.
        if name.hasPrefix("ok_") {
            #expect(outcome.text.contains("\nexit 0\n"), "case \(name)")
        } else {
            #expect(!outcome.text.contains("\nexit 0\n") && outcome.text.contains("error"), "case \(name)")
        }
    }

    /// An area feature above the vertex budget (250,000): refused with its file and feature, fast
    /// (made at test time: 5 MB is too much to commit).
    @Test func anAreaAboveTheVertexBudgetIsRefusedWithItsFeature() throws {
        let folder = try Self.studyCopy(overlay: nil)
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("wards.geojson")
        var text = try String(contentsOf: url, encoding: .utf8)
        // Ward 99105 is the square (2000,2000)–(4000,4000): its bottom edge gets 250,000 points.
        let bottom = (0..<250_000).map { "[\(2000 + Double($0) * 2000 / 250_000),2000]" }.joined(separator: ",")
        let square = "[[2000,2000],[4000,2000],[4000,4000],[2000,4000],[2000,2000]]"
        #expect(text.contains(square))
        text = text.replacingOccurrences(of: square, with: "[\(bottom),[4000,2000],[4000,4000],[2000,4000],[2000,2000]]")
        try Data(text.utf8).write(to: url)
        let started = ContinuousClock.now
        let outcome = try Self.run(["validate", "study.yaml"], in: folder)
        #expect(ContinuousClock.now - started < .seconds(60))
        #expect(outcome.text.contains("\nexit 1\n"))
        #expect(outcome.text.contains("error: wards.geojson, feature 4: area 99105 松区 has 250,004 vertices, more than 250,000 (the limit for one area) — simplify the boundary first"), "\(outcome.text)")
    }
}
