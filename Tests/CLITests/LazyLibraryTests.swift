import Foundation
import Testing
import TestSupport

/// No C library is linked: GDAL, PROJ, CBC, GEOS, Cairo and SQLite are bound at first use
/// (dlopen). A study of GeoJSON and CSV never loads GDAL, a study with a GeoPackage does, `mclp`
/// and `--help` load none of the six,
/// a study run loads CBC, and a library that cannot be loaded is an error naming the file, the
/// library and the fix. The dynamic loader's own trace (glibc's `LD_DEBUG=libs`) says which
/// libraries a run loaded.
@Suite struct LazyLibraryTests {
    static func run(_ arguments: [String], environment extra: [String: String]) throws -> CLITests.Run {
        let process = Process()
        process.executableURL = CLITests.executable
        process.arguments = arguments
        process.currentDirectoryURL = repositoryRoot
        process.environment = ProcessInfo.processInfo.environment.merging(extra) { $1 }
        // stderr to a file: LD_DEBUG's trace could fill a pipe before stdout ends.
        let errURL = FileManager.default.temporaryDirectory.appendingPathComponent("careatlas-lazy-\(getpid())-\(UUID().uuidString.prefix(8)).err")
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: errURL) }
        let err = try FileHandle(forWritingTo: errURL)
        let out = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        try err.close()
        return CLITests.Run(status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
                            stderr: String(decoding: try Data(contentsOf: errURL), as: UTF8.self))
    }

    /// The demo study with its wards read from a GeoPackage (`wards.gpkg`, a copy of the demo
    /// report's GeoPackage: what matters here is that GDAL must open it).
    static func studyWithAGeoPackage() throws -> (folder: URL, study: String) {
        let demo = repositoryRoot.appendingPathComponent("geodata/demo")
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("careatlas-lazy-\(getpid())-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        for f in try FileManager.default.contentsOfDirectory(atPath: demo.path) where !f.hasSuffix(".pbf") {
            try FileManager.default.copyItem(at: demo.appendingPathComponent(f), to: dir.appendingPathComponent(f))
        }
        try FileManager.default.copyItem(
            at: repositoryRoot.appendingPathComponent("reports/demo/careatlas.gpkg"), to: dir.appendingPathComponent("wards.gpkg"))
        let study = dir.appendingPathComponent("study.yaml")
        let text = try String(contentsOf: study, encoding: .utf8)
        #expect(text.contains("file: wards.geojson"))
        try text.replacingOccurrences(of: "file: wards.geojson", with: "file: wards.gpkg").write(to: study, atomically: true, encoding: .utf8)
        return (dir, study.path)
    }

    @Test func aStudyWithoutGDALFormatsNeverLoadsGDAL() throws {
        let r = try Self.run(["validate", "geodata/demo/study.yaml"], environment: ["LD_DEBUG": "libs"])
        #expect(r.status == 0)
        #expect(r.stderr.contains("libgeos_c.so"))  // the trace is there: GEOS, bound by the validation
        #expect(!r.stderr.contains("libgdal"))
    }

    @Test func aStudyWithAGeoPackageLoadsGDAL() throws {
        let (dir, study) = try Self.studyWithAGeoPackage()
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = try Self.run(["validate", study], environment: ["LD_DEBUG": "libs"])
        #expect(r.stderr.contains("libgdal.so"))
    }

    @Test func aGDALThatCannotBeLoadedIsANamedError() throws {
        let (dir, study) = try Self.studyWithAGeoPackage()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = "/nonexistent/careatlas/libgdal.so.32"
        let r = try Self.run(["validate", study], environment: ["CAREATLAS_GDAL_LIBRARY": path])
        #expect(r.status != 0)
        let text = r.stdout + r.stderr
        #expect(text.contains("wards.gpkg"))
        #expect(text.contains("the GDAL library cannot be loaded (tried \(path)): \(path): cannot open shared object file"))
        #expect(text.contains("set CAREATLAS_GDAL_LIBRARY to the path of the GDAL library, or unset it"))
    }

    /// `--help` and `mclp` on projected coordinates load none of PROJ, GDAL, CBC, GEOS, Cairo and
    /// SQLite (the MCLP solver is CareAtlas's own, its coverage plain distances).
    @Test func mclpOnProjectedInputLoadsNoCLibrary() throws {
        let help = try Self.run(["--help"], environment: ["LD_DEBUG": "libs"])
        #expect(help.status == 0)
        #expect(help.stderr.contains("libFoundation.so"))  // the trace is there: a linked library is listed
        #expect(!help.stderr.contains("libproj") && !help.stderr.contains("libgdal") && !help.stderr.contains("libCbc"))
        #expect(!help.stderr.contains("libgeos") && !help.stderr.contains("libcairo") && !help.stderr.contains("libsqlite3"))
        let folder = try MCLPCLITests.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let r = try Self.run(
            ["mclp", "--demand", folder.appendingPathComponent("demand.csv").path,
             "--candidates", folder.appendingPathComponent("candidates.csv").path,
             "--radius", "600", "--p", "2", "--out", folder.appendingPathComponent("chosen.csv").path],
            environment: ["LD_DEBUG": "libs"])
        #expect(r.status == 0)
        #expect(r.stdout.hasSuffix("covered=33 optimal=true gap=0\n"))
        #expect(r.stderr.contains("libFoundation.so"))
        #expect(!r.stderr.contains("libproj") && !r.stderr.contains("libgdal") && !r.stderr.contains("libCbc"))
        #expect(!r.stderr.contains("libgeos") && !r.stderr.contains("libcairo") && !r.stderr.contains("libsqlite3"))
    }

    /// A study run needs CBC (the staged plans, the disclosure attack): it loads it, and validating
    /// a study, which runs no analysis, does not.
    @Test func aStudyRunLoadsCBCAndValidationDoesNot() throws {
        let validate = try Self.run(["validate", "geodata/demo/study.yaml"], environment: ["LD_DEBUG": "libs"])
        #expect(validate.status == 0)
        #expect(validate.stderr.contains("libgeos_c.so") && !validate.stderr.contains("libCbcSolver"))
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("careatlas-lazy-\(getpid())-\(UUID().uuidString.prefix(8))")
        defer { try? FileManager.default.removeItem(at: folder) }
        let gaps = try Self.run(["gaps", "geodata/demo/study.yaml", "--capacity", "beds", "--out", folder.path], environment: ["LD_DEBUG": "libs"])
        #expect(gaps.status == 0)
        #expect(gaps.stderr.contains("libCbcSolver.so"))
    }

    /// A library a command needs that cannot be loaded is an error naming the library, the file
    /// tried and the fix, and the command writes nothing: validating the demo study needs PROJ
    /// (longitude/latitude) and GEOS (its areas); its report needs CBC (bound at the run's start:
    /// the run must not go on with the staged plans left out and the disclosure decided without its
    /// attacker), Cairo (maps) and SQLite (the GeoPackage).
    @Test(arguments: [
        ("PROJ", "libproj.so.25", "validate"), ("GEOS", "libgeos_c.so.1", "validate"), ("CBC", "libCbcSolver.so.3", "report"),
        ("Cairo", "libcairo.so.2", "report"), ("SQLite", "libsqlite3.so.0", "report"),
    ])
    func aLibraryThatCannotBeLoadedIsANamedError(library: String, file: String, command: String) throws {
        let path = "/nonexistent/careatlas/\(file)"
        let variable = "CAREATLAS_\(library.uppercased())_LIBRARY"
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("careatlas-lazy-\(getpid())-\(UUID().uuidString.prefix(8))")
        defer { try? FileManager.default.removeItem(at: folder) }
        let arguments = command == "report" ? ["report", "geodata/demo/study.yaml", "--out", folder.path] : [command, "geodata/demo/study.yaml"]
        let r = try Self.run(arguments, environment: [variable: path])
        #expect(r.status != 0)
        let text = r.stdout + r.stderr
        #expect(text.contains("the \(library) library cannot be loaded (tried \(path)): \(path): cannot open shared object file"))
        #expect(text.contains("set \(variable) to the path of the \(library) library, or unset it"))
        #expect(!FileManager.default.fileExists(atPath: folder.path))
        // Said once, not once per feature or row that needed it.
        #expect(text.components(separatedBy: "the \(library) library cannot be loaded").count == 2)
    }
}
