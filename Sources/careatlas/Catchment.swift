import ArgumentParser
import CareAtlas
import CarePrivacy
import CareExport
import CareFormats
import Foundation

struct Catchment: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Patient-share catchments, penetration, distance rings, nearest-institution cells and distances.",
        discussion: "Writes CSV tables and GeoJSON layers into the output folder (see geodata/README.md, Outputs).")

    @OptionGroup var common: CommonOptions
    @OptionGroup var output: OutputOptions

    @Argument(help: "The study file (YAML).")
    var study: String

    @Option(help: "Area level of the catchments.")
    var level: AreaLevel = .municipality

    @Option(help: "Target shares of all patients, comma-separated.", transform: parseNumberList)
    var shares: [Double] = PatientShareCatchments.defaultShares

    @Option(help: "Institution kinds for rings, cells and distances, comma-separated (default: all).", transform: parseList)
    var kinds: [String] = []

    @Option(help: "Ring radii in km, comma-separated.", transform: parseNumberList)
    var radii: [Double] = [1, 2, 5, 10]

    @Option(help: "Capacity field that makes a hospital attractive in the Huff model.")
    var attractiveness = "beds"

    @Option(help: "Institution kinds that are Huff destinations, comma-separated.", transform: parseList)
    var huffKinds: [String] = ["hospital"]

    @Option(help: "Distance decay of the Huff model.")
    var decay: HuffDecay = .power

    @Flag(help: "Leave the Huff model out (no huff_fit.csv; every other output is the same).")
    var noHuff = false

    func validate() throws {
        try validateInputFile(study, what: "study file")
        for s in shares where !(s > 0 && s <= 1) { throw ValidationError("--shares: \(s) is not in (0, 1]; write e.g. 0.5,0.75,0.9") }
        for r in radii where !(r > 0) { throw ValidationError("--radii: \(r) is not a positive distance in km") }
    }

    func run() throws {
        let terminal = Terminal(quiet: common.quiet)
        var options = StudyRun.Options()
        options.level = level
        options.shares = shares
        options.distances = .init(kinds: kinds, radiiKm: radii)
        options.huff = noHuff ? nil : .init(attractiveness: attractiveness, kinds: huffKinds, decay: decay)
        options.driveTimes = true
        let run = try studyRun(study, options: options, policy: output.policy, terminal: terminal)
        let model = run.model, disclosure = run.disclosure
        let analysis = try runAnalysis { try run.shares.get() }
        let distances = try runAnalysis { try run.analyses.distanceCatchments() }
        var folder = try output.folder(inputs: model.inputFiles)
        try CatchmentExport.write(model: model, shares: analysis, distances: distances, disclosure: disclosure, excel: output.excel, to: &folder)
        try HospitalCatchmentExport.write(run: run, excel: output.excel, to: &folder)
        if let costs = run.costs { try folder.write("travel_costs.csv", DriveTimeExport.costsTable(model, costs).csv(excel: output.excel)) }
        // Optional: drive-time areas that cannot be drawn are said so (text and --json), never an exit.
        if let driveTimes = run.driveTimes?.value {
            try folder.write("drive_time_areas.csv", DriveTimeExport.areasTable(driveTimes).csv(excel: output.excel))
            try folder.write("drive_time_areas.geojson", Layers.geojson("drive_time_areas", crs: model.crs, DriveTimeExport.features(driveTimes)))
        }
        if !common.json {
            print(CatchmentReport.text(analysis, disclosure: disclosure), terminator: "")
            print(CatchmentReport.huffLine(run.huff))
            if let reason = run.driveTimes?.reason { print("drive-time areas: not available: \(reason)") }
        }
        try folder.commit()
        if common.json { print(CatchmentReport.json(run, shares: analysis, study: study, folder: folder)) }
        terminal.progress("wrote \(folder.written.count) files to \(folder.url.path)")
    }
}
