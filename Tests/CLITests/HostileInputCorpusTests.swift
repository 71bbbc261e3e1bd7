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
            #expect(!outcome.text.contains("\nexit 0\n") && outcome.text.lowercased().contains("error"), "case \(name)")
        }
    }

    /// Paths are bytes on Linux: a study folder and an output folder named in CP932 (研究 = 8C A4 8B 86,
    /// 結果 = 8C 8B 89 CA) work; a new output folder with such a name is refused with the reason
    /// (its name cannot be written from Unicode), and no folder of U+FFFD characters appears.
    /// Run through sh, because Process passes arguments as UTF-8.
    @Test func cp932FolderNamesWorkForInputsAndOutputs() throws {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("careatlas-cp932-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: base, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: base) }
        let script = #"""
            set -u
            study="$(printf '%s/\214\244\213\206' "$1")"; result="$(printf '%s/\214\213\211\312' "$1")"
            cp -r "$2" "$study" && rm -f "$study/make_demo.py"
            "$0" validate "$study/study.yaml" >/dev/null; echo "validate $?"
            "$0" catchment "$study/study.yaml" --out "$study/out" >/dev/null; echo "catchment into the study folder $?"
            "$0" catchment "$study/study.yaml" --out "$result" >/dev/null 2>"$1/err"; echo "catchment into a new CP932 folder $?"
            sed "s|$1|BASE|" "$1/err"
            mkdir "$result"; "$0" catchment "$study/study.yaml" --out "$result" >/dev/null; echo "catchment into an existing CP932 folder $?"
            ls "$result" | grep -c csv; ls "$study/out" | grep -c csv
            ls "$1" | LC_ALL=C grep -c "$(printf '\357\277\275')" || true
            """#
        let text = try Self.shell(script, base: base)
        #expect(text == """
            validate 0
            catchment into the study folder 0
            catchment into a new CP932 folder 1
            error: the output folder BASE/\u{FFFD}\u{FFFD}\u{FFFD}\u{FFFD} does not exist and its name is not UTF-8 (e.g. CP932), so it cannot be created under that name — create the folder first (mkdir), then run again, or give a UTF-8 name
            catchment into an existing CP932 folder 0
            11
            11
            0

            """, "\(text)")
    }

    /// Runs `script` with sh: $0 is careatlas, $1 the folder `base`, $2 the demo study's folder; returns its stdout.
    /// (Through sh, because Process passes arguments as UTF-8.)
    static func shell(_ script: String, base: URL) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", script, CLITests.executable.path, base.path, repositoryRoot.appendingPathComponent("geodata/demo").path]
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return text
    }

    /// Paths are bytes for GDAL-read inputs too: a study in a CP932-named folder (研究) whose wards
    /// are a GeoPackage and whose ward population is an .xlsx workbook (read through GDAL) loads and
    /// runs like the GeoJSON/CSV demo (the same 11 CSV tables). Skipped without GDAL's ogr2ogr.
    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/ogr2ogr")))
    func cp932FolderWithGeoPackageAndWorkbookInputs() throws {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("careatlas-cp932-gdal-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: base, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: base) }
        let script = #"""
            set -u
            study="$(printf '%s/\214\244\213\206' "$1")"
            cp -r "$2" "$study" && rm -f "$study/make_demo.py"
            ogr2ogr -f GPKG -nln wards "$study/wards.gpkg" "$study/wards.geojson" && rm "$study/wards.geojson"
            ogr2ogr -f XLSX "$study/population_wards.xlsx" "$study/population_wards.csv" -oo AUTODETECT_TYPE=NO && rm "$study/population_wards.csv"
            sed -i -e 's|    file: wards.geojson|    file: wards.gpkg\n    layer: wards|' \
                -e 's|  - file: population_wards.csv|  - file: population_wards.xlsx\n    sheet: population_wards\n    header_row: 1|' "$study/study.yaml"
            "$0" validate "$study/study.yaml" >"$1/validate.txt"; echo "validate $?"
            grep -c "wards.gpkg\|population_wards.xlsx" "$study/study.yaml"
            "$0" catchment "$study/study.yaml" --out "$study/out" >/dev/null; echo "catchment $?"
            ls "$study/out" | grep -c csv
            """#
        let text = try Self.shell(script, base: base)
        let validate = (try? String(contentsOf: base.appendingPathComponent("validate.txt"), encoding: .utf8)) ?? ""
        #expect(text == "validate 0\n2\ncatchment 0\n11\n", "\(text)\n\(validate)")
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
