import ArgumentParser
import CareAtlas
import CareFormats
import Foundation

struct Validate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Load a study and list every problem found in its inputs (exit 1 when there are errors).")

    @OptionGroup var common: CommonOptions

    @Argument(help: "The study file (YAML).")
    var study: String

    func validate() throws { try validateInputFile(study, what: "study file") }

    func run() throws {
        let terminal = Terminal(quiet: common.quiet)
        let diagnostics: [Diagnostic]
        var failed = false
        do {
            diagnostics = try StudyLoader.load(URL(fileURLWithPath: study), progress: terminal.callback).diagnostics
        } catch let error as StudyLoadError {
            diagnostics = error.diagnostics
            failed = true
        }
        print(common.json ? ValidationReport.json(diagnostics) : ValidationReport.text(diagnostics), terminator: "")
        if failed { throw ExitCode.failure }
    }
}
