import CareAtlas
import CarePrivacy
import CareFormats
import CareGeometry

/// Stage and catchment regions as one clean outline each. A region is the union of its areas, and
/// where the boundaries of two neighbouring areas do not meet exactly (two prefectures' layers
/// simplified apart), the union keeps the slivers between them as tiny holes: drawn, they are the
/// "outlines inside" a region. A hole is kept only when it holds an area (an enclave, or areas the
/// region surrounds), judged by the areas' label points (each inside its area); other holes are
/// filled.
enum RegionOutlines {
    static let regionLayers: Set<String> = ["catchments", "stage_regions"]

    /// The layers with the holes of their regions cleaned.
    static func apply(_ layers: [ReportLayers.Layer], areaPoints: [Coordinate]) -> [ReportLayers.Layer] {
        layers.map { layer in
            guard regionLayers.contains(layer.name) else { return layer }
            return ReportLayers.Layer(name: layer.name, features: layer.features.map { g, p in (g.map { cleaned($0, keepingHolesWith: areaPoints) }, p) })
        }
    }

    /// The geometry with every hole that holds none of `points` filled.
    static func cleaned(_ g: Geometry, keepingHolesWith points: [Coordinate]) -> Geometry {
        func clean(_ p: Polygon) -> Polygon {
            Polygon(exterior: p.exterior, holes: p.holes.filter { hole in points.contains { contains(hole, $0) } })
        }
        switch g {
        case .polygon(let p): return .polygon(clean(p))
        case .multiPolygon(let m): return .multiPolygon(MultiPolygon(m.polygons.map(clean)))
        default: return g
        }
    }

    /// Whether the ring holds the point (even–odd rule; a point on the ring counts either way).
    static func contains(_ ring: LinearRing, _ c: Coordinate) -> Bool {
        let v = ring.coordinates
        var inside = false
        var j = v.count - 1
        for i in 0..<v.count {
            let a = v[i], b = v[j]
            if (a.y > c.y) != (b.y > c.y), c.x < (b.x - a.x) * (c.y - a.y) / (b.y - a.y) + a.x { inside.toggle() }
            j = i
        }
        return inside
    }
}
