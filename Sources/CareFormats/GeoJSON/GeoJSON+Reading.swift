import CareGeometry
import Foundation

extension GeoJSON {
    /// Reads a GeoJSON file. The layer is named after the file, without its extension; problems
    /// are reported with the file name. Folders, FIFOs and files above the GeoJSON size limit
    /// (``InputLimits``) are refused.
    ///
    /// - Throws: ``GeoJSONError`` listing every problem found (or the reason the file cannot be read).
    public static func read(contentsOf url: URL) throws(GeoJSONError) -> FeatureLayer {
        let data: Data
        do {
            data = try InputFile.read(url, kind: .geojson)
        } catch {
            // "cannot read the file: <reason>; <fix> — check the path <path>", or the size limit's own message.
            let problem: GeoJSONError.Problem =
                error.tooLarge
                ? .init(path: .root, message: error.message, hint: error.fix)
                : .init(path: .root, message: "cannot read the file: \(error.reason); \(error.fix)", hint: "check the path \(url.path)")
            throw GeoJSONError(source: url.lastPathComponent, problems: [problem])
        }
        return try decode(data, name: url.deletingPathExtension().lastPathComponent, source: url.lastPathComponent)
    }

    /// Reads GeoJSON held in memory. `name` becomes the layer's name and is the source named in errors.
    ///
    /// - Throws: ``GeoJSONError`` listing every problem found.
    public static func read(data: Data, name: String) throws(GeoJSONError) -> FeatureLayer {
        try decode(data, name: name, source: name)
    }

    static func decode(_ data: Data, name: String, source: String) throws(GeoJSONError) -> FeatureLayer {
        let root: JSONValue
        do {
            root = try JSONParser.parse(data)
        } catch {
            var featureIndex: Int? = nil
            if case .key("features")? = error.path.components.first,
                error.path.components.count > 1, case .index(let k) = error.path.components[1]
            {
                featureIndex = k
            }
            throw GeoJSONError(
                source: source,
                problems: [
                    .init(
                        featureIndex: featureIndex, path: error.path, line: error.line, column: error.column,
                        message: "invalid JSON: " + error.message)
                ])
        }
        var decoder = GeoJSONDecoder()
        let result = decoder.decodeDocument(root)
        guard decoder.problems.isEmpty, let (crs, features) = result else {
            throw GeoJSONError(source: source, problems: decoder.problems)
        }
        return FeatureLayer(name: name, crs: crs, features: features)
    }
}

/// Turns a parsed JSON document into features, collecting every problem.
///
/// Within one geometry the first problem stops that geometry (its later parts are often wrong for
/// the same reason); problems in other members and other features are still collected.
struct GeoJSONDecoder {
    var problems: [GeoJSONError.Problem] = []
    /// The path of the value being decoded; positions are not pushed (only built into a path on error).
    private var path: [JSONPath.Component] = []
    private var featureIndex: Int? = nil

    /// A problem inside a geometry; becomes a ``GeoJSONError/Problem`` at the feature level.
    struct Failure: Error {
        let path: [JSONPath.Component]
        let message: String
        let hint: String?
    }

    // MARK: Document

    mutating func decodeDocument(_ root: JSONValue) -> (CRS, [Feature])? {
        guard case .object(let object) = root else {
            report(
                "a GeoJSON document must be an object, found \(describe(root))",
                hint: "the file should start with {\"type\": \"FeatureCollection\", …")
            return nil
        }
        guard let type = typeMember(of: object, hint: typeHint) else { return nil }
        let crs = decodeCRS(object["crs"])
        switch type {
        case "FeatureCollection":
            guard let featuresValue = object["features"] else {
                report(
                    "missing \"features\" member",
                    hint: "a FeatureCollection holds its features in \"features\": […]")
                return nil
            }
            path = [.key("features")]
            guard case .array(let elements) = featuresValue else {
                report(
                    "\"features\" must be an array, found \(describe(featuresValue))",
                    hint: "write \"features\": [ {\"type\": \"Feature\", …}, … ]")
                return nil
            }
            var features: [Feature] = []
            features.reserveCapacity(elements.count)
            for (k, element) in elements.enumerated() {
                path = [.key("features"), .index(k)]
                featureIndex = k
                if let feature = decodeFeature(element) { features.append(feature) }
            }
            featureIndex = nil
            path = []
            return (crs, features)
        case "Feature":
            featureIndex = 0
            let feature = decodeFeature(root)
            return feature.map { (crs, [$0]) }
        default:
            guard GeoJSON.geometryTypeNames.contains(type) else {
                report(
                    "unknown GeoJSON type \(quoted(type))",
                    hint: suggestion(for: type, among: ["FeatureCollection", "Feature"] + GeoJSON.geometryTypeNames)
                        ?? "a GeoJSON document is a FeatureCollection, a Feature or a geometry")
                return nil
            }
            do {
                let geometry = try decodeGeometry(object, type: type)
                return (crs, [Feature(geometry: geometry)])
            } catch {
                record(error)
                return nil
            }
        }
    }

