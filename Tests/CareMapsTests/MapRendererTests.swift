import CareAtlas
import CareGeometry
@testable import CareMaps
import Foundation
import Testing
import TestSupport

/// Synthetic maps: three 10 km squares in a row, one per class.
enum SyntheticMap {
    static func square(_ x0: Double, _ y0: Double, _ side: Double) -> Geometry {
        .polygon(Polygon(exterior: try! LinearRing([
            Coordinate(x: x0, y: y0), Coordinate(x: x0 + side, y: y0), Coordinate(x: x0 + side, y: y0 + side),
            Coordinate(x: x0, y: y0 + side), Coordinate(x: x0, y: y0),
        ])))
    }

    static func map(page: MapPage = .a4, labels: Bool = true, banner: Bool = false) -> ThematicMap {
        let classes = [
            MapClass(label: "<10", color: Palette.suppressed, hatched: true, role: .suppressed),
            MapClass(label: "10–19", color: RGBColor(250, 160, 70), role: .value),
            MapClass(label: "20–40", color: RGBColor(122, 0, 30), role: .value),
        ]
        let areas = (0..<3).map { i in
            MapArea(
                geometry: square(Double(i) * 10_000, 0, 10_000), classIndex: i, label: ["千代田区", "中央区", "港区"][i],
                labelPoint: Coordinate(x: Double(i) * 10_000 + 5_000, y: 8_000))
        }
        return ThematicMap(
            page: page, title: "テスト地図", subtitle: "対象期間：2023年度", legendTitle: "患者数（人）", classes: classes, areas: areas,
            outlines: [OutlineLayer(name: "段階1", geometries: [square(0, 0, 20_000)], color: RGBColor(0, 0, 0), dash: [4, 2])],
            points: [
                PointLayer(name: "診療所", positions: [Coordinate(x: 15_000, y: 2_000)], symbol: .square, color: RGBColor(0, 114, 178)),
                PointLayer(name: "基幹病院", positions: [Coordinate(x: 25_000, y: 2_000)], symbol: .star, color: RGBColor(230, 0, 18), size: 9, emphasised: true),
            ],
            showLabels: labels, credits: ["「国土数値情報（行政区域データ）」（国土交通省）を加工して作成"], internalBanner: banner)
    }

    static let metadata = DocumentMetadata(title: "テスト地図", date: "2026-04-01")
}

/// The most frequent colour in a square patch of `radius` pixels around (x, y).
func dominantColor(_ r: Raster, x: Int, y: Int, radius: Int) -> RGBColor {
    var counts: [RGBColor: Int] = [:]
    for dy in -radius...radius {
        for dx in -radius...radius where (0..<r.width).contains(x + dx) && (0..<r.height).contains(y + dy) {
            counts[r.color(x: x + dx, y: y + dy), default: 0] += 1
        }
    }
    return counts.max { ($0.value, $0.key.description) < ($1.value, $1.key.description) }!.key
}

struct MapRendererTests {
    @Test func everyFormatIsByteIdenticalAcrossRuns() throws {
        for format in MapFormat.allCases {
            let a = try MapRenderer.render(SyntheticMap.map(), format: format, metadata: SyntheticMap.metadata)
            let b = try MapRenderer.render(SyntheticMap.map(), format: format, metadata: SyntheticMap.metadata)
            #expect(a.count > 1000, "\(format)")
            #expect(a == b, "\(format) differs between two renders")
        }
    }

    @Test func formatsHaveTheirSignaturesAndPDFDatesComeFromTheStudy() throws {
        let pdf = try MapRenderer.render(SyntheticMap.map(), format: .pdf, metadata: SyntheticMap.metadata)
        let png = try MapRenderer.render(SyntheticMap.map(), format: .png, metadata: SyntheticMap.metadata)
        let svg = try MapRenderer.render(SyntheticMap.map(), format: .svg, metadata: SyntheticMap.metadata)
        #expect(pdf.starts(with: Data("%PDF-".utf8)))
        #expect(png.starts(with: Data([0x89, 0x50, 0x4e, 0x47])))
        #expect(String(decoding: svg, as: UTF8.self).contains("<svg"))
        let text = String(decoding: pdf, as: UTF8.self)
        // Cairo 1.16 writes the date without the "D:" of PDF 1.7 §7.9.4; later versions add it.
        #expect(text.contains("/CreationDate (20260401000000)") || text.contains("/CreationDate (D:20260401000000"))
        #expect(text.contains("/ModDate (20260401000000)") || text.contains("/ModDate (D:20260401000000"))
        // A different report date changes the PDF: the date is really taken from the metadata.
        let other = try MapRenderer.render(SyntheticMap.map(), format: .pdf, metadata: DocumentMetadata(title: "テスト地図", date: "2027-01-02"))
        #expect(other != pdf)
        // Without a usable date the PDF would carry the clock's time: refused, naming the study key.
        let undated = DocumentMetadata(title: "テスト地図", date: "")
        #expect(throws: MapRenderError.self) { try MapRenderer.render(SyntheticMap.map(), format: .pdf, metadata: undated) }
        #expect(try MapRenderer.render(SyntheticMap.map(), format: .png, metadata: undated) == png)
        #expect(try DocumentMetadata(title: "", date: "2026-04-01T09:30:00+09:00").pdfDate() == "2026-04-01T09:30:00+09:00")
        // A4 landscape at 150 dpi: 1754 × 1240 pixels; slides 1920 × 1080.
        let raster = try Raster(png: png)
        #expect(raster.width == 1754 && raster.height == 1240)
        let slide = try Raster(png: MapRenderer.render(SyntheticMap.map(page: .slide), format: .png, metadata: SyntheticMap.metadata))
        #expect(slide.width == 1920 && slide.height == 1080)
    }

