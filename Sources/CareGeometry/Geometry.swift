/// A position in a plane: `x` is easting or longitude, `y` is northing or latitude.
///
/// CareAtlas always keeps longitude first (the GIS convention, RFC 7946 §3.1.1), whatever the
/// axis order an EPSG definition declares. Values are not checked here; the geometry types that
/// hold coordinates reject non-finite ones.
public struct Coordinate: Hashable, Sendable, CustomStringConvertible {
    public var x: Double
    public var y: Double

    public init(x: Double, y: Double) {
        self.x = x
        self.y = y
    }

    /// Convenience for longitude/latitude pairs, longitude first.
    public init(lon: Double, lat: Double) {
        self.init(x: lon, y: lat)
    }

    public var isFinite: Bool { x.isFinite && y.isFinite }

    /// The largest |x| or |y| a position in a projected CRS can have, metres: no projected CRS
    /// reaches this far (the Earth's circumference is 4e7 m), so a larger value is a wrong column
    /// or unit.
    public static let projectedLimit = 1e8

    public var description: String { "(\(x), \(y))" }
}

/// Raised when a geometry cannot be built or an operation on it fails.
///
/// `geos` and `proj` cases carry the C library's own message so that a user sees the real reason.
public enum GeometryError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The input does not describe a geometry (an unclosed ring, too few points, a NaN coordinate).
    case invalidInput(String)
    /// A GEOS call failed; `message` is what GEOS reported.
    case geos(operation: String, message: String)
    /// A PROJ call failed; `message` is what PROJ reported.
    case proj(operation: String, message: String)

    public var description: String {
        switch self {
        case .invalidInput(let reason): return reason
        case .geos(let operation, let message): return "GEOS \(operation) failed: \(message)"
        case .proj(let operation, let message): return "PROJ \(operation) failed: \(message)"
        }
    }

    /// Whether GEOS or PROJ itself could not be loaded (it is bound at first use): every later
    /// call fails the same way, so a caller reports it once instead of per feature.
    public var isLibraryLoadFailure: Bool {
        switch self {
        case .geos(let operation, _), .proj(let operation, _): operation == "loading"
        case .invalidInput: false
        }
    }

    /// Binds GEOS now (it is otherwise bound by the first geometry operation); nil when it is
    /// bound, else the error naming the libraries tried and the fix. Lets a whole job (a study
    /// load) stop at its start with one message instead of failing feature by feature.
    public static func geosLoadFailure() -> GeometryError? {
        do {
            _ = try GEOSLibrary.loaded()
            return nil
        } catch {
            return error
        }
    }
}

func checkFinite(_ coordinates: [Coordinate], _ what: String) throws {
    if let index = coordinates.firstIndex(where: { !$0.isFinite }) {
        throw GeometryError.invalidInput(
            "\(what) has a non-finite coordinate at position \(index): \(coordinates[index])")
    }
}

/// A single position.
public struct Point: Hashable, Sendable {
    public let coordinate: Coordinate

    /// - Throws: ``GeometryError/invalidInput(_:)`` when a coordinate is NaN or infinite.
    public init(_ coordinate: Coordinate) throws {
        try checkFinite([coordinate], "point")
        self.coordinate = coordinate
    }

    public init(x: Double, y: Double) throws {
        try self.init(Coordinate(x: x, y: y))
    }
}

/// A sequence of two or more positions joined by straight segments.
public struct LineString: Hashable, Sendable {
    public let coordinates: [Coordinate]

    /// - Throws: ``GeometryError/invalidInput(_:)`` with fewer than two positions or a non-finite one.
    public init(_ coordinates: [Coordinate]) throws {
        guard coordinates.count >= 2 else {
            throw GeometryError.invalidInput(
                "a line string needs at least 2 positions, got \(coordinates.count)")
        }
        try checkFinite(coordinates, "line string")
        self.coordinates = coordinates
    }
}

/// A closed line string: at least four positions, the first equal to the last.
public struct LinearRing: Hashable, Sendable {
    public let coordinates: [Coordinate]

    /// - Throws: ``GeometryError/invalidInput(_:)`` with fewer than four positions, when the ring
    ///   is not closed, or with a non-finite position.
    public init(_ coordinates: [Coordinate]) throws {
        guard coordinates.count >= 4 else {
            throw GeometryError.invalidInput(
                "a linear ring needs at least 4 positions, got \(coordinates.count)")
        }
        guard coordinates.first == coordinates.last else {
            throw GeometryError.invalidInput(
                "a linear ring must be closed: first position \(coordinates[0]) differs from last \(coordinates[coordinates.count - 1])")
        }
        try checkFinite(coordinates, "linear ring")
        self.coordinates = coordinates
    }

    /// Twice the signed area by the shoelace formula; positive when the ring runs counter-clockwise
    /// (with y pointing up).
    public var signedDoubleArea: Double {
        var sum = 0.0
        let c = coordinates
        let x0 = c[0].x, y0 = c[0].y  // shift for numerical stability
        for i in 0..<(c.count - 1) {
            sum += (c[i].x - x0) * (c[i + 1].y - y0) - (c[i + 1].x - x0) * (c[i].y - y0)
        }
        return sum
    }