    private let typeHint = "a GeoJSON document is a FeatureCollection, a Feature or a geometry"

    /// The `crs` member: a named CRS, the 2008 `EPSG` form, or absent/null (WGS 84).
    mutating func decodeCRS(_ value: JSONValue?) -> CRS {
        guard let value, value != .null else { return .wgs84 }
        path = [.key("crs")]
        defer { path = [] }
        let unsupported =
            "name the CRS as {\"type\": \"name\", \"properties\": {\"name\": \"urn:ogc:def:crs:EPSG::6668\"}}, or remove the member for WGS 84"
        guard case .object(let crs) = value, case .string(let type)? = crs["type"] else {
            report("unsupported \"crs\" member \(value)", hint: unsupported)
            return .wgs84
        }
        switch type {
        case "name":
            guard case .string(let name)? = crs["properties"]?["name"] else {
                path += [.key("properties"), .key("name")]
                report("the \"crs\" member has no string \"properties\".\"name\"", hint: unsupported)
                return .wgs84
            }
            do {
                return try CRS(parsing: name)
            } catch {
                path += [.key("properties"), .key("name")]
                report(message(for: error), hint: nil)
                return .wgs84
            }
        case "EPSG":
            guard case .number(let code)? = crs["properties"]?["code"], code > 0, code == code.rounded(),
                code < 1e9
            else {
                path += [.key("properties"), .key("code")]
                report("the \"crs\" member of type \"EPSG\" needs a positive integer \"code\"", hint: unsupported)
                return .wgs84
            }
            return .epsg(Int(code))
        default:
            path.append(.key("type"))
            report("unsupported \"crs\" member of type \(quoted(type))", hint: unsupported)
            return .wgs84
        }
    }

    // MARK: Features

    /// Decodes the feature at ``path``; nil (with problems recorded) when it has problems.
    mutating func decodeFeature(_ value: JSONValue) -> Feature? {
        guard case .object(let object) = value else {
            report(
                "a feature must be an object, found \(describe(value))",
                hint: "write {\"type\": \"Feature\", \"geometry\": …, \"properties\": {…}}")
            return nil
        }
        let problemsBefore = problems.count
        let featurePath = path
        if let type = typeMember(of: object, hint: "a feature has \"type\": \"Feature\""), type != "Feature" {
            // Something else entirely: its other members would only add noise.
            path = featurePath + [.key("type")]
            report(
                "\"type\" is \(quoted(type)), but a member of \"features\" must be a Feature",
                hint: GeoJSON.geometryTypeNames.contains(type)
                    ? "wrap the geometry as {\"type\": \"Feature\", \"geometry\": {…}, \"properties\": {}}" : nil)
            path = featurePath
            return nil
        }

        var id: JSONValue? = nil
        switch object["id"] {
        case nil, .null?: break
        case .string?, .number?: id = object["id"]
        case let other?:
            path = featurePath + [.key("id")]
            report("\"id\" must be a string or a number, found \(describe(other))", hint: nil)
        }

        var properties = JSONObject()
        switch object["properties"] {
        case nil, .null?: break
        case .object(let p)?: properties = p
        case let other?:
            path = featurePath + [.key("properties")]
            report("\"properties\" must be an object or null, found \(describe(other))", hint: nil)
        }

        var geometry: Geometry? = nil
        switch object["geometry"] {
        case nil:
            path = featurePath
            report(
                "missing \"geometry\" member",
                hint: "write \"geometry\": null for a feature without geometry")
        case .null?: break
        case .object(let g)?:
            path = featurePath + [.key("geometry")]
            if let type = typeMember(of: g, hint: "a geometry has a \"type\" such as \"Polygon\"") {
                do {
                    geometry = try decodeGeometry(g, type: type)
                } catch {
                    record(error)
                }
            }
        case let other?:
            path = featurePath + [.key("geometry")]
            report("\"geometry\" must be an object or null, found \(describe(other))", hint: nil)
        }
        path = featurePath
        guard problems.count == problemsBefore else { return nil }
        return Feature(id: id, geometry: geometry, properties: properties)
    }

    /// The string `type` member of `object`, or nil with a problem recorded.
    mutating func typeMember(of object: JSONObject, hint: String) -> String? {
        switch object["type"] {
        case .string(let s)?: return s
        case nil:
            report("missing \"type\" member", hint: hint)
        case let other?:
            let saved = path
            path.append(.key("type"))
            report("\"type\" must be a string, found \(describe(other))", hint: hint)
            path = saved
        }
        return nil
    }

