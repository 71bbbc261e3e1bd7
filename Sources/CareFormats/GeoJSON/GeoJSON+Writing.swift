import CareGeometry
import Foundation

extension GeoJSON {
    /// The largest number of decimals ``encode(_:decimals:boundingBoxes:)`` accepts.
    public static let maximumDecimals = 15

    /// Encodes a layer as RFC 7946 GeoJSON.
    ///
    /// Output, byte-for-byte reproducible (encoding the same layer twice gives identical bytes):
    ///
    ///     {"type":"FeatureCollection","features":[
    ///     {"geometry":{"coordinates":[…],"type":"Polygon"},"id":1,"properties":{"a":1,"b":"x"},"type":"Feature"},
    ///     {"geometry":null,"properties":{},"type":"Feature"}
    ///     ]}
    ///
    /// - One feature per line, so that diffs of two versions are readable. The collection's opening
    ///   line is fixed text with `type` first, so the kind of file shows in its first bytes; inside
    ///   every feature, object keys are sorted by UTF-8 byte order. No legacy `crs` member is written.
    /// - Coordinates are WGS 84 longitude/latitude. A layer in another CRS is transformed with PROJ,
    ///   except WGS 84, OGC CRS84, JGD2011 (EPSG:6668) and JGD2000 (EPSG:4612), which are written
    ///   unchanged: the JGD datums differ from WGS 84 by less than 1 m (PROJ's own
    ///   JGD2011 → WGS 84 operation, EPSG:9936, is a no-op of 1 m accuracy), far below the precision of
    ///   boundary data. Geographic CRSs on other datums are transformed too: the Tokyo datum
    ///   (EPSG:4301) is about 400 m away from WGS 84.
    /// - Polygon exterior rings run counter-clockwise and holes clockwise (RFC 7946 §3.1.6).
    /// - Coordinates are rounded to `decimals` places, half away from zero after scaling by
    ///   10^`decimals`, and printed exactly so, without trailing zeros (`139.76360004` → `139.7636`,
    ///   `140.00000001` → `140`). 7 decimals is about 1 cm. Property values are written in full with
    ///   the fixed number policy of ``JSONValue/jsonString()``.
    /// - With `boundingBoxes`, each feature with a non-empty geometry and the collection get a `bbox`
    ///   (`[west, south, east, north]`, rounded like the coordinates, so equal to the extremes of the
    ///   written positions). Off by default.
    /// - Features are written in layer order; `"properties": {}` when a feature has none.
    ///
    /// - Throws: ``GeoJSONError`` listing every feature that cannot be written (an `id` that is not a
    ///   string or number, a NaN property, a position PROJ cannot transform), or when `decimals` is
    ///   outside 0...``maximumDecimals``.
    public static func encode(_ layer: FeatureLayer, decimals: Int = 7, boundingBoxes: Bool = false) throws(GeoJSONError)
        -> Data
    {
        Data(try encodeBytes(layer, decimals: decimals, boundingBoxes: boundingBoxes))
    }

    /// Encodes `layer` as with ``encode(_:decimals:boundingBoxes:)`` and writes it atomically to `url`
    /// (see ``AtomicFile``).
    ///
    /// - Throws: ``GeoJSONError`` when the layer cannot be encoded, ``FileWriteError`` when the file
    ///   cannot be written.
    public static func write(_ layer: FeatureLayer, to url: URL, decimals: Int = 7, boundingBoxes: Bool = false) throws {
        try AtomicFile.write(encode(layer, decimals: decimals, boundingBoxes: boundingBoxes), to: url)
    }

    /// CRSs written as they are, being WGS 84 or within 1 m of it.
    static func isWrittenUnchanged(_ crs: CRS) -> Bool {
        crs.identifier == "OGC:CRS84" || [4326, 6668, 4612].contains(crs.epsgCode ?? -1)
    }