    public var isCounterClockwise: Bool { signedDoubleArea > 0 }

    /// The same ring traversed in the opposite direction.
    public var reversed: LinearRing {
        // Reversing a closed ring keeps it closed: no validation needed.
        LinearRing(unchecked: coordinates.reversed())
    }

    init(unchecked coordinates: [Coordinate]) {
        self.coordinates = coordinates
    }
}

/// A polygon: one exterior ring and zero or more holes.
///
/// Ring orientation is not imposed on input; ``Polygon/orientedForRFC7946`` gives the RFC 7946
/// orientation (exterior counter-clockwise, holes clockwise).
public struct Polygon: Hashable, Sendable {
    public let exterior: LinearRing
    public let holes: [LinearRing]

    public init(exterior: LinearRing, holes: [LinearRing] = []) {
        self.exterior = exterior
        self.holes = holes
    }

    /// Builds a polygon from rings given as coordinate arrays, the first one the exterior.
    public init(rings: [[Coordinate]]) throws {
        guard let first = rings.first else {
            throw GeometryError.invalidInput("a polygon needs an exterior ring, got no rings")
        }
        self.exterior = try LinearRing(first)
        self.holes = try rings.dropFirst().map { try LinearRing($0) }
    }

    /// All rings, exterior first.
    public var rings: [LinearRing] { [exterior] + holes }

    /// Exterior counter-clockwise and holes clockwise, as RFC 7946 §3.1.6 asks of writers.
    public var orientedForRFC7946: Polygon {
        Polygon(
            exterior: exterior.isCounterClockwise ? exterior : exterior.reversed,
            holes: holes.map { $0.isCounterClockwise ? $0.reversed : $0 })
    }
}

/// Several points.
public struct MultiPoint: Hashable, Sendable {
    public let points: [Point]
    public init(_ points: [Point]) { self.points = points }
}

/// Several line strings.
public struct MultiLineString: Hashable, Sendable {
    public let lineStrings: [LineString]
    public init(_ lineStrings: [LineString]) { self.lineStrings = lineStrings }
}

/// Several polygons. An empty multipolygon is how CareAtlas represents an empty areal result
/// (for example the intersection of two disjoint polygons).
public struct MultiPolygon: Hashable, Sendable {
    public let polygons: [Polygon]
    public init(_ polygons: [Polygon]) { self.polygons = polygons }
}

/// Any geometry of the OGC simple-features model used by GeoJSON.
///
/// A value type: safe to share between threads. Operations (area, buffer, union…) are computed by
/// GEOS and live in extensions, one concern per file.
public indirect enum Geometry: Hashable, Sendable {
    case point(Point)
    case lineString(LineString)
    case polygon(Polygon)
    case multiPoint(MultiPoint)
    case multiLineString(MultiLineString)
    case multiPolygon(MultiPolygon)
    case collection([Geometry])

    /// The GeoJSON / OGC type name ("Polygon", "MultiPolygon", …).
    public var typeName: String {
        switch self {
        case .point: return "Point"
        case .lineString: return "LineString"
        case .polygon: return "Polygon"
        case .multiPoint: return "MultiPoint"
        case .multiLineString: return "MultiLineString"
        case .multiPolygon: return "MultiPolygon"
        case .collection: return "GeometryCollection"
        }
    }

    /// True when the geometry holds no position.
    public var isEmpty: Bool {
        switch self {
        case .point, .lineString, .polygon: return false
        case .multiPoint(let m): return m.points.isEmpty
        case .multiLineString(let m): return m.lineStrings.isEmpty
        case .multiPolygon(let m): return m.polygons.isEmpty
        case .collection(let c): return c.allSatisfy(\.isEmpty)
        }
    }

    /// Polygons of a polygonal geometry (Polygon, MultiPolygon, or a collection of them); empty for others.
    public var polygons: [Polygon] {
        switch self {
        case .polygon(let p): return [p]
        case .multiPolygon(let m): return m.polygons
        case .collection(let c): return c.flatMap(\.polygons)
        default: return []
        }
    }

    /// Every position, in order, rings and parts included.
    public var allCoordinates: [Coordinate] {
        var out: [Coordinate] = []
        forEachCoordinate { out.append($0) }
        return out
    }

    /// Calls `body` on every position, in order.
    public func forEachCoordinate(_ body: (Coordinate) throws -> Void) rethrows {
        switch self {
        case .point(let p): try body(p.coordinate)
        case .lineString(let l): for c in l.coordinates { try body(c) }
        case .polygon(let p): for r in p.rings { for c in r.coordinates { try body(c) } }
        case .multiPoint(let m): for p in m.points { try body(p.coordinate) }
        case .multiLineString(let m): for l in m.lineStrings { for c in l.coordinates { try body(c) } }
        case .multiPolygon(let m):
            for p in m.polygons { for r in p.rings { for c in r.coordinates { try body(c) } } }
        case .collection(let c): for g in c { try g.forEachCoordinate(body) }
        }
    }

    /// The same geometry with every position passed through `transform`.
    ///
    /// Validation is repeated on the result, so a transform that yields NaN throws.
    public func mapCoordinates(_ transform: (Coordinate) throws -> Coordinate) throws -> Geometry {
        switch self {
        case .point(let p): return .point(try Point(transform(p.coordinate)))
        case .lineString(let l): return .lineString(try LineString(l.coordinates.map(transform)))
        case .polygon(let p): return .polygon(try p.mapCoordinates(transform))
        case .multiPoint(let m):
            return .multiPoint(MultiPoint(try m.points.map { try Point(transform($0.coordinate)) }))
        case .multiLineString(let m):
            return .multiLineString(
                MultiLineString(try m.lineStrings.map { try LineString($0.coordinates.map(transform)) }))
        case .multiPolygon(let m):
            return .multiPolygon(MultiPolygon(try m.polygons.map { try $0.mapCoordinates(transform) }))
        case .collection(let c): return .collection(try c.map { try $0.mapCoordinates(transform) })
        }
    }

    /// The bounding box of all positions, or nil for an empty geometry. Computed in Swift (no GEOS
    /// call) because it is needed on every feature read.
    public var boundingBox: Envelope? {
        var env: Envelope? = nil
        forEachCoordinate { c in
            if var e = env { e.expand(toInclude: c); env = e } else { env = Envelope(c) }
        }
        return env
    }
}

