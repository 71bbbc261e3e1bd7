import CareGeometry
@testable import CareMaps
import Foundation
import Testing

/// The overlay drawn once and painted on every map that shares it (``MapOverlayCache``) must look
/// exactly like the overlay each map draws itself: the reference is the map drawn without a cache.
struct MapOverlayTests {
    /// The synthetic map with other class colours and no outlines (like the gaps map, whose areas
    /// leave other drawing state behind): its overlay is the same as the first map's.
    static func recoloured(_ page: MapPage) -> ThematicMap {
        var map = SyntheticMap.map(page: page)
        map.classes = map.classes.map { MapClass(label: $0.label, color: $0.color.mixed(with: RGBColor(0, 90, 200), 0.5), hatched: $0.hatched, role: $0.role) }
        map.outlines = []
        return map
    }

    /// The largest difference of one channel between two rasters of the same size.
    static func largestDifference(_ a: Raster, _ b: Raster) -> Int {
        precondition(a.width == b.width && a.height == b.height)
        var worst = 0
        for (p, q) in zip(a.pixels, b.pixels) where p != q {
            for shift in stride(from: 0, to: 32, by: 8) {
                worst = max(worst, abs(Int((p >> UInt32(shift)) & 0xff) - Int((q >> UInt32(shift)) & 0xff)))
            }
        }
        return worst
    }

    @Test func sharedOverlayGivesTheSamePixelsAsDrawingItOnEachMap() throws {
        let cache = MapOverlayCache()
        for map in [SyntheticMap.map(page: .slide), Self.recoloured(.slide)] {
            let direct = try Raster(png: MapRenderer.render(map, format: .png, metadata: SyntheticMap.metadata))
            let shared = try Raster(png: MapRenderer.render(map, format: .png, metadata: SyntheticMap.metadata, overlays: cache))
            // Compositing the overlay in one step rounds once more: at most 2 of 255 in a channel.
            #expect(Self.largestDifference(direct, shared) <= 2)
            // The labels, the symbols and the anchor are there: the image is not the areas alone.
            #expect(direct.pixels != (try Raster(png: MapRenderer.render({ var m = map; m.showLabels = false; m.points = []; return m }(),
                                                                         format: .png, metadata: SyntheticMap.metadata))).pixels)
        }
        #expect(cache.count == 1, "two maps with one overlay draw it once")
    }

    @Test func aReportPDFWritesAnOverlayOnceForTheMapsThatShareIt() throws {
        func forms(_ maps: [ThematicMap]) throws -> Int {
            let pdf = try PrintDocument(blocks: maps.map { .map($0) }).renderPDF(metadata: SyntheticMap.metadata)
            return String(decoding: pdf, as: UTF8.self).components(separatedBy: "/Subtype /Form").count - 1
        }
        let a = SyntheticMap.map(), b = Self.recoloured(.a4)
        #expect(try forms([a, b]) == 1)
        var unlabelled = b
        unlabelled.showLabels = false
        #expect(try forms([a, unlabelled]) == 2, "another overlay is another drawing")
        // The same bytes on every run (Cairo's ids of the recording are numbered per document).
        let doc = PrintDocument(blocks: [.map(a), .map(b)])
        #expect(try doc.renderPDF(metadata: SyntheticMap.metadata) == doc.renderPDF(metadata: SyntheticMap.metadata))
    }
}
