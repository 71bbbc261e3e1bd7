import CareFormats
import CareGeometry
import Foundation

/// One feature layer of a GeoPackage: features with their properties, and optionally a QGIS style.
public struct GeoPackageLayer: Sendable {
    /// The table name: an ASCII letter, then letters, digits or `_` (not starting with `gpkg_`).
    public var name: String
    /// The CRS the geometries are given in (usually the study's metric CRS).
    public var crs: CRS
    /// Geometry (nil for none) and properties, exactly as the GeoJSON layers carry them.
    public var features: [(geometry: Geometry?, properties: JSONObject)]
    public var style: LayerStyle?
    /// Stored in `gpkg_contents.description`.
    public var description: String

    public init(name: String, crs: CRS, features: [(geometry: Geometry?, properties: JSONObject)], style: LayerStyle? = nil,
                description: String = "")
    {
        self.name = name
        self.crs = crs
        self.features = features
        self.style = style
        self.description = description
    }
}

/// Writes OGC GeoPackage 1.3 files (OGC 12-128r18) through SQLite's C API: one file holding every
/// layer, with QGIS layer styles.
///
/// Layout of a written file:
/// - `application_id` `GPKG` (0x47504B47) and `user_version` 10300;
/// - `gpkg_spatial_ref_sys` with the three required rows (−1 undefined Cartesian, 0 undefined
///   geographic, 4326 WGS 84);
/// - one feature table per layer: `fid INTEGER PRIMARY KEY AUTOINCREMENT`, `geom`, then one column
///   per property in order of first appearance, typed from the values (BOOLEAN when every value is
///   a boolean, INTEGER when every value is a whole number below 2^53, REAL for other numbers,
///   TEXT for strings; a property mixing types, or holding arrays or objects, becomes TEXT with the
///   JSON text of the non-string values);
/// - geometries as GeoPackage binary (header with envelope, little-endian ISO WKB) in WGS 84
///   longitude/latitude (srs_id 4326), transformed from the layer's CRS by PROJ, as the GeoJSON
///   layers store them. A layer mixing single and multi geometries of one kind (Polygon and
///   MultiPolygon) is declared as the multi type and its single geometries stored as one-part
///   multi geometries; other mixtures are declared GEOMETRY;
/// - `gpkg_contents` (with each layer's extent) and `gpkg_geometry_columns`;
/// - the R-tree spatial index extension (`rtree_<layer>_geom`, registered in `gpkg_extensions`);
/// - `layer_styles` (the table QGIS reads and writes; registered in `gpkg_contents` as attributes)
///   with one default style per styled layer, as QML and SLD.
///
/// The file is built in memory and written atomically (``CareFormats/AtomicFile``); the same input
/// and `timestamp` give a byte-identical file.
public enum GeoPackage {
    /// WKT of WGS 84 (EPSG:4326), OGC WKT 1 as the GeoPackage specification's table 19 gives it.
    static let wgs84Definition =
        "GEOGCS[\"WGS 84\",DATUM[\"WGS_1984\",SPHEROID[\"WGS 84\",6378137,298.257223563,AUTHORITY[\"EPSG\",\"7030\"]],AUTHORITY[\"EPSG\",\"6326\"]],PRIMEM[\"Greenwich\",0,AUTHORITY[\"EPSG\",\"8901\"]],UNIT[\"degree\",0.0174532925199433,AUTHORITY[\"EPSG\",\"9122\"]],AXIS[\"Latitude\",NORTH],AXIS[\"Longitude\",EAST],AUTHORITY[\"EPSG\",\"4326\"]]"

    /// The srs_id every layer is stored in.
    static let storedSRSID: Int32 = 4326