    @Test func legendSwatchesHaveTheColoursOfTheirAreas() throws {
        let map = SyntheticMap.map(labels: false)
        let (png, layout) = try MapRenderer.renderWithLayout(map, format: .png, metadata: SyntheticMap.metadata)
        let raster = try Raster(png: png)
        let s = map.page.pngScale
        for (i, area) in map.areas.enumerated() {
            // The centre of the upper half of each square: away from the points and the outline.
            let (x, y) = layout.project(Coordinate(x: Double(i) * 10_000 + 3_000, y: 7_000))
            let inMap = dominantColor(raster, x: Int(x * s), y: Int(y * s), radius: 6)
            let sw = layout.swatches[area.classIndex]
            let inLegend = dominantColor(raster, x: Int((sw.x + sw.w / 2) * s), y: Int((sw.y + sw.h / 2) * s), radius: 6)
            #expect(inMap == map.classes[area.classIndex].color, "area \(i)")
            #expect(inLegend == inMap, "class \(area.classIndex)")
        }
    }

    @Test func scaleBarIsANiceRoundLength() {
        #expect(MapRenderer.niceLength(7_300) == 5_000)
        #expect(MapRenderer.niceLength(2_500) == 2_000)
        #expect(MapRenderer.niceLength(999) == 500)
        #expect(MapRenderer.niceLength(100) == 100)
        #expect(MapRenderer.lengthLabel(5_000) == "5 km")
        #expect(MapRenderer.lengthLabel(500) == "500 m")
        #expect(MapRenderer.lengthLabel(2_500) == "2.5 km")
    }

    @Test func scaleBarMatchesTheProjection() throws {
        let (_, layout) = try MapRenderer.renderWithLayout(SyntheticMap.map(), format: .svg, metadata: SyntheticMap.metadata)
        // 30 km of squares (+3 % margins) across a frame of ~600 pt: a fifth of the frame is ~6–7 km → 5 km.
        #expect(layout.scaleBarMetres == MapRenderer.niceLength(0.2 * layout.frame.w / layout.scale))
        #expect(layout.scaleBarMetres == 5_000)
    }

    @Test func labelsAreDrawnAndCollidingOnesSkipped() throws {
        let (_, layout) = try MapRenderer.renderWithLayout(SyntheticMap.map(), format: .svg, metadata: SyntheticMap.metadata)
        #expect(Set(layout.labelsDrawn) == ["千代田区", "中央区", "港区"])
        var crowded = SyntheticMap.map()
        crowded.areas = crowded.areas.map { MapArea(geometry: $0.geometry, classIndex: $0.classIndex, label: $0.label, labelPoint: Coordinate(x: 15_000, y: 5_000)) }
        let (_, l2) = try MapRenderer.renderWithLayout(crowded, format: .svg, metadata: SyntheticMap.metadata)
        #expect(l2.labelsDrawn.count == 1)
    }

    @Test func japaneseGlyphsAreRealNotTofu() throws {
        let text = "千代田区中央区港区文京区凡例患者数"
        #expect(try FontCheck.missingGlyphs(text).isEmpty)
        let real = try Raster.text(text, size: 24)
        let tofu = try Raster.text(text, size: 24, notdef: true)
        #expect(real.pixels != tofu.pixels)
        // The check can fail: a private-use character has no glyph.
        #expect(try FontCheck.missingGlyphs("a\u{F8FF}") == ["\u{F8FF}"])
    }

