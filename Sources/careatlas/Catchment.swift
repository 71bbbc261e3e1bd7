import ArgumentParser
import CareAtlas
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
        options.huff = .init(attractiveness: attractiveness, kinds: huffKinds, decay: decay)
        options.policy = output.policy
        let run = try studyRun(study, options: options, terminal: terminal)
        let model = run.model, policy = run.policy, disclosure = run.disclosure
        let analysis = try runAnalysis { try run.shares.get() }
        let distances = try runAnalysis { try run.distances?.get() ?? DistanceCatchments.compute(model, kinds: kinds, radiiKm: radii, level: level) }
        var folder = try output.folder(inputs: model.inputFiles)
        try CatchmentExport.write(model: model, shares: analysis, distances: distances, disclosure: disclosure, excel: output.excel, to: &folder)
        try HospitalCatchmentExport.write(run: run, excel: output.excel, to: &folder)
        if !common.json {
            print(CatchmentReport.text(analysis, disclosure: disclosure), terminator: "")
            print(CatchmentReport.huffLine(run.huff))
        }
        try folder.commit()
        if common.json {
            var huff: JSONObject = ["fitted": .bool(run.huff?.value?.fit != nil),
                                    "problem": (run.huff?.reason ?? run.huff?.value?.fitProblem).map { .string($0) } ?? .null]
            if let fit = run.huff?.value?.fit {
                for (key, value) in [("alpha", fit.alpha), ("beta", fit.beta), ("log_likelihood", fit.logLikelihood),
                                     ("mcfadden_r2", fit.mcFaddenR2)] { huff[key] = jsonNumber(value) }
                huff["se_alpha"] = jsonNumber(fit.standardErrorAlpha)
                huff["se_beta"] = jsonNumber(fit.standardErrorBeta)
                huff["status"] = .string(fit.status.rawValue)
            }
            let catchments: [JSONValue] = zip(zip(analysis.catchments, disclosure.catchmentMask(analysis)), disclosure.catchmentWithheld(analysis)).map { ch, withheld in
                let (c, hidden) = ch
                return .object(["target_share": .number(c.targetShare), "contiguous": .bool(c.contiguous), "reached": .bool(c.reached),
                         "areas": withheld ? .null : .number(Double(c.areaIDs.count)),
                         "area_codes": withheld ? .null : .array(c.areaIDs.map(JSONValue.string)),
                         "patients": .string(policy.label(c.patients, secondary: hidden)), "share": hidden ? .null : jsonNumber(c.share)])
            }
            print(commandJSON("catchment", study: study, policy: policy, folder: folder, [
                "level": .string(level.rawValue), "total_patients": .string(policy.label(analysis.totalPatients)),
                "outside_patients": .string(policy.label(analysis.outsidePatients, secondary: disclosure.outsideHidden)), "catchments": .array(catchments),
                "huff": .object(huff),
            ]))
        }
        terminal.progress("wrote \(folder.written.count) files to \(folder.url.path)")
    }
}

/// A finite number, or null (JSON has no NaN or infinity).
func jsonNumber(_ v: Double?) -> JSONValue {
    guard let v, v.isFinite else { return .null }
    return .number(v)
}

/// The one JSON object a folder-writing command prints with `--json` (documented in geodata/README.md,
/// "Machine-readable output"): the command's own members plus `command`, `study`, `out`, `files`
/// (every file written, sorted), `min_cell` and `suppressed`.
func commandJSON(_ command: String, study: String, policy: SmallCellPolicy, folder: OutputFolder, _ members: JSONObject) -> String {
    var object = members
    object["command"] = .string(command)
    object["study"] = .string(study)
    object["out"] = .string(folder.url.path)
    object["files"] = .array(Set(folder.written).sorted().map(JSONValue.string))
    object["min_cell"] = .number(Double(policy.minCell))
    object["suppressed"] = .bool(policy.isSuppressing)
    // Every number above is finite (jsonNumber), so encoding cannot fail.
    return (try? JSONValue.object(object).jsonString()) ?? "{}"
}
