import CareAtlas
import CarePrivacy
import CareGeometry
@testable import CareMaps
import Foundation
import Testing
import TestSupport

/// Maps of the real 区中央部 case, checked for what a person would see.
@Suite(.enabled(if: SharedData.root != nil, "\(SharedData.skipMessage)"))
struct KuchubuMapTests {
    static let model = Result { try StudyLoader.load(repositoryRoot.appendingPathComponent("geodata/cases/kuchubu.yaml")) }
    static let results = Result { try StudyResults.compute(model.get(), policy: SmallCellPolicy(minCell: 10)) }
    static let data = Result { StudyMapData(results: try results.get()) }
    static let metadata = DocumentMetadata(title: "患者数", date: "2026-04-01")

    func patientsMap(labels: Bool = true, points: Bool = true) throws -> ThematicMap {
        var map = try StudyMaps.map(Self.data.get(), metric: .patients, options: StudyMapOptions(showLabels: labels))
        if !points { map.points = [] }
        return map
    }

    @Test func patientsMapIsNotBlank() throws {
        let (png, layout) = try MapRenderer.renderWithLayout(patientsMap(), format: .png, metadata: Self.metadata)
        let r = try Raster(png: png)
        let s = MapPage.a4.pngScale, f = layout.frame
        var colors = Set<UInt32>(), nonWhite = 0, total = 0
        for y in Int(f.y * s)..<Int((f.y + f.h) * s) where y % 2 == 0 {
            for x in Int(f.x * s)..<Int((f.x + f.w) * s) where x % 2 == 0 {
                let p = r.pixels[y * r.width + x]
                colors.insert(p)
                total += 1
                if p & 0xffffff != 0xffffff { nonWhite += 1 }
            }
        }
        #expect(colors.count > 50, "only \(colors.count) colours in the map frame")
        #expect(Double(nonWhite) / Double(total) > 0.5, "\(nonWhite) of \(total) sampled pixels are not white")
    }

    @Test func suppressedBinComesFirstAndNoLimitIsBelowMinCell() throws {
        let map = try patientsMap()
        #expect(map.classes.first?.label == "<10")
        #expect(map.classes.first?.hatched == true)
        #expect(map.classes.contains { $0.label == "0" })
        for cls in map.classes where cls.role == .value {
            let numbers = cls.label.split(whereSeparator: { !$0.isNumber }).compactMap { Int($0) }
            #expect(!numbers.isEmpty && numbers.allSatisfy { $0 >= 10 }, "class \(cls.label)")
        }
        // Every area with 1–9 patients is in the suppressed bin.
        let m = try Self.model.get()
        let areas = try #require(m.areas[.municipality])
        for (area, drawn) in zip(areas, map.areas) where (1...9).contains(area.patients ?? 0) {
            #expect(drawn.classIndex == 0, "\(area.name) has \(area.patients!) patients")
        }
        // Penetration: suppressed counts stay suppressed, never a rate; an area without a 65+
        // population (outside SSDSE's Tokyo table here) is no data whatever its count (issue 16).
        let pen = try StudyMaps.map(Self.data.get(), metric: .penetration)
        for (area, drawn) in zip(areas, pen.areas) where (1...9).contains(area.patients ?? 0) {
            let expected: MapClass.Role = area.population["aged65"] == nil ? .noData : .suppressed
            #expect(pen.classes[drawn.classIndex].role == expected, "\(area.name)")
        }
    }

    @Test func japaneseLabelsRenderWithRealGlyphs() throws {
        let map = try patientsMap()
        let (_, layout) = try MapRenderer.renderWithLayout(map, format: .png, metadata: Self.metadata)
        #expect(layout.labelsDrawn.count >= 20, "only \(layout.labelsDrawn.count) labels placed")
        #expect(layout.labelsDrawn.contains("文京区"))
        let texts = layout.labelsDrawn + map.classes.map(\.label) + [map.title, map.subtitle, map.legendTitle] + map.credits
            + map.points.map(\.name)
        for text in texts {
            #expect(try FontCheck.missingGlyphs(text).isEmpty, "tofu in \(text)")
        }
        for label in layout.labelsDrawn.prefix(10) {
            #expect(try Raster.text(label, size: 20).pixels != Raster.text(label, size: 20, notdef: true).pixels, "\(label)")
        }
    }

    @Test func legendSwatchesMatchTheClassColoursInTheMap() throws {
        let map = try patientsMap(labels: false, points: false)
        let (png, layout) = try MapRenderer.renderWithLayout(map, format: .png, metadata: Self.metadata)
        let r = try Raster(png: png)
        let s = MapPage.a4.pngScale
        let data = try Self.data.get()
        for (index, cls) in map.classes.enumerated() {
            let sw = layout.swatches[index]
            // Hatched swatches: the background colour is still the most frequent one.
            let swatch = dominantColor(r, x: Int((sw.x + sw.w / 2) * s), y: Int((sw.y + sw.h / 2) * s), radius: 8)
            #expect(swatch == cls.color, "legend swatch of \(cls.label)")
            // The largest areas of the class inside the frame: the colour around their point on surface.
            let members = map.areas.indices.filter { map.areas[$0].classIndex == index }
            let sampled = members.compactMap { i -> RGBColor? in
                let (x, y) = layout.project(data.rows[i].labelPoint)
                let f = layout.frame
                guard x > f.x + 5, x < f.x + f.w - 5, y > f.y + 5, y < f.y + f.h - 5 else { return nil }
                return dominantColor(r, x: Int(x * s), y: Int(y * s), radius: 3)
            }
            #expect(!sampled.isEmpty, "class \(cls.label) has no area in view")
            #expect(sampled.contains(cls.color), "no area of class \(cls.label) shows \(cls.color); saw \(Set(sampled.map(\.description)))")
            #expect(Double(sampled.filter { $0 == cls.color }.count) >= 0.5 * Double(sampled.count), "class \(cls.label)")
        }
    }

    @Test func allFormatsAreByteIdenticalAndFast() throws {
        let map = try patientsMap()
        for format in MapFormat.allCases {
            let start = Date()
            let a = try MapRenderer.render(map, format: format, metadata: Self.metadata)
            let seconds = Date().timeIntervalSince(start)
            let b = try MapRenderer.render(map, format: format, metadata: Self.metadata)
            #expect(a == b, "\(format) differs between two renders")
            print("kuchubu patients map \(format): \(a.count) bytes in \(String(format: "%.3f", seconds)) s (debug build)")
        }
    }

    @Test func standardMapsCoverEveryMetric() throws {
        let maps = try StudyMaps.standardMaps(Self.data.get())
        #expect(maps.map(\.name) == ["patients", "penetration", "access", "gaps", "stages"])
        let gaps = try #require(maps.first { $0.name == "gaps" }?.map)
        #expect(gaps.classes.contains { $0.label == GapClass.none.label(english: false) })
        let english = try StudyMaps.map(Self.data.get(), metric: .patients, options: StudyMapOptions(language: .en))
        #expect(english.areas.contains { $0.label == "13105" })
        #expect(english.legendTitle == "Patients")
    }
}