    /// Writes `layers` into one GeoPackage at `url`, replacing it atomically.
    ///
    /// - Parameters:
    ///   - timestamp: the `last_change` of every layer and the `update_time` of every style, as
    ///     `YYYY-MM-DD` or `YYYY-MM-DDTHH:MM:SS[.fff]Z` (UTC); it comes from the study or the caller,
    ///     never from the clock, so that reruns are byte-identical.
    /// - Throws: ``GeoPackageError/invalidInput(_:)`` naming the layer and what to change (bad or
    ///   repeated names, a property named `fid` or `geom`, a style on a missing field, a bad
    ///   timestamp); ``CareGeometry/GeometryError`` when a geometry cannot be transformed;
    ///   ``GeoPackageError/sqlite(operation:message:)``; ``CareFormats/FileWriteError``.
    public static func write(layers: [GeoPackageLayer], to url: URL, timestamp: String) throws {
        let data = try encode(layers: layers, timestamp: timestamp)
        try AtomicFile.write(data, to: url)
    }

    /// The bytes of the GeoPackage ``write(layers:to:timestamp:)`` writes.
    public static func encode(layers: [GeoPackageLayer], timestamp: String) throws -> Data {
        let time = try normalizedTimestamp(timestamp)
        let plans = try validate(layers)
        let db = try SQLiteDatabase(path: ":memory:")
        try db.execute("""
            PRAGMA page_size = 4096;
            PRAGMA application_id = 1196444487;
            PRAGMA user_version = 10300;
            BEGIN;
            CREATE TABLE gpkg_spatial_ref_sys (srs_name TEXT NOT NULL, srs_id INTEGER NOT NULL PRIMARY KEY, organization TEXT NOT NULL, organization_coordsys_id INTEGER NOT NULL, definition TEXT NOT NULL, description TEXT);
            CREATE TABLE gpkg_contents (table_name TEXT NOT NULL PRIMARY KEY, data_type TEXT NOT NULL, identifier TEXT UNIQUE, description TEXT DEFAULT '', last_change DATETIME NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')), min_x DOUBLE, min_y DOUBLE, max_x DOUBLE, max_y DOUBLE, srs_id INTEGER, CONSTRAINT fk_gc_r_srs_id FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys(srs_id));
            CREATE TABLE gpkg_geometry_columns (table_name TEXT NOT NULL, column_name TEXT NOT NULL, geometry_type_name TEXT NOT NULL, srs_id INTEGER NOT NULL, z TINYINT NOT NULL, m TINYINT NOT NULL, CONSTRAINT pk_geom_cols PRIMARY KEY (table_name, column_name), CONSTRAINT uk_gc_table_name UNIQUE (table_name), CONSTRAINT fk_gc_tn FOREIGN KEY (table_name) REFERENCES gpkg_contents(table_name), CONSTRAINT fk_gc_srs FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys (srs_id));
            """)
        let srs = try db.prepare("INSERT INTO gpkg_spatial_ref_sys VALUES (?, ?, ?, ?, ?, ?)")
        try srs.run([.text("Undefined cartesian SRS"), .integer(-1), .text("NONE"), .integer(-1), .text("undefined"),
                     .text("undefined cartesian coordinate reference system")])
        try srs.run([.text("Undefined geographic SRS"), .integer(0), .text("NONE"), .integer(0), .text("undefined"),
                     .text("undefined geographic coordinate reference system")])
        try srs.run([.text("WGS 84 geodetic"), .integer(4326), .text("EPSG"), .integer(4326), .text(wgs84Definition),
                     .text("longitude/latitude coordinates in decimal degrees on the WGS 84 spheroid")])

        try RTreeIndex.createExtensionsTable(db)
        let contents = try db.prepare("INSERT INTO gpkg_contents VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
        let geometryColumns = try db.prepare("INSERT INTO gpkg_geometry_columns VALUES (?, 'geom', ?, ?, 0, 0)")
        for plan in plans {
            let columns = plan.columns.map { "\(quoted($0.name)) \($0.type.rawValue)" }
            try db.execute("CREATE TABLE \(quoted(plan.layer.name)) (fid INTEGER PRIMARY KEY AUTOINCREMENT, geom \(plan.geometryTypeName)"
                           + columns.map { ", " + $0 }.joined() + ")")
            let placeholders = Array(repeating: "?", count: plan.columns.count + 1).joined(separator: ", ")
            let names = (["geom"] + plan.columns.map { quoted($0.name) }).joined(separator: ", ")
            let insert = try db.prepare("INSERT INTO \(quoted(plan.layer.name)) (\(names)) VALUES (\(placeholders))")
            for (i, feature) in plan.layer.features.enumerated() {
                var row: [SQLValue] = [plan.geometries[i].map { .blob(GeoPackageBinary.encode($0, srsID: storedSRSID)) } ?? .null]
                for column in plan.columns { row.append(column.value(feature.properties[column.name])) }
                try insert.run(row)
            }
            let e = plan.extent
            try contents.run([.text(plan.layer.name), .text("features"), .text(plan.layer.name), .text(plan.layer.description),
                              .text(time), e.map { .real($0.minX) } ?? .null, e.map { .real($0.minY) } ?? .null,
                              e.map { .real($0.maxX) } ?? .null, e.map { .real($0.maxY) } ?? .null, .integer(Int64(storedSRSID))])
            try geometryColumns.run([.text(plan.layer.name), .text(plan.geometryTypeName), .integer(Int64(storedSRSID))])
            try RTreeIndex.create(db, table: plan.layer.name, column: "geom", geometries: plan.geometries)
        }
        let styled = plans.filter { $0.layer.style != nil }
        if !styled.isEmpty {
            try db.execute("""
                CREATE TABLE layer_styles (id INTEGER PRIMARY KEY AUTOINCREMENT, f_table_catalog TEXT(256), f_table_schema TEXT(256), f_table_name TEXT(256), f_geometry_column TEXT(256), styleName TEXT(30), styleQML TEXT, styleSLD TEXT, useAsDefault BOOLEAN, description TEXT, owner TEXT(30), ui TEXT(30), update_time DATETIME DEFAULT CURRENT_TIMESTAMP);
                """)
            try contents.run([.text("layer_styles"), .text("attributes"), .text("layer_styles"), .text("QGIS layer styles"),
                              .text(time), .null, .null, .null, .null, .null])
            let insert = try db.prepare("""
                INSERT INTO layer_styles (f_table_catalog, f_table_schema, f_table_name, f_geometry_column, styleName, styleQML, styleSLD, useAsDefault, description, owner, ui, update_time)
                VALUES ('', '', ?, 'geom', ?, ?, ?, 1, ?, '', NULL, ?)
                """)
            for plan in styled {
                let style = plan.layer.style!
                let kind = SymbolKind(geometryTypeName: plan.geometryTypeName)
                try insert.run([.text(plan.layer.name), .text(style.name), .text(StyleDocuments.qml(style, kind: kind)),
                                .text(StyleDocuments.sld(style, layerName: plan.layer.name, kind: kind)), .text(style.description),
                                .text(time)])
            }
        }
        try db.execute("COMMIT;")
        return try db.serialized()
    }

    /// Accepts `YYYY-MM-DD` or `YYYY-MM-DDTHH:MM:SS[.fff]Z`; returns `YYYY-MM-DDTHH:MM:SS.fffZ`.
    static func normalizedTimestamp(_ text: String) throws -> String {
        let digits = "0123456789"
        func shape(_ s: String, _ pattern: String) -> Bool {
            s.count == pattern.count && zip(s, pattern).allSatisfy { c, p in p == "9" ? digits.contains(c) : c == p }
        }
        if shape(text, "9999-99-99") { return text + "T00:00:00.000Z" }
        if shape(text, "9999-99-99T99:99:99Z") { return String(text.dropLast()) + ".000Z" }
        if shape(text, "9999-99-99T99:99:99.999Z") { return text }
        throw GeoPackageError.invalidInput(
            "timestamp \"\(text)\" is not YYYY-MM-DD or YYYY-MM-DDTHH:MM:SS.fffZ (UTC); pass the study's report date, e.g. 2026-04-01")
    }
}

/// SQLite column types of property columns (GeoPackage 1.3 §1.1.1.1.3 data types).
enum ColumnType: String {
    case boolean = "BOOLEAN", integer = "INTEGER", real = "REAL", text = "TEXT"
}

struct ColumnPlan {
    let name: String
    let type: ColumnType
    /// True when no feature has a value (the column is TEXT then).
    var allNull = false

