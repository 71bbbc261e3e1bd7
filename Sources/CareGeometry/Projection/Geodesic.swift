import CPROJ

/// Geodesic measures on an ellipsoid, by PROJ's implementation of Karney (2013), "Algorithms for
/// geodesics", J. Geodesy 87:43–55 (`geod_polygonarea`). Used to cross-check planar areas.
public enum Geodesic {
    /// GRS80, the ellipsoid of JGD2000/JGD2011: a = 6 378 137 m, 1/f = 298.257222101.
    public static let grs80 = (semiMajorAxisMeters: 6_378_137.0, inverseFlattening: 298.257222101)

    /// Area in m² of a polygonal geometry given in longitude/latitude degrees, on GRS80:
    /// A = Σ |A(exterior)| − Σ |A(holes)|, each ring's area the exact geodesic polygon area.
    ///
    /// - Throws: ``GeometryError/invalidInput(_:)`` when a coordinate is not a valid lon/lat;
    ///   ``GeometryError/proj(operation:message:)`` when PROJ cannot be loaded.
    public static func area(of geometry: any GeometryConvertible) throws -> Double {
        let api = try PROJLibrary.loaded().api
        var g = geod_geodesic()
        api.geod_init(&g, grs80.semiMajorAxisMeters, 1 / grs80.inverseFlattening)
        var total = 0.0
        for polygon in geometry.geometry.polygons {
            for (i, ring) in polygon.rings.enumerated() {
                let a = abs(try ringArea(ring, &g, api))
                total += i == 0 ? a : -a
            }
        }
        return total
    }

    private static func ringArea(_ ring: LinearRing, _ g: inout geod_geodesic, _ api: CareAtlasPROJ) throws -> Double {
        var lats: [Double] = []
        var lons: [Double] = []
        // geod_polygonarea closes the ring itself: drop the repeated last position.
        for c in ring.coordinates.dropLast() {
            guard (-90...90).contains(c.y), (-540...540).contains(c.x) else {
                throw GeometryError.invalidInput("\(c) is not a longitude/latitude position in degrees")
            }
            lons.append(c.x)
            lats.append(c.y)
        }
        var area = 0.0
        var perimeter = 0.0
        api.geod_polygonarea(&g, &lats, &lons, Int32(lats.count), &area, &perimeter)
        return area
    }
}
