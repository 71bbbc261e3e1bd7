/// Reading and writing GeoJSON (RFC 7946).
///
/// ## Reading
/// ``read(contentsOf:)`` and ``read(data:name:)`` accept a `FeatureCollection`, a single `Feature`
/// or a bare geometry, and return a ``FeatureLayer``:
/// - every geometry type maps to `CareGeometry.Geometry` through its validating initialisers, so an
///   unclosed ring or a ring of three positions is an error;
/// - positions keep the file's coordinates (the caller transforms them); a third value (z) is dropped;
/// - `"geometry": null` gives a feature without geometry; so does an empty `Point`, `LineString` or
///   `Polygon` (`"coordinates": []`, RFC 7946 §3.1); an empty `Multi*` stays an empty multi-geometry;
/// - a missing `properties` member, or `"properties": null`, reads as no properties; a missing
///   `geometry` member is an error (write `"geometry": null`);
/// - `id` is kept when it is a string or a number (`"id": null` reads as no id);
/// - the legacy `crs` member (`{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::6668"}}`,
///   or the 2008 form `{"type":"EPSG","properties":{"code":6668}}`) sets ``FeatureLayer/crs``;
///   without it, or with `"crs": null`, the layer is ``CareGeometry/CRS/wgs84``;
/// - other foreign members are ignored.
///
/// Every problem in every feature is collected and reported at once in one ``GeoJSONError``; a JSON
/// syntax error stops reading at once (nothing after it can be trusted).
///
/// ## Writing
/// ``encode(_:decimals:boundingBoxes:)`` and ``write(_:to:decimals:boundingBoxes:)`` produce
/// RFC 7946 output: see ``encode(_:decimals:boundingBoxes:)`` for the exact layout.
public enum GeoJSON {
    /// The geometry type names of RFC 7946, in the order used by messages.
    public static let geometryTypeNames = [
        "Point", "MultiPoint", "LineString", "MultiLineString", "Polygon", "MultiPolygon", "GeometryCollection",
    ]
}
