import ArgumentParser
import CareAtlas
import CarePrivacy
import CareExport
import CareMaps
import Foundation

struct Report: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "The meeting report: one self-contained HTML file and its PDF twin, with maps, tables and layers.",
        discussion: """
            Runs every analysis with the study's settings and writes report.html (inline SVG maps, the stage
            comparison, tables, methods with formulas, data credits), report.pdf, the tables as CSV and
            Markdown, the GeoJSON layers and careatlas.gpkg (see reports/README.md). The report date is the
            study's report_date (or --date), never the clock, so reruns are byte-identical.
            """)

    @OptionGroup var common: CommonOptions
    @OptionGroup var output: OutputOptions

    @Argument(help: "The study file (YAML).")
    var study: String

    @Option(help: "The date printed on the report, YYYY-MM-DD (default: the study's report_date).")
    var date: String?

    @Option(help: "Language of the maps' texts and labels: ja or en.")
    var lang: MapLanguage = .ja

    @Option(help: "The part of the study the maps show: decision (default: the first plan's stages with an overview inset), all, area codes or names, a group or stage name, or bbox:LON0,LAT0,LON1,LAT1.")
    var extent: String = "decision"

    func validate() throws {
        try validateInputFile(study, what: "study file")
        if let date, let problem = InputRanges.dateProblem(date) {
            throw ValidationError("--date \(problem); write YYYY-MM-DD, e.g. 2026-04-01")
        }
    }

    func run() throws {
        let terminal = Terminal(quiet: common.quiet)
        var options = StudyRun.Options()
        options.driveTimes = true
        let model = try loadStudy(study, terminal: terminal)
        // The disclosure is decided while the report's preparation runs beside it.
        let (run, preparation) = try runAnalysis {
            try ReportWriter.studyRun(model, options: options, policy: output.policy, progress: terminal.callback)
        }
        let results = try runAnalysis { try run.results() }
        var folder = try output.folder(inputs: run.model.inputFiles)
        terminal.progress("writing the report")
        do {
            try ReportWriter.write(results, preparation: preparation, options: .init(excel: output.excel, language: lang, date: date, extent: extent, progress: terminal.callback), to: &folder)
        } catch let error as MapRenderError {
            Terminal.error("error: \(error)")
            throw ExitCode.failure
        }
        try folder.commit()
        print("report: \(folder.url.appendingPathComponent("report.html").path)")
        terminal.progress("wrote \(folder.written.count) files to \(folder.url.path)")
    }
}
