import ArgumentParser
import CareAtlas
import CareExport
import CareFormats
import Foundation

struct Validate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Load a study and list every problem found in its inputs (exit 1 when there are errors).")

    @OptionGroup var common: CommonOptions

    @Argument(help: "The study file (YAML).")
    var study: String

    @Flag(help: "Print the patient records that could not be placed (line, reason, postal code, address) to the terminal. Refused when standard error is not a terminal: addresses never go to a file or a pipe.")
    var showUnmatched = false

    func validate() throws {
        try validateInputFile(study, what: "study file")
        if showUnmatched && isatty(STDERR_FILENO) != 1 {
            throw ValidationError("--show-unmatched prints patient addresses and goes to a terminal only, but standard error is redirected; run it in a terminal without redirecting stderr")
        }
    }

    func run() throws {
        let terminal = Terminal(quiet: common.quiet)
        let diagnostics: [Diagnostic]
        var failed = false
        do {
            let model = try StudyLoader.load(URL(fileURLWithPath: study), progress: terminal.callback)
            diagnostics = model.diagnostics
            if showUnmatched {
                // Terminal only (checked in validate()): the rows' own text, for fixing them.
                for r in model.outside.unplacedRecords {
                    let fragment = [r.postalCode.flatMap { $0.isEmpty ? nil : "〒\($0)" }, r.address.flatMap { $0.isEmpty ? nil : $0 }].compactMap { $0 }.joined(separator: " ")
                    FileHandle.standardError.write(Data("line \(r.line): \(r.reason): \(fragment)\n".utf8))
                }
            }
        } catch let error as StudyLoadError {
            diagnostics = error.diagnostics
            failed = true
        }
        print(common.json ? ValidationReport.json(diagnostics) : ValidationReport.text(diagnostics), terminator: "")
        if failed { throw ExitCode.failure }
    }
}