    func value(_ v: JSONValue?) -> SQLValue {
        guard let v, v != .null else { return .null }
        switch (type, v) {
        case (.boolean, .bool(let b)): return .integer(b ? 1 : 0)
        case (.integer, .number(let d)): return .integer(Int64(d))
        case (.real, .number(let d)): return d.isFinite ? .real(d) : .null
        case (_, .string(let s)): return .text(s)
        default: return .text(v.description)
        }
    }
}

/// A layer checked and prepared: columns, geometries in WGS 84, declared type, extent.
struct LayerPlan {
    let layer: GeoPackageLayer
    let columns: [ColumnPlan]
    let geometries: [Geometry?]
    let geometryTypeName: String
    let extent: Envelope?
}

extension GeoPackage {
    static func validate(_ layers: [GeoPackageLayer]) throws -> [LayerPlan] {
        var seen: Set<String> = ["layer_styles"]
        return try layers.map { layer in
            let name = layer.name
            let ascii = name.unicodeScalars.allSatisfy { $0.isASCII && (CharacterSet.alphanumerics.contains($0) || $0 == "_") }
            guard let first = name.unicodeScalars.first, first.isASCII, CharacterSet.letters.contains(first), ascii,
                  !name.lowercased().hasPrefix("gpkg_"), !name.lowercased().hasPrefix("rtree_"), !name.lowercased().hasPrefix("sqlite_")
            else {
                throw GeoPackageError.invalidInput(
                    "layer name \"\(name)\" is not a valid GeoPackage table name: use an ASCII letter followed by letters, digits or _ (not starting with gpkg_, rtree_ or sqlite_), e.g. areas_municipality")
            }
            guard seen.insert(name.lowercased()).inserted else {
                throw GeoPackageError.invalidInput("layer name \"\(name)\" is used twice (or is reserved: layer_styles); give each layer its own name")
            }
            let columns = try columnPlans(layer)
            var geometries = try transformToWGS84(layer)
            let typeName = declaredType(geometries)
            if typeName.hasPrefix("MULTI") { geometries = geometries.map { $0.map(promoted) } }
            var extent: Envelope? = nil
            for g in geometries.compactMap({ $0?.boundingBox }) {
                if var e = extent { e.expand(toInclude: g); extent = e } else { extent = g }
            }
            if let style = layer.style { try check(style, layer: name, columns: columns) }
            return LayerPlan(layer: layer, columns: columns, geometries: geometries, geometryTypeName: typeName, extent: extent)
        }
    }

