import Foundation
import Testing
import TestSupport

/// Progress on stderr (issue 14): shown only when stderr is a terminal, silenced by --quiet, never
/// on stdout. The terminal is a pseudo-terminal from util-linux `script`.
@Suite struct ProgressCLITests {
    static let study = repositoryRoot.appendingPathComponent("geodata/demo/study.yaml").path

    static func temporaryFolder() -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("careatlas-progress-\(UUID().uuidString)")
    }

    /// Runs `careatlas arguments` with stdout to /dev/null and stderr on a pseudo-terminal; returns what the terminal showed.
    static func onTerminal(_ arguments: [String]) throws -> (status: Int32, shown: String) {
        let quoted = ([CLITests.executable.path] + arguments).map { "'" + $0.replacingOccurrences(of: "'", with: "'\\''") + "'" }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/script")
        process.arguments = ["-q", "-e", "-c", quoted.joined(separator: " ") + " >/dev/null", "/dev/null"]
        let out = Pipe()
        process.standardOutput = out
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self).replacingOccurrences(of: "\r\n", with: "\n"))
    }

    @Test func withStderrNotATerminalNothingIsPrinted() throws {
        let out = Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: out) }
        let r = try CLITests.run(["scenarios", Self.study, "--out", out.path])
        #expect(r.status == 0)
        #expect(r.stderr == "")
        #expect(!r.stdout.contains("careatlas: "))
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/script")))
    func onATerminalLongStepsShowProgressAndQuietSilencesIt() throws {
        let out = Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: out) }
        let shown = try Self.onTerminal(["scenarios", Self.study, "--out", out.path])
        #expect(shown.status == 0)
        let lines = shown.shown.split(separator: "\n").map(String.init)
        #expect(lines.allSatisfy { $0.hasPrefix("careatlas: ") }, "\(shown.shown)")
        // The plans run on another thread: their lines interleave with the others', so check membership.
        for line in ["careatlas: reading wards.geojson…", "careatlas: computing adjacency…", "careatlas: frontier up to 9…",
                     "careatlas: deciding what to suppress…", "careatlas: disclosure: published total 0 of 31 (0 %)…",
                     "careatlas: disclosure: published total 31 of 31 (100 %)…"] {
            #expect(lines.contains(line), "\(line) missing from:\n\(shown.shown)")
        }
        #expect(lines.last?.hasPrefix("careatlas: wrote ") == true, "\(shown.shown)")
        let quiet = try Self.onTerminal(["scenarios", Self.study, "--out", out.path, "--quiet"])
        #expect(quiet.status == 0)
        #expect(quiet.shown == "")
    }
}