extension Polygon {
    func mapCoordinates(_ transform: (Coordinate) throws -> Coordinate) throws -> Polygon {
        Polygon(
            exterior: try LinearRing(exterior.coordinates.map(transform)),
            holes: try holes.map { try LinearRing($0.coordinates.map(transform)) })
    }
}

/// An axis-aligned rectangle.
public struct Envelope: Hashable, Sendable, CustomStringConvertible {
    public var minX: Double
    public var minY: Double
    public var maxX: Double
    public var maxY: Double

    public init(minX: Double, minY: Double, maxX: Double, maxY: Double) {
        self.minX = minX
        self.minY = minY
        self.maxX = maxX
        self.maxY = maxY
    }

    public init(_ c: Coordinate) {
        self.init(minX: c.x, minY: c.y, maxX: c.x, maxY: c.y)
    }

    public var width: Double { maxX - minX }
    public var height: Double { maxY - minY }
    public var center: Coordinate { Coordinate(x: (minX + maxX) / 2, y: (minY + maxY) / 2) }

    public mutating func expand(toInclude c: Coordinate) {
        minX = Swift.min(minX, c.x)
        minY = Swift.min(minY, c.y)
        maxX = Swift.max(maxX, c.x)
        maxY = Swift.max(maxY, c.y)
    }

    public mutating func expand(toInclude e: Envelope) {
        minX = Swift.min(minX, e.minX)
        minY = Swift.min(minY, e.minY)
        maxX = Swift.max(maxX, e.maxX)
        maxY = Swift.max(maxY, e.maxY)
    }

    /// The envelope grown by `distance` on every side.
    public func expanded(by distance: Double) -> Envelope {
        Envelope(minX: minX - distance, minY: minY - distance, maxX: maxX + distance, maxY: maxY + distance)
    }

    public func intersects(_ other: Envelope) -> Bool {
        !(other.minX > maxX || other.maxX < minX || other.minY > maxY || other.maxY < minY)
    }

    public func contains(_ c: Coordinate) -> Bool {
        c.x >= minX && c.x <= maxX && c.y >= minY && c.y <= maxY
    }

    /// The rectangle as a polygon (counter-clockwise).
    public var polygon: Polygon {
        Polygon(exterior: LinearRing(unchecked: [
            Coordinate(x: minX, y: minY), Coordinate(x: maxX, y: minY), Coordinate(x: maxX, y: maxY),
            Coordinate(x: minX, y: maxY), Coordinate(x: minX, y: minY),
        ]))
    }

    public var description: String { "[\(minX), \(minY), \(maxX), \(maxY)]" }
}

/// Anything that can be seen as a ``Geometry``; every GEOS-backed operation is defined once on it.
public protocol GeometryConvertible: Sendable {
    var geometry: Geometry { get }
}

extension Geometry: GeometryConvertible { public var geometry: Geometry { self } }
extension Point: GeometryConvertible { public var geometry: Geometry { .point(self) } }
extension LineString: GeometryConvertible { public var geometry: Geometry { .lineString(self) } }
extension Polygon: GeometryConvertible { public var geometry: Geometry { .polygon(self) } }
extension MultiPoint: GeometryConvertible { public var geometry: Geometry { .multiPoint(self) } }
extension MultiLineString: GeometryConvertible { public var geometry: Geometry { .multiLineString(self) } }
extension MultiPolygon: GeometryConvertible { public var geometry: Geometry { .multiPolygon(self) } }
