import ArgumentParser
import CareAtlas
import CareExport
import CarePrivacy
import CareFormats
import CareMaps
import Foundation

struct Map: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Draws a meeting map of a study (choropleth, outlines, institutions, legend) as SVG, PDF or PNG.",
        discussion: """
            Metrics: patients (counts below the study's min_cell in a hatched "<10" class), \
            penetration (patients per 10,000 aged 65+), access (2SFCA score) and gaps (gap class); \
            access and gaps need scenarios: gaps: in the study file; stages colours each area by the \
            first stage of the study's first plan that holds it.

            Classes: quantile, jenks (Fisher's natural breaks) or fixed (--breaks). Pages: A4 landscape \
            (--size a4) or 1920x1080 (--size slide). The output is byte-identical on rerun; PDF dates \
            come from the study's report_date.
            """)

    enum Metric: String, ExpressibleByArgument, CaseIterable {
        case patients, penetration, access, gaps, stages
    }

    enum Classes: String, ExpressibleByArgument, CaseIterable {
        case quantile, jenks, fixed
    }

    @OptionGroup var common: CommonOptions

    @Argument(help: "The study file (YAML).")
    var study: String

    @Option(help: "What to map.")
    var metric: Metric = .patients

    @Option(help: "How to cut values into classes.")
    var classes: Classes = .quantile

    @Option(help: "Class limits for --classes fixed, comma-separated and increasing, e.g. 10,20,50.", transform: parseNumberList)
    var breaks: [Double] = []

    @Option(help: "Number of classes for quantile and jenks (1–12).")
    var k: Int = 5

    @Option(help: "Output format.")
    var format: MapFormat = .png

    @Option(help: "Page: a4 (landscape, print) or slide (1920x1080).")
    var size: MapPage = .a4

    @Option(help: "Language of texts and area labels.")
    var lang: MapLanguage = .ja

    @Option(help: "Output file.")
    var out: String

    @Flag(help: "Leave area labels out.")
    var noLabels = false

    @Option(help: ArgumentHelp(
        "The part of the study to show: decision (default: the first plan's stages, or the 50 % catchment, with an overview inset), all, area codes or names, a group or stage name (comma-separated, together), or bbox:LON0,LAT0,LON1,LAT1.",
        valueName: "extent"))
    var extent: String = "decision"

    @Option(help: "Institution kinds to draw, comma-separated (default: every kind; the anchor is always drawn).", transform: { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } })
    var kinds: [String]?

    @Flag(name: .long, help: "Show counts below the study's minimum cell size (internal use; the map is marked).")
    var noSuppression = false

    var method: ClassificationMethod {
        switch classes {
        case .quantile: return .quantile(k: k)
        case .jenks: return .naturalBreaks(k: k)
        case .fixed: return .fixed(breaks: breaks)
        }
    }

    func validate() throws {
        try validateInputFile(study, what: "study file")
        guard (1...12).contains(k) else { throw ValidationError("--k must be between 1 and 12, got \(k)") }
        if classes == .fixed {
            guard !breaks.isEmpty else { throw ValidationError("--classes fixed needs --breaks, e.g. --breaks 10,20,50") }
            guard zip(breaks, breaks.dropFirst()).allSatisfy({ $0 < $1 }) else {
                throw ValidationError("--breaks must be strictly increasing, got \(breaks.map { String($0) }.joined(separator: ","))")
            }
        } else if !breaks.isEmpty {
            throw ValidationError("--breaks applies only to --classes fixed")
        }
        let ext = URL(fileURLWithPath: out).pathExtension.lowercased()
        guard ext == format.rawValue else {
            throw ValidationError("--out \(out) does not end in .\(format.rawValue): name the file for --format \(format.rawValue)")
        }
    }

    func run() throws {
        let terminal = Terminal(quiet: common.quiet)
        let model = try loadStudy(study, terminal: terminal)
        let policy = noSuppression ? SmallCellPolicy.none : SmallCellPolicy(minCell: model.spec.minCell)
        if case .fixed(let b) = method, metric == .patients, policy.isSuppressing, let low = b.first(where: { $0 < Double(policy.minCell) }) {
            Terminal.error("error: --breaks \(low) is below the study's min_cell \(policy.minCell): patient classes must not reveal suppressed counts; start the breaks at \(policy.minCell) or above")
            throw ExitCode.failure
        }
        let results = try runAnalysis { try StudyRun.compute(model, policy: policy, progress: terminal.callback).results() }
        let data = StudyMapData(results: results)
        let bytes: Data
        do {
            // The analysis the metric draws is not available: say why (not "add settings").
            let absent = metric == .access || metric == .gaps ? results.unavailable.gaps : metric == .stages ? results.unavailable.scenarios : nil
            if let absent { throw MapRenderError("the \(metric.rawValue) map cannot be drawn: \(absent)") }
            if let kinds, let unknown = kinds.first(where: { k in !model.institutions.contains { $0.kind == k } }) {
                throw MapRenderError("--kinds \(unknown): the study has no institutions of that kind; its kinds are \(Set(model.institutions.map(\.kind)).sorted().joined(separator: ", "))")
            }
            let options = StudyMapOptions(classification: method, page: size, language: lang, showLabels: !noLabels,
                                          extent: try data.extent(named: extent), kinds: kinds)
            let map: ThematicMap
            if let studyMetric = StudyMetric(rawValue: metric.rawValue) {
                map = try StudyMaps.map(data, metric: studyMetric, options: options)
            } else if let stages = StudyMaps.stageMap(data, options: options) {
                map = stages
            } else {
                throw MapRenderError("the study has no staged plans at the \(data.level.rawValue) level: add scenarios: plans: to the study file (see geodata/README.md)")
            }
            terminal.progress("drawing")
            bytes = try MapRenderer.render(map, format: format, metadata: DocumentMetadata(title: map.title, date: model.spec.reportDate))
        } catch let error as MapRenderError {
            Terminal.error("error: \(error)")
            throw ExitCode.failure
        } catch let error as ClassificationError {
            Terminal.error("error: \(error)")
            throw ExitCode.failure
        }
        try AtomicFile.write(bytes, to: URL(fileURLWithPath: out))
        print(PointReport.map(file: out, metric: metric.rawValue, format: format.rawValue, bytes: bytes.count, json: common.json))
    }
}

extension MapFormat: ExpressibleByArgument {}
extension MapPage: ExpressibleByArgument {}
extension MapLanguage: ExpressibleByArgument {}