    static func columnPlans(_ layer: GeoPackageLayer) throws -> [ColumnPlan] {
        var order: [String] = []
        var values: [String: [JSONValue]] = [:]
        for feature in layer.features {
            for (key, value) in feature.properties {
                if values[key] == nil { order.append(key) }
                values[key, default: []].append(contentsOf: value == .null ? [] : [value])
            }
        }
        var lower: [String: String] = [:]
        return try order.map { key in
            guard !["fid", "geom"].contains(key.lowercased()) else {
                throw GeoPackageError.invalidInput(
                    "layer \(layer.name): property \"\(key)\" clashes with the GeoPackage's own column \(key.lowercased()); rename the property")
            }
            if let other = lower.updateValue(key, forKey: key.lowercased()) {
                throw GeoPackageError.invalidInput(
                    "layer \(layer.name): properties \"\(other)\" and \"\(key)\" differ only in case, which SQLite column names cannot; rename one")
            }
            let vs = values[key, default: []]  // every key of `order` has its list
            let type: ColumnType
            if !vs.isEmpty, vs.allSatisfy({ $0.boolValue != nil }) {
                type = .boolean
            } else if !vs.isEmpty, vs.allSatisfy({ $0.isInteger }) {
                type = .integer
            } else if !vs.isEmpty, vs.allSatisfy({ $0.numberValue != nil }) {
                type = .real
            } else {
                type = .text
            }
            return ColumnPlan(name: key, type: type, allNull: vs.isEmpty)
        }
    }

