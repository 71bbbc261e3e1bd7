import CareGeometry
import CareAtlas
import CarePrivacy
@testable import CareMaps
import Foundation
import Testing
import TestSupport

/// Study maps of the demo (架空市): ward patients 8, 15, 6, 30, 40, 20, 5, 12, 4 (99101…99109).
struct StudyMapsTests {
    static let results = Result {
        try StudyResults.compute(StudyLoader.load(repositoryRoot.appendingPathComponent("geodata/demo/study.yaml")), policy: SmallCellPolicy(minCell: 10))
    }
    static let data = Result { StudyMapData(results: try results.get()) }

    @Test func wardCountsBecomeShownOrSuppressedData() throws {
        let data = try Self.data.get()
        #expect(data.rows.map(\.id) == (1...9).map { "9910\($0)" })
        let expected: [MapDatum] = [.suppressed, .value(15), .suppressed, .value(30), .value(40), .value(20), .suppressed, .value(12), .suppressed]
        #expect(data.rows.map(\.patients) == expected)
        // Penetration keeps the suppressed state and is 10,000 · patients / aged 65+ otherwise.
        let areas = try Self.results.get().model.areas[.municipality]!
        for (row, area) in zip(data.rows, areas) {
            switch row.patients {
            case .value(let n):
                let rate = try #require(row.penetration.shownValue)
                #expect(abs(rate - 10_000 * n / area.population["aged65"]!) < 1e-9)
            default: #expect(row.penetration == .suppressed)
            }
        }
    }

    @Test func quantileAndJenksClassesOfTheDemo() throws {
        let data = try Self.data.get()
        // Shown 12, 15, 20, 30, 40: the median (position 2) is 20.
        let q = try StudyMaps.map(data, metric: .patients, options: StudyMapOptions(classification: .quantile(k: 2)))
        #expect(q.classes.map(\.label) == ["<10", "12–20", "21–40"])
        #expect(q.areas.map(\.classIndex) == [0, 1, 0, 2, 2, 1, 0, 1, 0])
        // Fisher k = 3: {12,15,20} {30} {40} has SSD 32.7, less than any other split (54.5 next).
        let j = try StudyMaps.map(data, metric: .patients, options: StudyMapOptions(classification: .naturalBreaks(k: 3)))
        #expect(j.classes.map(\.label) == ["<10", "12–20", "21–30", "31–40"])
        let f = try StudyMaps.map(data, metric: .patients, options: StudyMapOptions(classification: .fixed(breaks: [10, 20, 35])))
        #expect(f.classes.map(\.label) == ["<10", "12–20", "21–35", "36–40"])
        #expect(q.title.contains("架空市") && q.subtitle.contains("2025年度"))
        #expect(q.credits == data.credits && !q.internalBanner)
    }

    @Test func institutionsHaveDistinctSymbolsAndTheAnchorIsEmphasised() throws {
        let map = try StudyMaps.map(Self.data.get(), metric: .patients)
        let plain = map.points.filter { !$0.emphasised }
        #expect(Set(plain.map(\.symbol)).count == plain.count)
        let anchor = try #require(map.points.last)
        #expect(anchor.emphasised && anchor.symbol == .star && anchor.positions.count == 1)
        let total = map.points.reduce(0) { $0 + $1.positions.count }
        #expect(total == (try Self.results.get().model.institutions.count))
    }

    @Test func englishMapsUseEnglishNamesAndTexts() throws {
        let data = try Self.data.get()
        let en = try StudyMaps.map(data, metric: .patients, options: StudyMapOptions(language: .en))
        #expect(en.areas.map(\.label) == data.rows.map { $0.nameEnglish ?? $0.id })
        #expect(data.rows.allSatisfy { $0.nameEnglish != nil })
        #expect(en.legendTitle == "Patients")
        #expect(MapLanguage.en.areaLabel(name: "文京区", code: "13105") == "13105")
        #expect(MapLanguage.ja.areaLabel(name: "文京区", code: "13105", englishName: "Bunkyo") == "文京区")
    }

