import CGEOS

extension GeometryConvertible {
    /// Douglas–Peucker simplification that keeps topology (no ring collapses or self-intersections,
    /// holes stay inside), by `GEOSTopologyPreserveSimplify_r`. `tolerance` is in CRS units.
    ///
    /// Note: shared boundaries of adjacent polygons simplified one by one may drift apart; simplify
    /// a coverage as a whole for maps.
    public func simplified(tolerance: Double) throws -> Geometry {
        guard tolerance.isFinite, tolerance >= 0 else {
            throw GeometryError.invalidInput("simplify tolerance must be a finite number ≥ 0, got \(tolerance)")
        }
        return try unaryGEOS("GEOSTopologyPreserveSimplify_r") { geosAPI.GEOSTopologyPreserveSimplify_r($0, $1, tolerance) }
    }
}