    static func transformToWGS84(_ layer: GeoPackageLayer) throws -> [Geometry?] {
        let geographicWGS84 = layer.crs == .wgs84 || layer.crs.identifier == "OGC:CRS84"
        guard !geographicWGS84 else { return layer.features.map(\.geometry) }
        let transform: CoordinateTransform
        do { transform = try CoordinateTransform.borrow(from: layer.crs, to: .wgs84) } catch {
            throw GeoPackageError.invalidInput("layer \(layer.name): cannot transform \(layer.crs) to WGS 84: \(error)")
        }
        defer { CoordinateTransform.giveBack(transform) }
        return try layer.features.enumerated().map { k, feature in
            do { return try feature.geometry.map { try transform.transform($0) } } catch {
                throw GeoPackageError.invalidInput(
                    "layer \(layer.name), feature \(k)\(featureLabel(feature)): cannot transform \(layer.crs) to WGS 84: \(error)")
            }
        }
    }

    /// ` (area_code 99105)`: the first identifying property of a feature, for messages; empty without one.
    static func featureLabel(_ feature: (geometry: Geometry?, properties: JSONObject)) -> String {
        for key in ["area_code", "institution_id", "code", "id"] {
            if let value = feature.properties[key]?.stringValue { return " (\(key) \(value))" }
        }
        return ""
    }

    /// The `geometry_type_name` for the layer's geometries (GEOMETRY for a layer without any).
    static func declaredType(_ geometries: [Geometry?]) -> String {
        let names = Set(geometries.compactMap { $0?.typeName.uppercased() })
        if names.count == 1, let name = names.first { return name }
        for base in ["POINT", "LINESTRING", "POLYGON"] where names == [base, "MULTI" + base] { return "MULTI" + base }
        return "GEOMETRY"
    }

    /// A single geometry as a one-part multi geometry; multi geometries unchanged.
    static func promoted(_ g: Geometry) -> Geometry {
        switch g {
        case .point(let p): return .multiPoint(MultiPoint([p]))
        case .lineString(let l): return .multiLineString(MultiLineString([l]))
        case .polygon(let p): return .multiPolygon(MultiPolygon([p]))
        default: return g
        }
    }

    static func check(_ style: LayerStyle, layer: String, columns: [ColumnPlan]) throws {
        // Rules and labels on a missing field would draw nothing without a word from QGIS.
        for field in style.fields.subtracting([style.field].compactMap { $0 }).sorted() where !columns.contains(where: { $0.name == field }) {
            throw GeoPackageError.invalidInput(
                "layer \(layer): style \"\(style.name)\" reads \"\(field)\", which is not a property of the layer; properties: \(columns.map(\.name).joined(separator: ", "))")
        }
        guard let field = style.field else { return }
        guard let column = columns.first(where: { $0.name == field }) else {
            throw GeoPackageError.invalidInput(
                "layer \(layer): style \"\(style.name)\" classifies on \"\(field)\", which is not a property of the layer; properties: \(columns.map(\.name).joined(separator: ", "))")
        }
        if case .graduated(_, let classes, _) = style.renderer {
            guard column.type == .integer || column.type == .real || column.allNull else {
                throw GeoPackageError.invalidInput(
                    "layer \(layer): style \"\(style.name)\" is graduated on \"\(field)\", a \(column.type.rawValue) column; graduate a numeric property or use a categorized style")
            }
            for c in classes where !(c.lower <= c.upper) {
                throw GeoPackageError.invalidInput(
                    "layer \(layer): style \"\(style.name)\": class \"\(c.label)\" has lower \(c.lower) above upper \(c.upper)")
            }
        }
    }
}