    // MARK: Geometries

    /// Decodes a geometry object whose `type` is `type`, at ``path``. Returns nil for an empty
    /// Point, LineString or Polygon.
    mutating func decodeGeometry(_ object: JSONObject, type: String) throws(Failure) -> Geometry? {
        let base = path
        guard GeoJSON.geometryTypeNames.contains(type) else {
            throw Failure(
                path: base + [.key("type")], message: "unknown geometry type \(quoted(type))",
                hint: suggestion(for: type, among: GeoJSON.geometryTypeNames)
                    ?? "use one of " + GeoJSON.geometryTypeNames.joined(separator: ", "))
        }
        if type == "GeometryCollection" {
            guard let members = object["geometries"] else {
                throw Failure(
                    path: base, message: "missing \"geometries\" member",
                    hint: "a GeometryCollection holds its parts in \"geometries\": […]")
            }
            guard case .array(let parts) = members else {
                throw Failure(
                    path: base + [.key("geometries")],
                    message: "\"geometries\" must be an array, found \(describe(members))", hint: nil)
            }
            var geometries: [Geometry] = []
            for (k, part) in parts.enumerated() {
                path = base + [.key("geometries"), .index(k)]
                defer { path = base }
                guard case .object(let p) = part else {
                    throw Failure(
                        path: path, message: "a geometry must be an object, found \(describe(part))", hint: nil)
                }
                guard case .string(let partType)? = p["type"] else {
                    throw Failure(
                        path: path, message: "missing \"type\" member",
                        hint: "a geometry has a \"type\" such as \"Polygon\"")
                }
                if let g = try decodeGeometry(p, type: partType) { geometries.append(g) }
            }
            return .collection(geometries)
        }

        let shape = GeoJSONDecoder.shapes[type]!
        guard let coordinatesValue = object["coordinates"] else {
            throw Failure(
                path: base, message: "missing \"coordinates\" member", hint: "\(type) coordinates are nested like \(shape)")
        }
        let at = base + [.key("coordinates")]
        guard case .array(let c) = coordinatesValue else {
            throw Failure(
                path: at, message: "\"coordinates\" must be an array, found \(describe(coordinatesValue))",
                hint: "\(type) coordinates are nested like \(shape)")
        }
        let context = Context(type: type, shape: shape)
        switch type {
        case "Point":
            if c.isEmpty { return nil }
            return .point(try build(at) { try Point(position(coordinatesValue, at: at, context)) })
        case "MultiPoint":
            let points = try positions(coordinatesValue, at: at, context).map { c throws(Failure) in
                try build(at) { try Point(c) }
            }
            return .multiPoint(MultiPoint(points))
        case "LineString":
            if c.isEmpty { return nil }
            return .lineString(try lineString(coordinatesValue, at: at, context))
        case "MultiLineString":
            var lines: [LineString] = []
            for (k, part) in c.enumerated() {
                lines.append(try lineString(part, at: at + [.index(k)], context))
            }
            return .multiLineString(MultiLineString(lines))
        case "Polygon":
            if c.isEmpty { return nil }
            return .polygon(try polygon(coordinatesValue, at: at, context))
        default:  // "MultiPolygon"
            var polygons: [Polygon] = []
            for (k, part) in c.enumerated() {
                polygons.append(try polygon(part, at: at + [.index(k)], context))
            }
            return .multiPolygon(MultiPolygon(polygons))
        }
    }

    /// How each geometry type nests its coordinates, for hints.
    static let shapes: [String: String] = [
        "Point": "[lon, lat]",
        "MultiPoint": "[[lon, lat], …]",
        "LineString": "[[lon, lat], …]",
        "MultiLineString": "[[[lon, lat], …], …]",
        "Polygon": "[[[lon, lat], …], …]",
        "MultiPolygon": "[[[[lon, lat], …], …], …]",
    ]

    struct Context {
        let type: String
        let shape: String
        var nestingHint: String { "\(type) coordinates are nested like \(shape)" }
    }

    func lineString(_ value: JSONValue, at: [JSONPath.Component], _ context: Context) throws(Failure) -> LineString {
        let coordinates = try positions(value, at: at, context)
        return try build(at, hint: "give at least 2 positions, or use a Point") { try LineString(coordinates) }
    }

