import ArgumentParser
import CareAtlas
import CareExport
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
        let model = try loadStudy(study, terminal: terminal)
        let policy = output.policy(model)
        let analysis = try runAnalysis { try ScenarioAnalysis.run(model, progress: terminal.progress) }
        // Suppression decided with the patient-share catchments too, so that catchment and scenario
        // outputs together reveal no small count.
        let shares = try? PatientShareCatchments.analyse(model, level: analysis.level)
        let disclosure = Disclosure.compute(model, level: analysis.level, shares: shares, scenarios: analysis, policy: policy)
        var folder = try output.folder(inputs: model.inputFiles)
        try ScenarioExport.write(model: model, analysis: analysis, disclosure: disclosure, excel: output.excel, to: &folder)
        print(analysis.text(disclosure: disclosure), terminator: "")
        try folder.commit()
        terminal.progress("wrote \(folder.written.count) files to \(folder.url.path)")
    }
}
