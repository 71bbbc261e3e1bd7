import ArgumentParser
import CareAtlas
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

    func validate() throws {
        try validateInputFile(study, what: "study file")
        guard withinKm > 0 else { throw ValidationError("--within-km must be a positive distance, got \(withinKm)") }
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
        options.gaps = AccessGaps.Settings(need: need, requiredKinds: requiredKinds, withinKm: withinKm)
        options.policy = output.policy
        let run = try studyRun(study, options: options, terminal: terminal)
        let model = run.model, policy = run.policy, disclosure = run.disclosure
        let access = try runAnalysis { try run.access?.get() }
        let gaps = try runAnalysis { try run.gaps?.get() }
        guard let access, let gaps else { return }
        var folder = try output.folder(inputs: model.inputFiles)
        try AccessExport.write(model: model, access: access, policy: policy, excel: output.excel, to: &folder)
        try AccessExport.write(model: model, gaps: gaps, disclosure: disclosure, excel: output.excel, to: &folder)
        let areaCount = model.areas[studyOptions.level]?.count ?? 0
        if !common.json {
            print("gaps: \(gaps.gaps.count) of \(areaCount) \(studyOptions.level.rawValue) areas")
            for (k, g) in gaps.gaps.prefix(10).enumerated() {
                print("\(k + 1). \(g.areaID) \(g.name): \(g.reasons.joined(separator: "; "))")
            }
            if !gaps.noData.isEmpty {
                print("no data: \(gaps.noData.count) of \(areaCount) \(studyOptions.level.rawValue) areas cannot be judged (neither gap nor no gap)")
                for d in gaps.noData.prefix(10) { print("- \(d.areaID) \(d.name): \(d.reasons.joined(separator: "; "))") }
            }
        }
        try folder.commit()
        if common.json {
            // Need in patients is a patient count: shown through the policy like every count.
            func needValue(_ v: Double?, area: String? = nil) -> JSONValue {
                guard let v else { return .null }
                guard need == .patients else { return jsonNumber(v) }
                let count = Int(v.rounded())
                return .string(area.map { disclosure.level == studyOptions.level ? disclosure.label($0, count) : policy.label(count) } ?? policy.label(count))
            }
            let list: [JSONValue] = gaps.gaps.enumerated().map { k, g in
                .object(["rank": .number(Double(k + 1)), "area_code": .string(g.areaID), "area_name": .string(g.name),
                         "need": needValue(g.need, area: g.areaID), "access": jsonNumber(g.access), "access_percentile": jsonNumber(g.accessPercentile),
                         "nearest_km": .object(JSONObject(uniqueKeysWithValues: g.nearestKm.sorted { $0.key < $1.key }.map { ($0.key, jsonNumber($0.value)) })),
                         "rules": .array(g.rules.map { .string($0.rawValue) }), "reasons": .array(g.reasons.map(JSONValue.string))])
            }
            print(commandJSON("gaps", study: study, policy: policy, folder: folder, [
                "level": .string(studyOptions.level.rawValue), "need": .string(need.rawValue), "areas": .number(Double(areaCount)),
                "low_quintile_cut": jsonNumber(gaps.lowQuintileCut), "median_need": needValue(gaps.medianNeed),
                "within_km": .number(withinKm), "gap_count": .number(Double(gaps.gaps.count)), "gaps": .array(list),
                "no_data_count": .number(Double(gaps.noData.count)),
                "no_data": .array(gaps.noData.map { d in
                    .object(["area_code": .string(d.areaID), "area_name": .string(d.name), "need": .null, "access": .null,
                             "reasons": .array(d.reasons.map(JSONValue.string))])
                }),
            ]))
        }
        terminal.progress("wrote \(folder.written.count) files to \(folder.url.path)")
    }
}

extension AccessGaps.Need: ExpressibleByArgument {}