    static func encodeBytes(_ layer: FeatureLayer, decimals: Int, boundingBoxes: Bool) throws(GeoJSONError) -> [UInt8] {
        guard (0...maximumDecimals).contains(decimals) else {
            throw GeoJSONError(
                source: layer.name,
                problems: [
                    .init(
                        path: .root, message: "cannot write with \(decimals) decimals",
                        hint: "use 0 to \(maximumDecimals) decimals (7 is about 1 cm)")
                ])
        }
        var transform: CoordinateTransform? = nil
        if !isWrittenUnchanged(layer.crs) {
            do {
                transform = try CoordinateTransform.borrow(from: layer.crs, to: .wgs84)
            } catch {
                throw GeoJSONError(
                    source: layer.name,
                    problems: [
                        .init(
                            path: .root, message: "cannot transform \(layer.crs) to WGS 84: \(message(for: error))",
                            hint: "check the layer's CRS")
                    ])
            }
        }

        defer { if let transform { CoordinateTransform.giveBack(transform) } }
        var problems: [GeoJSONError.Problem] = []
        var lines: [[UInt8]] = []
        lines.reserveCapacity(layer.features.count)
        var extent: Envelope? = nil
        for (k, feature) in layer.features.enumerated() {
            var encoder = FeatureEncoder(decimals: decimals, boundingBoxes: boundingBoxes)
            let featurePath = JSONPath([.key("features"), .index(k)])
            var geometry = feature.geometry
            if let g = geometry, let transform {
                do {
                    geometry = try transform.transform(g)
                } catch {
                    problems.append(
                        .init(
                            featureIndex: k, path: featurePath.appending(key: "geometry"),
                            message: message(for: error), hint: nil))
                    continue
                }
            }
            if let box = geometry?.boundingBox {
                if extent == nil { extent = box } else { extent!.expand(toInclude: box) }
            }
            do {
                try encoder.write(feature, geometry: geometry)
                lines.append(encoder.bytes)
            } catch {
                problems.append(
                    .init(
                        featureIndex: k, path: JSONPath(featurePath.components + error.path),
                        message: error.message, hint: error.hint))
            }
        }
        guard problems.isEmpty else { throw GeoJSONError(source: layer.name, problems: problems) }

        var out: [UInt8] = []
        out.reserveCapacity(lines.reduce(64) { $0 + $1.count + 2 })
        out.append(contentsOf: #"{"type":"FeatureCollection","#.utf8)
        if boundingBoxes, let extent {
            out.append(contentsOf: #""bbox":"#.utf8)
            FeatureEncoder.appendBoundingBox(extent, decimals: decimals, to: &out)
            out.append(UInt8(ascii: ","))
        }
        out.append(contentsOf: "\"features\":[\n".utf8)
        for (k, line) in lines.enumerated() {
            out.append(contentsOf: line)
            if k < lines.count - 1 { out.append(UInt8(ascii: ",")) }
            out.append(UInt8(ascii: "\n"))
        }
        out.append(contentsOf: "]}\n".utf8)
        return out
    }
}

/// Writes one feature as a single line of compact JSON with sorted keys.
struct FeatureEncoder {
    struct Failure: Error {
        let path: [JSONPath.Component]
        let message: String
        let hint: String?
    }

    let decimals: Int
    let boundingBoxes: Bool
    var bytes: [UInt8] = []

    init(decimals: Int, boundingBoxes: Bool) {
        self.decimals = decimals
        self.boundingBoxes = boundingBoxes
    }

    /// Writes `feature` with `geometry` (already in WGS 84) in place of its own.
    mutating func write(_ feature: Feature, geometry: Geometry?) throws(Failure) {
        // Keys in byte order: bbox, geometry, id, properties, type.
        bytes.append(UInt8(ascii: "{"))
        if boundingBoxes, let box = geometry?.boundingBox {
            bytes.append(contentsOf: #""bbox":"#.utf8)
            FeatureEncoder.appendBoundingBox(box, decimals: decimals, to: &bytes)
            bytes.append(UInt8(ascii: ","))
        }
        bytes.append(contentsOf: #""geometry":"#.utf8)
        if let geometry {
            writeGeometry(geometry)
        } else {
            bytes.append(contentsOf: "null".utf8)
        }
        if let id = feature.id {
            switch id {
            case .string, .number:
                bytes.append(contentsOf: #","id":"#.utf8)
                try writeValue(id, at: [.key("id")])
            default:
                throw Failure(
                    path: [.key("id")], message: "\"id\" must be a string or a number, found \(describe(id))",
                    hint: nil)
            }
        }
        bytes.append(contentsOf: #","properties":"#.utf8)
        try writeValue(.object(feature.properties), at: [.key("properties")])
        bytes.append(contentsOf: #","type":"Feature"}"#.utf8)
    }

    mutating func writeValue(_ value: JSONValue, at path: [JSONPath.Component]) throws(Failure) {
        var writer = JSONWriter(nonFinite: .reject)
        do {
            try writer.write(value)
        } catch {
            throw Failure(
                path: path + error.path.components, message: "cannot write \(error.value): JSON has no NaN or infinity",
                hint: "replace it with null or a finite number")
        }
        bytes.append(contentsOf: writer.bytes)
    }

    mutating func writeGeometry(_ geometry: Geometry) {
        bytes.append(UInt8(ascii: "{"))
        switch geometry {
        case .collection(let parts):
            bytes.append(contentsOf: #""geometries":["#.utf8)
            for (k, part) in parts.enumerated() {
                if k > 0 { bytes.append(UInt8(ascii: ",")) }
                writeGeometry(part)
            }
            bytes.append(UInt8(ascii: "]"))
        case .point(let p):
            bytes.append(contentsOf: #""coordinates":"#.utf8)
            writePosition(p.coordinate)
        case .multiPoint(let m):
            bytes.append(contentsOf: #""coordinates":"#.utf8)
            writePositions(m.points.map(\.coordinate))
        case .lineString(let l):
            bytes.append(contentsOf: #""coordinates":"#.utf8)
            writePositions(l.coordinates)
        case .multiLineString(let m):
            bytes.append(contentsOf: #""coordinates":["#.utf8)
            for (k, line) in m.lineStrings.enumerated() {
                if k > 0 { bytes.append(UInt8(ascii: ",")) }
                writePositions(line.coordinates)
            }
            bytes.append(UInt8(ascii: "]"))
        case .polygon(let p):
            bytes.append(contentsOf: #""coordinates":"#.utf8)
            writePolygon(p)
        case .multiPolygon(let m):
            bytes.append(contentsOf: #""coordinates":["#.utf8)
            for (k, polygon) in m.polygons.enumerated() {
                if k > 0 { bytes.append(UInt8(ascii: ",")) }
                writePolygon(polygon)
            }
            bytes.append(UInt8(ascii: "]"))
        }
        bytes.append(contentsOf: #","type":"#.utf8)
        JSONWriter.appendQuoted(geometry.typeName, to: &bytes)
        bytes.append(UInt8(ascii: "}"))
    }

    /// Rings in RFC 7946 orientation: exterior counter-clockwise, holes clockwise.
    mutating func writePolygon(_ polygon: Polygon) {
        let oriented = polygon.orientedForRFC7946
        bytes.append(UInt8(ascii: "["))
        for (k, ring) in oriented.rings.enumerated() {
            if k > 0 { bytes.append(UInt8(ascii: ",")) }
            writePositions(ring.coordinates)
        }
        bytes.append(UInt8(ascii: "]"))
    }

    mutating func writePositions(_ coordinates: [Coordinate]) {
        bytes.append(UInt8(ascii: "["))
        for (k, c) in coordinates.enumerated() {
            if k > 0 { bytes.append(UInt8(ascii: ",")) }
            writePosition(c)
        }
        bytes.append(UInt8(ascii: "]"))
    }

    mutating func writePosition(_ c: Coordinate) {
        bytes.append(UInt8(ascii: "["))
        JSONWriter.appendFixed(c.x, decimals: decimals, to: &bytes)
        bytes.append(UInt8(ascii: ","))
        JSONWriter.appendFixed(c.y, decimals: decimals, to: &bytes)
        bytes.append(UInt8(ascii: "]"))
    }

    static func appendBoundingBox(_ box: Envelope, decimals: Int, to bytes: inout [UInt8]) {
        bytes.append(UInt8(ascii: "["))
        for (k, v) in [box.minX, box.minY, box.maxX, box.maxY].enumerated() {
            if k > 0 { bytes.append(UInt8(ascii: ",")) }
            JSONWriter.appendFixed(v, decimals: decimals, to: &bytes)
        }
        bytes.append(UInt8(ascii: "]"))
    }
}
