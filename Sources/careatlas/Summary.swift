import ArgumentParser
import CareAtlas
import CareExport
import CarePrivacy
import Foundation

struct Summary: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Load a study and print patient, population and institution totals per area level and per group.")

    @OptionGroup var common: CommonOptions

    @Argument(help: "The study file (YAML).")
    var study: String

    @Flag(name: .long, help: "Show counts below the study's minimum cell size (internal use; outputs are marked).")
    var noSuppression = false

    func validate() throws { try validateInputFile(study, what: "study file") }

    func run() throws {
        let run = try studyRun(study, policy: noSuppression ? SmallCellPolicy.none : nil, terminal: Terminal(quiet: common.quiet))
        let summary = StudySummary(run: run)
        print(common.json ? summary.renderJSON() : summary.renderText(), terminator: "")
    }
}
