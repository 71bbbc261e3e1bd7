import ArgumentParser
import CareAtlas
import CarePrivacy
import CareExport
import CareFormats
import CarePoints
import Foundation

struct Gaps: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Areas where access to care is poor relative to need, with the reasons, most severe first.",
        discussion: """
            An area is a gap when its floating-catchment access score is in the lowest quintile while its
            need is above the median, when no supply is within the catchment threshold, or when the nearest
            institution of a required kind is farther than --within-km (default 16 km, the 往診/訪問診療
            distance limit). Writes gaps.csv, gaps.geojson, access_scores.csv and access_areas.geojson.
            The access method defaults to 2sfca with a 5,000 m threshold.
            """)

    @OptionGroup var common: CommonOptions
    @OptionGroup var output: OutputOptions
    @OptionGroup var fca: FloatingCatchmentOptions
    @OptionGroup var studyOptions: StudyAccessOptions

    @Argument(help: "The study file (YAML).")
    var study: String

    @Option(help: "Need measure: aged65 or patients.")
    var need: AccessGaps.Need = .aged65

    @Option(name: .customLong("required-kinds"), help: "Kinds whose absence within --within-km makes a gap, comma-separated (default: the supply kinds).",
            transform: parseList)
    var requiredKinds: [String] = []

    @Option(name: .customLong("within-km"), help: "Distance limit for the required kinds, km.")
    var withinKm: Double = AccessGaps.Settings.defaultWithinKm

    @Option(name: .customLong("within-minutes"),
            help: "Time limit for the required kinds, minutes (studies with cost: network or table; default 20).")
    var withinMinutes: Double?

    func validate() throws {
        try validateInputFile(study, what: "study file")
        guard withinKm > 0 else { throw ValidationError("--within-km must be a positive distance, got \(withinKm)") }
        if let withinMinutes, !(withinMinutes > 0 && withinMinutes.isFinite) {
            throw ValidationError("--within-minutes must be a positive number of minutes, got \(withinMinutes)")
        }
        let d = FloatingCatchmentSettings.gapDefaults
        _ = try fca.model(defaultMethod: d.method, defaultThreshold: d.threshold)
    }

    func run() throws {
        let terminal = Terminal(quiet: common.quiet)
        let d = FloatingCatchmentSettings.gapDefaults
        var options = StudyRun.Options()
        options.level = studyOptions.level
        options.access = studyOptions.settings(method: try fca.model(defaultMethod: d.method, defaultThreshold: d.threshold),
                                               detourFactor: 1, normalize: fca.normalize)
        var settings = AccessGaps.Settings(need: need, requiredKinds: requiredKinds, withinKm: withinKm)
        settings.withinMinutes = withinMinutes
        options.gaps = settings
        let run = try studyRun(study, options: options, policy: output.policy, terminal: terminal)
        let model = run.model, policy = run.policy, disclosure = run.disclosure
        // The study lacks the 65+ population the default demand measure needs: no gaps to find, said so.
        if studyOptions.demandMeasure == nil, let reason = missingDataReason(run.gaps) {
            var folder = try output.folder(inputs: model.inputFiles)
            try NotAvailable.write("gaps", reason: reason, excel: output.excel, to: &folder)
            try folder.commit()
            print(common.json ? NotAvailable.json("gaps", reason: reason, study: study, policy: policy, folder: folder)
                : NotAvailable.text("gaps", reason: reason))
            return
        }
        let access = try runAnalysis { try run.access?.get() }
        let gaps = try runAnalysis { try run.gaps?.get() }
        guard let access, let gaps else { return }
        var folder = try output.folder(inputs: model.inputFiles)
        try AccessExport.write(model: model, access: access, policy: policy, excel: output.excel, to: &folder)
        try AccessExport.write(model: model, gaps: gaps, disclosure: disclosure, excel: output.excel, to: &folder)
        let level = studyOptions.level, areaCount = model.areas[level]?.count ?? 0
        if !common.json { print(GapsReport.text(gaps, level: level, areaCount: areaCount), terminator: "") }
        try folder.commit()
        if common.json {
            print(GapsReport.json(gaps, settings: settings, level: level, areaCount: areaCount, disclosure: disclosure, study: study, folder: folder,
                                  cost: run.costs?.spec.kindName))
        }
        terminal.progress("wrote \(folder.written.count) files to \(folder.url.path)")
    }
}

extension AccessGaps.Need: ExpressibleByArgument {}