    @Test func svgIDPrefixesMakeInlinedMapsDisjoint() throws {
        let a = String(decoding: try MapRenderer.render(SyntheticMap.map(), format: .svg, metadata: SyntheticMap.metadata, svgIDPrefix: "m1"), as: UTF8.self)
        let b = String(decoding: try MapRenderer.render(SyntheticMap.map(page: .slide), format: .svg, metadata: SyntheticMap.metadata, svgIDPrefix: "m2"), as: UTF8.self)
        func ids(_ s: String) -> Set<String> { Set(s.matches(of: #/ id="([^"]+)"/#).map { String($0.output.1) }) }
        func refs(_ s: String) -> Set<String> {
            Set(s.matches(of: #/(?:href="#|url\(#)([^")]+)/#).map { String($0.output.1) })
        }
        let plain = String(decoding: try MapRenderer.render(SyntheticMap.map(), format: .svg, metadata: SyntheticMap.metadata), as: UTF8.self)
        #expect(!ids(plain).isEmpty && !refs(plain).isEmpty)
        #expect(!ids(plain).isDisjoint(with: ids(String(decoding: try MapRenderer.render(SyntheticMap.map(page: .slide), format: .svg, metadata: SyntheticMap.metadata), as: UTF8.self))))
        #expect(ids(a).isDisjoint(with: ids(b)))
        #expect(ids(a).allSatisfy { $0.hasPrefix("m1-") } && ids(b).allSatisfy { $0.hasPrefix("m2-") })
        #expect(refs(a).isSubset(of: ids(a)) && refs(b).isSubset(of: ids(b)))
        #expect(ids(a).count == ids(plain).count)
    }

    @Test func internalBannerIsDrawnOnlyWhenAsked() throws {
        let plain = try Raster(png: MapRenderer.render(SyntheticMap.map(), format: .png, metadata: SyntheticMap.metadata))
        let marked = try Raster(png: MapRenderer.render(SyntheticMap.map(banner: true), format: .png, metadata: SyntheticMap.metadata))
        #expect(plain.color(x: 5, y: 5) == RGBColor(255, 255, 255))
        #expect(marked.color(x: 5, y: 5) == RGBColor(178, 24, 43))
    }
}

/// The slides' PNG encoder (``PNGWriter``): the same pixels as Cairo's own PNG writer, read back by
/// Cairo (libpng checks every chunk's CRC and the zlib stream), and Cairo's writer kept for
/// images with transparency.
@Suite struct PNGWriterTests {
    /// Antialiased edges, a translucent fill, hatching and Japanese text on white.
    static func drawing(_ cr: OpaquePointer) {
        let pen = Pen(cr: cr)
        pen.rect(0, 0, 300, 200)
        pen.fill(RGBColor(255, 255, 255))
        pen.rect(20.3, 30.7, 120.2, 80.9)
        pen.fill(RGBColor(250, 160, 70))
        pen.rect(100, 60, 150, 100)
        pen.color(RGBColor(0, 90, 160), alpha: 0.5)
        pen.path(SyntheticMap.square(0, 0, 100), { c in (160 + c.x * 0.9, 20 + c.y * 0.7) })
        pen.stroke(RGBColor(20, 20, 20), width: 1.3, dash: [3, 2])
        pen.hatch((x: 10, y: 120, w: 80, h: 60), spacing: 4, width: 0.5)
        pen.font(18, bold: true)
        pen.color(RGBColor(25, 25, 25))
        pen.text("文京区 Bunkyo 1,234", x: 12, y: 190)
    }

    @Test func samePixelsAsCairosWriter() throws {
        let meta = DocumentMetadata(title: "png", date: "2026-04-01")
        let ours = try CairoCanvas.render(format: .png, width: 300, height: 200, pngScale: 2.5, metadata: meta) { Self.drawing($0) }
        let cairo = try CairoCanvas.render(format: .png, width: 300, height: 200, pngScale: 2.5, metadata: meta, cairoPNG: true) { Self.drawing($0) }
        #expect(ours != cairo, "the opaque image is encoded by PNGWriter, not by Cairo")
        let a = try Raster(png: ours), b = try Raster(png: cairo)
        #expect(a.width == 750 && a.height == 500)
        #expect(a == b)
        // Not a blank image: the text, the fills and the white background are all there.
        #expect(Set(a.pixels).count > 50)
        // IHDR: 750 × 500, 8-bit truecolour.
        #expect(Array(ours[12..<29]) == Array("IHDR".utf8) + [0, 0, 2, 0xee, 0, 0, 1, 0xf4, 8, 2, 0, 0, 0])
    }

    @Test func transparentImagesKeepCairosWriter() throws {
        let meta = DocumentMetadata(title: "png", date: "2026-04-01")
        let png = try CairoCanvas.render(format: .png, width: 40, height: 20, pngScale: 1, metadata: meta) { cr in
            let pen = Pen(cr: cr)
            pen.rect(0, 0, 20, 20)
            pen.fill(RGBColor(200, 0, 20))
        }
        let r = try Raster(png: png)
        #expect(r.pixels[0] == 0xffc8_0014)
        #expect(r.pixels[30] >> 24 == 0, "the right half stays transparent")
    }
}
