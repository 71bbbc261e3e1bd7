import CGEOS

extension GeometryConvertible {
    /// The point-set intersection, by `GEOSIntersection_r` (OverlayNG). Empty results are empty
    /// collections (an empty ``MultiPolygon`` for areal inputs).
    public func intersection(_ other: any GeometryConvertible) throws -> Geometry {
        try binaryGEOS(other, "GEOSIntersection_r") { geosAPI.GEOSIntersection_r($0, $1, $2) }
    }

    /// The part of this geometry not in `other`, by `GEOSDifference_r`.
    public func difference(_ other: any GeometryConvertible) throws -> Geometry {
        try binaryGEOS(other, "GEOSDifference_r") { geosAPI.GEOSDifference_r($0, $1, $2) }
    }

    /// The boundary (OGC): rings of a polygon as lines, end points of a line string, by `GEOSBoundary_r`.
    public func boundary() throws -> Geometry {
        try unaryGEOS("GEOSBoundary_r") { geosAPI.GEOSBoundary_r($0, $1) }
    }

    /// The union of all parts of this geometry (dissolves overlaps and shared edges), by `GEOSUnaryUnion_r`.
    public func unaryUnion() throws -> Geometry {
        try unaryGEOS("GEOSUnaryUnion_r") { geosAPI.GEOSUnaryUnion_r($0, $1) }
    }
}

extension Geometry {
    /// The union of many geometries, by `GEOSUnaryUnion_r` over their collection. Works for any
    /// input, overlapping or not.
    public static func union(_ geometries: [any GeometryConvertible]) throws -> Geometry {
        try Geometry.collection(geometries.map(\.geometry)).unaryUnion()
    }

    /// The union of polygons that form a coverage (they may share edges but must not overlap), by
    /// `GEOSCoverageUnion_r`. Much faster than ``union(_:)`` for adjacent administrative areas
    /// because shared edges are matched, not intersected. The result is wrong (not an error) if the
    /// polygons overlap: check the coverage first when that is possible.
    public static func coverageUnion(_ polygons: [Polygon]) throws -> Geometry {
        guard !polygons.isEmpty else { return .multiPolygon(MultiPolygon([])) }
        return try Geometry.collection(polygons.map { .polygon($0) })
            .unaryGEOS("GEOSCoverageUnion_r") { geosAPI.GEOSCoverageUnion_r($0, $1) }
    }
}