    func polygon(_ value: JSONValue, at: [JSONPath.Component], _ context: Context) throws(Failure) -> Polygon {
        guard case .array(let ringValues) = value else {
            throw Failure(
                path: at, message: "expected an array of rings, found \(describe(value))", hint: context.nestingHint)
        }
        guard !ringValues.isEmpty else {
            return try build(at, hint: "give the exterior ring first, then any holes") { try Polygon(rings: []) }
        }
        var rings: [LinearRing] = []
        rings.reserveCapacity(ringValues.count)
        for (r, ringValue) in ringValues.enumerated() {
            let ringPath = at + [.index(r)]
            let coordinates = try positions(ringValue, at: ringPath, context)
            let hint =
                coordinates.count < 4
                ? "give at least 3 corners and repeat the first one at the end"
                : "close the ring by repeating its first position"
            rings.append(try build(ringPath, hint: hint) { try LinearRing(coordinates) })
        }
        return Polygon(exterior: rings[0], holes: Array(rings.dropFirst()))
    }

    /// An array of positions.
    func positions(_ value: JSONValue, at: [JSONPath.Component], _ context: Context) throws(Failure) -> [Coordinate] {
        guard case .array(let elements) = value else {
            throw Failure(
                path: at, message: "expected an array of positions, found \(describe(value))",
                hint: context.nestingHint)
        }
        var out: [Coordinate] = []
        out.reserveCapacity(elements.count)
        for (k, element) in elements.enumerated() {
            // Inlined fast path for the common [number, number] case.
            if case .array(let a) = element, a.count == 2, case .number(let x) = a[0], case .number(let y) = a[1] {
                out.append(Coordinate(x: x, y: y))
            } else {
                out.append(try position(element, at: at + [.index(k)], context))
            }
        }
        return out
    }

    /// One position: 2 or more numbers; values after the second (z, m) are dropped.
    func position(_ value: JSONValue, at: [JSONPath.Component], _ context: Context) throws(Failure) -> Coordinate {
        guard case .array(let a) = value else {
            throw Failure(
                path: at, message: "expected a position [lon, lat], found \(describe(value))",
                hint: context.nestingHint)
        }
        for (k, element) in a.enumerated() {
            switch element {
            case .number: continue
            case .string:
                throw Failure(
                    path: at + [.index(k)], message: "a coordinate must be a number, found \(describe(element))",
                    hint: "write numbers without quotes")
            case .array:
                throw Failure(
                    path: at + [.index(k)], message: "a coordinate must be a number, found \(describe(element))",
                    hint: context.nestingHint)
            default:
                throw Failure(
                    path: at + [.index(k)], message: "a coordinate must be a number, found \(describe(element))",
                    hint: nil)
            }
        }
        guard a.count >= 2, case .number(let x) = a[0], case .number(let y) = a[1] else {
            throw Failure(
                path: at, message: "a position needs at least 2 numbers (longitude, latitude), got \(a.count)",
                hint: "write [lon, lat]")
        }
        return Coordinate(x: x, y: y)
    }

    /// Runs a CareGeometry initialiser, turning its error into a ``Failure`` at `at`.
    func build<T>(_ at: [JSONPath.Component], hint: String? = nil, _ body: () throws -> T) throws(Failure) -> T {
        do {
            return try body()
        } catch let failure as Failure {
            throw failure
        } catch {
            throw Failure(path: at, message: message(for: error), hint: hint)
        }
    }

    // MARK: Reporting

    mutating func report(_ message: String, hint: String?) {
        problems.append(.init(featureIndex: featureIndex, path: JSONPath(path), message: message, hint: hint))
    }

    mutating func record(_ failure: Failure) {
        problems.append(
            .init(featureIndex: featureIndex, path: JSONPath(failure.path), message: failure.message, hint: failure.hint))
    }
}

/// The reason of a CareGeometry error without its generic prefix.
func message(for error: any Error) -> String {
    if case GeometryError.invalidInput(let reason) = error { return reason }
    return String(describing: error)
}

/// A value named for a message: `a string ("139.7")`, `a number (3)`, `null`, `an array`.
func describe(_ value: JSONValue) -> String {
    switch value {
    case .null: return "null"
    case .bool(let b): return "a boolean (\(b))"
    case .number: return "a number (\(value))"
    case .string(let s):
        let shown = s.count > 40 ? String(s.prefix(40)) + "…" : s
        return "a string (\(JSONValue.string(shown)))"
    case .array: return "an array"
    case .object: return "an object"
    }
}

/// `"text"` as a JSON string, for messages.
func quoted(_ text: String) -> String {
    JSONValue.string(text).description
}

/// `did you mean "Polygon"? (type names are case-sensitive)` when `name` differs from a candidate
/// only in letter case.
func suggestion(for name: String, among candidates: [String]) -> String? {
    guard let match = candidates.first(where: { $0.lowercased() == name.lowercased() }) else { return nil }
    return "did you mean \(quoted(match))? (type names are case-sensitive)"
}
