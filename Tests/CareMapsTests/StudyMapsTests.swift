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
        #expect(map.classes.map(\.label) == data.stages.map(\.name) + [MapTexts.japanese.outsideStages])
        for (row, area) in zip(data.rows, map.areas) {
            let first = data.stages.firstIndex { $0.areaIDs.contains(row.id) } ?? data.stages.count
            #expect(area.classIndex == first, "\(row.id)")
        }
        #expect(map.outlines.map(\.name) == data.stages.map(\.name))
    }
}
