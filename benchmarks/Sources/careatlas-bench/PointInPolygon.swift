import ArgumentParser
import CareFormats
import CareGeometry
import Dispatch
import Foundation

/// Reads the polygons of a GeoJSON layer (Polygon features, in file order) for the benchmarks.
func readPolygons(_ path: String) throws -> [Polygon] {
    let layer = try GeoJSON.read(contentsOf: URL(fileURLWithPath: path))
    return try layer.features.enumerated().map { index, feature in
        guard case .polygon(let polygon)? = feature.geometry else {
            throw ValidationError("\(path): feature \(index + 1) is not a Polygon")
        }
        return polygon
    }
}

/// Wall-clock seconds since `start`.
func seconds(since start: DispatchTime) -> Double {
    Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
}

/// `pip --polygons P.geojson --points X.csv --out COUNTS.csv`: counts the points in each polygon
/// (``PolygonLocator``: crossing number on the projected rings, both cores), as geopandas
/// `sjoin(points, polygons, predicate="within").groupby("index_right").size()` does. A point on a
/// shared edge goes to the first polygon (in file order) that covers it.
struct PointInPolygon: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pip", abstract: "Point-in-polygon aggregation: points per polygon.")

    @Option(help: "Polygons (GeoJSON, projected metres).") var polygons: String
    @Option(help: "Points: CSV with id,x,y.") var points: String
    @Option(help: "Where to write id,count (one row per polygon, 1-based file order).") var out: String

    func run() throws {
        let start = DispatchTime.now()
        let shapes = try readPolygons(polygons)
        let table = try CSVTable(contentsOf: URL(fileURLWithPath: points))
        let columns = try table.columns(["x", "y"])
        var positions: [Coordinate] = []
        positions.reserveCapacity(table.count)
        for row in table {
            guard let x = Double(row[columns[0]]), let y = Double(row[columns[1]]) else {
                throw ValidationError("\(points) line \(row.lineNumber): x and y must be numbers")
            }
            positions.append(Coordinate(x: x, y: y))
        }
        let readSeconds = seconds(since: start)

        let joinStart = DispatchTime.now()
        let counts = try Self.aggregate(positions, into: shapes)
        let joinSeconds = seconds(since: joinStart)

        var text = "id,count\n"
        for (index, count) in counts.enumerated() { text += "\(index + 1),\(count)\n" }
        try AtomicFile.write(Data(text.utf8), to: URL(fileURLWithPath: out))
        let inside = counts.reduce(0, +)
        print("{\"polygons\":\(shapes.count),\"points\":\(positions.count),\"inside\":\(inside),"
              + "\"seconds_read\":\(String(format: "%.3f", readSeconds)),\"seconds_join\":\(String(format: "%.3f", joinSeconds))}")
    }

    /// Points per polygon: one ``PolygonLocator`` (crossing number on the rings, a grid over the
    /// envelopes, strips of edges; no GEOS object per point) shared by both cores, the points in
    /// fixed chunks, each chunk with its own counts; counts are integers, so the result does not
    /// depend on scheduling.
    static func aggregate(_ positions: [Coordinate], into shapes: [Polygon]) throws -> [Int] {
        let locator = PolygonLocator(shapes)
        let chunk = 65_536
        let chunks = (positions.count + chunk - 1) / chunk
        let partial = UnsafeMutableBufferPointer<Int>.allocate(capacity: Swift.max(1, chunks) * shapes.count)
        partial.initialize(repeating: 0)
        defer { partial.deallocate() }
        nonisolated(unsafe) let output = partial
        DispatchQueue.concurrentPerform(iterations: chunks) { c in
            let base = c * shapes.count
            for i in (c * chunk)..<Swift.min(positions.count, (c + 1) * chunk) {
                if let k = locator.firstCovering(positions[i]) { output[base + k] += 1 }
            }
        }
        return (0..<shapes.count).map { k in (0..<chunks).reduce(0) { $0 + partial[$1 * shapes.count + k] } }
    }
}

/// `union --polygons P.geojson`: the union of an adjacent tessellation by GEOS coverage union.
struct CoverageUnion: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "union", abstract: "Coverage union of adjacent polygons (GEOSCoverageUnion).")

    @Option(help: "Polygons (GeoJSON, projected metres) forming a coverage.") var polygons: String

    func run() throws {
        let start = DispatchTime.now()
        let shapes = try readPolygons(polygons)
        let readSeconds = seconds(since: start)
        let unionStart = DispatchTime.now()
        let union = try Geometry.coverageUnion(shapes)
        let unionSeconds = seconds(since: unionStart)
        print("{\"polygons\":\(shapes.count),\"parts\":\(union.polygons.count),\"area\":\(String(format: "%.3f", try union.area())),"
              + "\"seconds_read\":\(String(format: "%.3f", readSeconds)),\"seconds_union\":\(String(format: "%.3f", unionSeconds))}")
    }
}