    @Test func withoutSuppressionTheMapIsMarkedAndShowsSmallCounts() throws {
        let results = try StudyResults.compute(Self.results.get().model, policy: .none)
        let map = try StudyMaps.map(StudyMapData(results: results), metric: .patients, options: StudyMapOptions(classification: .quantile(k: 3)))
        #expect(map.internalBanner)
        #expect(!map.classes.contains { $0.role == .suppressed })
        #expect(map.classes.first?.label.hasPrefix("4") == true)
    }

    @Test func everyStandardMapRenders() throws {
        let maps = try StudyMaps.standardMaps(Self.data.get())
        #expect(maps.count >= 2)
        for (name, map) in maps {
            let svg = try MapRenderer.render(map, format: .svg, metadata: DocumentMetadata(title: name, date: "2026-04-01"), svgIDPrefix: name)
            #expect(svg.count > 1000, "\(name)")
        }
    }

    @Test func stageMapColoursAreasByTheirFirstStage() throws {
        let data = try Self.data.get()
        let map = try #require(StudyMaps.stageMap(data))
        #expect(map.classes.map(\.label) == data.stages.enumerated().map { "\($0 + 1) \($1.name)" } + [MapTexts.japanese.outsideStages])
        for (row, area) in zip(data.rows, map.areas) {
            let first = data.stages.firstIndex { $0.areaIDs.contains(row.id) } ?? data.stages.count
            #expect(area.classIndex == first, "\(row.id)")
        }
        #expect(map.outlines.map(\.name) == data.stages.enumerated().map { "\($0 + 1) \($1.name)" })
        // One colour per stage, every stage distinct.
        let colours = map.classes.dropLast().map(\.color)
        #expect(Set(colours).count == data.stages.count)
    }

    /// The default extent is the decision region (the first plan's stages), every area of it is
    /// labelled, and its labels are text in the SVG.
    @Test func decisionRegionIsShownAndEveryAreaOfItLabelledAsText() throws {
        let data = try Self.data.get()
        #expect(data.decisionAreaIDs == ["99102", "99104", "99105", "99106", "99108"])
        let map = try StudyMaps.map(data, metric: .patients)
        let (svg, layout) = try MapRenderer.renderWithLayout(map, format: .svg, metadata: DocumentMetadata(title: "t", date: "2026-04-01"))
        let text = String(decoding: svg, as: UTF8.self)
        for id in data.decisionAreaIDs {
            let name = try #require(data.rows.first { $0.id == id }?.name)
            #expect(layout.labelsDrawn.contains(name), "\(name) not labelled")
            #expect(text.contains(">\(name)</text>"), "\(name) is not text in the SVG")
        }
        #expect(text.contains("font-family=\"Noto Sans CJK JP"))
        // Every stage's outline, in its own colour, on the thematic maps.
        #expect(map.outlines.count == data.stages.count && Set(map.outlines.map(\.color)).count == data.stages.count)
    }

    @Test func extentsByCodeGroupStageAndBox() throws {
        let data = try Self.data.get()
        #expect(try data.extent(named: "99105") == .areas(["99105"]))
        #expect(try data.extent(named: "中部") == .areas(["99104", "99105", "99106"]))
        #expect(try data.extent(named: "中部医療圏, 99101") == .areas(["99101", "99104", "99105", "99106"]))
        #expect(try data.extent(named: "松区") == .areas(["99105"]))
        #expect(try data.extent(named: "all") == .all)
        guard case .box(let e) = try data.extent(named: "bbox:139.84,36.02,139.87,36.04") else { Issue.record("no box"); return }
        #expect(e.width > 2000 && e.width < 3500 && e.height > 1800 && e.height < 2600)
        #expect(throws: MapRenderError.self) { try data.extent(named: "nowhere") }
        #expect(throws: MapRenderError.self) { try data.extent(named: "bbox:1,2,3") }
        // A named extent zooms in, with an overview inset, and labels its areas.
        let map = try StudyMaps.map(data, metric: .patients, options: StudyMapOptions(extent: data.extent(named: "99105")))
        let whole = try StudyMaps.map(data, metric: .patients, options: StudyMapOptions(extent: .all))
        #expect(map.extent!.width < whole.extent!.width / 2)
        #expect(!map.overview.isEmpty && whole.overview.isEmpty)
        #expect(map.areas.filter(\.labelRequired).compactMap(\.label) == ["松区"])
        // Kinds filter the symbols; the anchor stays.
        let some = try StudyMaps.map(data, metric: .patients, options: StudyMapOptions(kinds: ["hospital"]))
        #expect(some.points.filter { !$0.emphasised }.count == 1 && some.points.last?.emphasised == true)
    }
}

