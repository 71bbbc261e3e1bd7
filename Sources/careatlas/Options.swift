import ArgumentParser
import CareAtlas
import CarePrivacy
import CareExport
import CareFormats
import CareGeometry
import Foundation

/// Options every subcommand shares.
struct CommonOptions: ParsableArguments {
    @Flag(name: .long, help: "Print machine-readable JSON on stdout instead of text.")
    var json = false

    @Flag(name: [.short, .long], help: "No progress messages on stderr.")
    var quiet = false
}

/// Progress and diagnostics on stderr; progress only when stderr is a terminal, so that piped and
/// logged runs carry results only (the library's ``ProgressReporter``).
struct Terminal {
    let reporter: ProgressReporter

    init(quiet: Bool) {
        reporter = .standardError(quiet: quiet)
    }

    var showProgress: Bool { reporter.isEnabled }

    func progress(_ message: String) { reporter(message) }

    static func error(_ message: String) {
        FileHandle.standardError.write(Data("\(message)\n".utf8))
    }

    /// A progress callback for library code.
    var callback: StudyLoader.Progress { reporter.callback }
}

/// Loads a study, printing its diagnostics on stderr; exits 1 when it has errors.
func loadStudy(_ path: String, terminal: Terminal) throws -> StudyModel {
    do {
        return try StudyLoader.load(URL(fileURLWithPath: path), progress: terminal.callback)
    } catch let error as StudyLoadError {
        Terminal.error(error.description)
        throw ExitCode.failure
    }
}

/// Loads a study and makes its one run (every analysis the options configure, one disclosure
/// decision under `policy`, nil: the study's); load problems and analysis errors go to stderr with
/// exit 1.
func studyRun(_ path: String, options: StudyRun.Options = .init(), policy: SmallCellPolicy?, terminal: Terminal) throws -> StudyRun {
    let model = try loadStudy(path, terminal: terminal)
    return try runAnalysis { try StudyRun.compute(model, options: options, policy: policy, progress: terminal.callback) }
}

/// Why a command's own analysis is not available when the study lacks data that its default
/// settings need (``AnalysisError/isMissingData``); nil when it is available or failed for another
/// reason (a wrong option or input, which stays an error with exit 1).
func missingDataReason<T>(_ analysis: Availability<T>?) -> String? {
    guard case let .unavailable(reason, error)? = analysis, error.isMissingData else { return nil }
    return reason
}

/// A path argument that must name an existing regular file.
func validateInputFile(_ path: String, what: String) throws {
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
        throw ValidationError("\(what) \(path) does not exist")
    }
    guard !isDirectory.boolValue else {
        throw ValidationError("\(what) \(path) is a directory; give a file")
    }
}

/// Options of commands that write an output folder.
struct OutputOptions: ParsableArguments {
    @Option(name: .long, help: "Output folder (created when absent; must not be an input folder).")
    var out: String

    @Flag(name: .long, help: "Write CSV for Excel: UTF-8 with a byte-order mark and CRLF line ends.")
    var excel = false

    @Flag(name: .long, help: "Show counts below the study's minimum cell size (internal use; outputs are marked).")
    var noSuppression = false

    /// The run's policy: nil (the study's min_cell) unless --no-suppression.
    var policy: SmallCellPolicy? { noSuppression ? SmallCellPolicy.none : nil }

    func folder(inputs: [URL]) throws -> OutputFolder {
        do { return try OutputFolder(path: out, inputs: inputs) } catch {
            Terminal.error("error: \(error)")
            throw ExitCode.failure
        }
    }
}

extension AreaLevel: ExpressibleByArgument {}
extension HuffDecay: ExpressibleByArgument {}

/// Runs an analysis, turning its errors into a clear message and exit 1.
func runAnalysis<T>(_ body: () throws -> T) throws -> T {
    do { return try body() } catch let error as AnalysisError {
        Terminal.error("error: \(error)")
        throw ExitCode.failure
    }
}

func parseList(_ text: String) throws -> [String] {
    text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
}

func parseNumberList(_ text: String) throws -> [Double] {
    try parseList(text).map {
        guard let v = Double($0) else { throw ValidationError("\"\($0)\" is not a number") }
        return v
    }
}

/// Warns on stderr when point positions all look like longitude/latitude degrees while a distance
/// option is in metres (more than 360): the points were probably not projected.
func warnIfLonLat(_ positions: [Coordinate], distance: Double, option: String) {
    guard distance > 360, !positions.isEmpty, positions.allSatisfy({ abs($0.x) <= 180 && abs($0.y) <= 90 }) else { return }
    Terminal.error(
        "warning: the positions look like longitude/latitude degrees but \(option) is \(formatOption(distance)) metres; give --crs EPSG:4326 (or the data's CRS) to project them")
}
