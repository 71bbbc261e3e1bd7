import CGEOS

/// Voronoi (Thiessen) diagrams: the region of the plane nearer to each site than to any other,
/// used for nearest-institution catchments (Thiessen 1911; GEOS's incremental Delaunay algorithm).
public enum Voronoi {
    /// The Voronoi cell of each site, clipped to `envelope`, in the same order as `sites`.
    ///
    /// Duplicate sites share one cell (each gets a copy). Sites outside the envelope get the part
    /// of their cell inside it, or nil when nothing is left. By `GEOSVoronoiDiagram_r` followed by
    /// `GEOSClipByRect_r`; cells are matched to sites by containment because GEOS 3.11 does not keep
    /// the input order.
    ///
    /// With a `snapTolerance` (in the units of the coordinates), sites in the same square of a grid
    /// of that size become the first of them (which keeps its position exactly), and share its cell:
    /// distinct sites a few units of the last place apart (5e-324) otherwise make the triangulation
    /// fail ("LocateFailureException: Could not locate vertex"), even with GEOS's own tolerance.
    public static func cells(sites given: [Coordinate], clippedTo envelope: Envelope, snapTolerance: Double = 0) throws -> [Polygon?] {
        guard !given.isEmpty else { return [] }
        var sites = given
        if snapTolerance > 0 {
            var first: [SIMD2<Double>: Coordinate] = [:]
            sites = given.map { c in
                let key = SIMD2((c.x / snapTolerance).rounded(), (c.y / snapTolerance).rounded())
                if let kept = first[key] { return kept }
                first[key] = c
                return c
            }
        }
        let points = try sites.map { try Point($0) }
        if sites.count == 1 || Set(sites).count == 1 {
            return Array(repeating: envelope.polygon, count: sites.count)
        }
        let sitesGeometry = Geometry.multiPoint(MultiPoint(points))
        let cells: [Polygon] = try sitesGeometry.withGEOS { ctx, g in
            let frame = try GEOSObject(.polygon(envelope.polygon), context: ctx)
            // GEOSVoronoiDiagram_r returns NULL on exception; onlyEdges = 0 gives polygons.
            let diagram = try ctx.own(geosAPI.GEOSVoronoiDiagram_r(ctx.handle, g.pointer, frame.pointer, snapTolerance, 0), "GEOSVoronoiDiagram_r")
            // GEOSClipByRect_r returns NULL on exception.
            let clipped = try ctx.own(
                geosAPI.GEOSClipByRect_r(ctx.handle, diagram.pointer, envelope.minX, envelope.minY, envelope.maxX, envelope.maxY),
                "GEOSClipByRect_r")
            return try clipped.value().polygons
        }
        var result = [Polygon?](repeating: nil, count: sites.count)
        let index = try SpatialIndex(envelopes: sites.map { Envelope($0) })
        for cell in cells {
            guard let box = cell.geometry.boundingBox else { continue }
            let prepared = try PreparedGeometry(cell)
            for i in index.query(intersecting: box) where result[i] == nil {
                if try prepared.covers(sites[i]) { result[i] = cell }
            }
        }
        return result
    }
}