/// The demo with 藤区 (99109) without population: its class is the hatched "データなし" / "no data"
/// class in every map that needs population (penetration, access, gaps), never a value class and
/// never "no gap".
struct StudyMapsMissingPopulationTests {
    static let data = Result {
        StudyMapData(results: try StudyResults.compute(
            StudyLoader.load(repositoryRoot.appendingPathComponent("geodata/demo/study_missing_population.yaml")), policy: SmallCellPolicy(minCell: 10)))
    }

    @Test(arguments: [StudyMetric.penetration, .access, .gaps], [MapLanguage.ja, .en])
    func wardWithoutPopulationIsHatchedNoData(metric: StudyMetric, language: MapLanguage) throws {
        let data = try Self.data.get()
        let map = try StudyMaps.map(data, metric: metric, options: StudyMapOptions(language: language))
        let fuji = try #require(data.rows.firstIndex { $0.id == "99109" })
        let cls = map.classes[map.areas[fuji].classIndex]
        #expect(cls.role == .noData && cls.hatched)
        #expect(cls.label == (language == .ja ? "データなし" : "no data"))
        // Only 藤区 is in it: the other wards have population.
        #expect(map.areas.indices.filter { map.classes[map.areas[$0].classIndex].role == .noData } == [fuji])
    }
}

/// Boundaries simplified ahead are those simplified there and then, and only for the same geometry.
struct SimplifiedGeometriesTests {
    /// A 1 km square ring with a 3 m notch in its top edge (which a 10 m tolerance removes).
    static func notched(_ dx: Double = 0) -> Geometry {
        let c = [(0.0, 0.0), (1000, 0), (1000, 1000), (503, 1000), (500, 997), (497, 1000), (0, 1000), (0, 0)]
        return .polygon(Polygon(exterior: try! LinearRing(c.map { Coordinate(x: $0.0 + dx, y: $0.1) })))
    }

    @Test func keptResultsAreTheSimplifiedGeometryOfTheSameInput() throws {
        let kept = SimplifiedGeometries()
        let g = Self.notched()
        let direct = try g.simplified(tolerance: 10)
        #expect(direct.polygons[0].exterior.coordinates.count == 5, "the notch goes at 10 m")
        #expect(kept.simplified(g, id: "13101", tolerance: 10) == direct)
        #expect(kept.simplified(g, id: "13101", tolerance: 10) == direct)  // kept
        // Tolerance 0: the geometry itself; another tolerance: simplified again (the notch stays at 1 m).
        #expect(kept.simplified(g, id: "13101", tolerance: 0) == g)
        #expect(kept.simplified(g, id: "13101", tolerance: 1) == g)
        // Another geometry under the same id is never answered with the kept one.
        let moved = Self.notched(5000)
        #expect(kept.simplified(moved, id: "13101", tolerance: 10) == (try moved.simplified(tolerance: 10)))
        #expect(kept.simplified(moved, id: "13101", tolerance: 10) != direct)
    }

    @Test func drawingToleranceIsAQuarterThousandthOfTheDiagonalOfTheAreasWithPatients() {
        let a = Self.notched(), b = Self.notched(3000)  // together 4 km × 1 km
        let both = hypot(4000.0, 1000) / 4000
        #expect(StudyMapData.drawingTolerance([(a, true), (b, true)]) == both)
        #expect(StudyMapData.drawingTolerance([(a, true), (b, false)]) == hypot(1000.0, 1000) / 4000)
        #expect(StudyMapData.drawingTolerance([(a, false), (b, false)]) == both, "every area when none has patients")
        #expect(StudyMapData.drawingTolerance([]) == 0)
    }
}
