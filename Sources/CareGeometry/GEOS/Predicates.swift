import CGEOS

extension GeometryConvertible {
    /// True when `other` lies in this geometry and at least one interior point is shared (DE-9IM
    /// `T*****FF*`), by `GEOSContains_r`. A point on the boundary is not contained.
    public func contains(_ other: any GeometryConvertible) throws -> Bool {
        try predicateGEOS(other, "GEOSContains_r") { geosAPI.GEOSContains_r($0, $1, $2) }
    }

    /// True when the geometries share at least one point, by `GEOSIntersects_r`.
    public func intersects(_ other: any GeometryConvertible) throws -> Bool {
        try predicateGEOS(other, "GEOSIntersects_r") { geosAPI.GEOSIntersects_r($0, $1, $2) }
    }

    /// True when the geometries share boundary points but no interior point, by `GEOSTouches_r`.
    /// Two areas meeting at a single corner touch; ``Geometry`` adjacency also checks the length.
    public func touches(_ other: any GeometryConvertible) throws -> Bool {
        try predicateGEOS(other, "GEOSTouches_r") { geosAPI.GEOSTouches_r($0, $1, $2) }
    }
}
