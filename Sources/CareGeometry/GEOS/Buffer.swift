import CGEOS

extension GeometryConvertible {
    /// The area within `distance` CRS units of the geometry, by `GEOSBuffer_r`; round joins and caps,
    /// each quarter circle approximated by `quadrantSegments` segments (GEOS's default is 8; the
    /// area of a buffered point is then 0.9745 π r²). A negative distance shrinks polygons.
    ///
    /// - Throws: ``GeometryError/invalidInput(_:)`` for a non-finite distance or `quadrantSegments` < 1.
    public func buffer(distance: Double, quadrantSegments: Int = 8) throws -> Geometry {
        guard distance.isFinite else { throw GeometryError.invalidInput("buffer distance must be finite, got \(distance)") }
        guard quadrantSegments >= 1 else {
            throw GeometryError.invalidInput("quadrantSegments must be at least 1, got \(quadrantSegments)")
        }
        return try unaryGEOS("GEOSBuffer_r") { geosAPI.GEOSBuffer_r($0, $1, distance, Int32(quadrantSegments)) }
    }
}
