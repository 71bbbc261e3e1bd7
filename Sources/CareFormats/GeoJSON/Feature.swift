import CareGeometry

/// A geographic feature: an optional geometry with its properties (RFC 7946 §3.2).
public struct Feature: Hashable, Sendable {
    /// The feature's `id` member: a string or a number, or nil when absent.
    public var id: JSONValue?
    /// Nil for `"geometry": null` (and for an empty `Point`, `LineString` or `Polygon`, which RFC 7946
    /// §3.1 lets readers treat as null).
    public var geometry: Geometry?
    /// Properties in file order; every JSON type is kept as it was read.
    public var properties: JSONObject

    public init(id: JSONValue? = nil, geometry: Geometry?, properties: JSONObject = [:]) {
        self.id = id
        self.geometry = geometry
        self.properties = properties
    }
}

/// The features of one file, with the CRS their coordinates are in.
public struct FeatureLayer: Hashable, Sendable {
    /// The file name without its extension (or the name given to ``GeoJSON/read(data:name:)``).
    public var name: String
    /// The CRS of the coordinates in ``features``: the file's legacy `crs` member when present,
    /// otherwise ``CareGeometry/CRS/wgs84``.
    public var crs: CRS
    public var features: [Feature]

    public init(name: String, crs: CRS = .wgs84, features: [Feature]) {
        self.name = name
        self.crs = crs
        self.features = features
    }

    /// How many features have no geometry.
    public var nullGeometryCount: Int {
        features.reduce(0) { $0 + ($1.geometry == nil ? 1 : 0) }
    }
}
