import CareGeometry
import Foundation

/// Limits on area geometry (issue 14), documented in geodata/README.md (*Ranges of numbers*).
public enum GeometryBudget {
    /// The most vertices one area feature may have. A municipality boundary of N03 has at most a few
    /// ten thousand; two million (a boundary digitised at centimetres) took minutes in the unions
    /// and ran out of memory under 1 GiB.
    public static let maxVerticesPerFeature = 250_000

    static func vertexCount(_ g: Geometry) -> Int {
        g.polygons.reduce(0) { sum, p in p.rings.reduce(sum) { $0 + $1.coordinates.count } }
    }
}

extension ModelBuilder {
    /// nil when the feature is within ``GeometryBudget/maxVerticesPerFeature``; otherwise the error
    /// is recorded and the feature refused.
    mutating func refuseOverVertexBudget(_ g: Geometry, id: String, name: String, file: String, location: String) -> Bool {
        let n = GeometryBudget.vertexCount(g)
        guard n > GeometryBudget.maxVerticesPerFeature else { return false }
        d.error(file, location, "area \(id) \(name) has \(InputRanges.grouped(n)) vertices, more than \(InputRanges.grouped(GeometryBudget.maxVerticesPerFeature)) (the limit for one area)",
                fix: "simplify the boundary first, e.g. mapshaper -simplify 10% keep-shapes, or QGIS Vector › Geometry Tools › Simplify")
        return true
    }

    /// Checks that each area layer is a coverage GEOS can dissolve exactly (shared edges with the
    /// same vertices on both sides). When it is not (an extra collinear vertex on one side), the
    /// unions of analyses fall back to the overlay union (see `dissolve`), and a note says so.
    mutating func noteLayersThatAreNotNoded() {
        for (level, list) in areas.sorted(by: { $0.key < $1.key }) {
            for layer in Set(list.map(\.layer)).sorted() {
                let members = list.filter { $0.layer == layer }
                guard members.count > 1 else { continue }
                do {
                    _ = try Geometry.coverageUnion(members.flatMap(\.geometry.polygons))
                } catch {
                    let file = spec.areas.first { $0.name == layer }.map { display($0.file) } ?? layer
                    d.note(file, "", "the \(level.rawValue) areas are not an exact coverage — neighbours do not share exactly the same vertices along common edges, or overlap (GEOS: \(Self.geosReason(error))); unions of areas use the slower overlay union",
                           fix: "to speed them up, snap the layer in QGIS (Vector › Geometry Tools › Snap geometries to layer) or mapshaper -clean")
                }
            }
        }
    }

    static func geosReason(_ error: Error) -> String {
        let text = "\(error)"
        if let r = text.range(of: "TopologyException: ") { return (String(text[r.upperBound...]).components(separatedBy: " at ").first ?? text).trimmingCharacters(in: CharacterSet(charactersIn: ". \n")) }
        return text
    }
}
