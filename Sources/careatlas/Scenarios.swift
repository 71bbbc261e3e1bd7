import ArgumentParser
import CareAtlas
import CarePrivacy
import CareExport
import CareFormats
import Foundation

struct Scenarios: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Staged target-region plans: stage tables, plan comparison, budget frontier with its knee and path, liaison lists.",
        discussion: "Plans come from the study's scenarios: section (see geodata/README.md). Writes CSV tables and stage_regions.geojson.")

    @OptionGroup var common: CommonOptions
    @OptionGroup var output: OutputOptions

    @Argument(help: "The study file (YAML).")
    var study: String

    func validate() throws { try validateInputFile(study, what: "study file") }

    func run() throws {
        let terminal = Terminal(quiet: common.quiet)
        let run = try studyRun(study, policy: output.policy, terminal: terminal)
        let model = run.model
        let analysis = try runAnalysis { try run.analyses.scenarioAnalysis() }
        let disclosure = run.disclosure
        var folder = try output.folder(inputs: model.inputFiles)
        try ScenarioExport.write(model: model, analysis: analysis, disclosure: disclosure, excel: output.excel, to: &folder)
        if !common.json { print(analysis.text(disclosure: disclosure), terminator: "") }
        try folder.commit()
        if common.json { print(analysis.json(total: model.totalPatients, disclosure: disclosure, study: study, folder: folder)) }
        terminal.progress("wrote \(folder.written.count) files to \(folder.url.path)")
    }
}
