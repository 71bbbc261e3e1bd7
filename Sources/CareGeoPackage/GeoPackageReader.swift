import CareFormats
import CareGeometry
import Foundation

/// Reads back what ``GeoPackage`` writes (and the feature layers of other GeoPackages): the layer
/// list with counts, CRS and extents, the features with typed properties, and the styles.
///
/// Thread safety: one instance per thread (it owns an SQLite connection).
public final class GeoPackageReader {
    /// A feature layer as `gpkg_contents`, `gpkg_geometry_columns` and `gpkg_spatial_ref_sys` describe it.
    public struct LayerInfo: Hashable, Sendable {
        public let name: String
        public let geometryColumn: String
        public let geometryTypeName: String
        public let srsID: Int
        /// `organization:organization_coordsys_id`, e.g. `EPSG:4326`.
        public let crsName: String
        public let featureCount: Int
        public let extent: Envelope?
    }

    /// A row of `layer_styles`.
    public struct StyleRow: Hashable, Sendable {
        public let table: String
        public let styleName: String
        public let qml: String
        public let sld: String
        public let useAsDefault: Bool
    }

    private let db: SQLiteDatabase
    public let url: URL

    /// Opens `url` read-only and checks its `application_id` and `user_version`.
    ///
    /// - Throws: ``GeoPackageError/malformed(_:)`` when the file is not a GeoPackage 1.2 or later.
    public init(url: URL) throws {
        self.url = url
        db = try SQLiteDatabase(path: url.path, readOnly: true)
        let app = try db.query("PRAGMA application_id").first?.first?.integer ?? 0
        guard app == 0x4750_4B47 else {
            throw GeoPackageError.malformed("\(url.path): application_id is \(app), not 0x47504B47 ('GPKG'); not a GeoPackage")
        }
        let version = try db.query("PRAGMA user_version").first?.first?.integer ?? 0
        guard version >= 10200 else {
            throw GeoPackageError.malformed("\(url.path): user_version \(version) is below 10200 (GeoPackage 1.2)")
        }
    }

    /// The feature layers in `gpkg_contents` order of table name.
    public func layers() throws -> [LayerInfo] {
        let rows = try db.query("""
            SELECT c.table_name, g.column_name, g.geometry_type_name, g.srs_id, s.organization, s.organization_coordsys_id,
                   c.min_x, c.min_y, c.max_x, c.max_y
            FROM gpkg_contents c JOIN gpkg_geometry_columns g ON g.table_name = c.table_name
            LEFT JOIN gpkg_spatial_ref_sys s ON s.srs_id = g.srs_id
            WHERE c.data_type = 'features' ORDER BY c.table_name
            """)
        return try rows.map { r in
            let name = r[0].text ?? ""
            let count = try db.query("SELECT count(*) FROM \(quoted(name))").first?.first?.integer ?? 0
            let extent: Envelope? = r[6].real.flatMap { minX in
                guard let minY = r[7].real, let maxX = r[8].real, let maxY = r[9].real else { return nil }
                return Envelope(minX: minX, minY: minY, maxX: maxX, maxY: maxY)
            }
            return LayerInfo(name: name, geometryColumn: r[1].text ?? "", geometryTypeName: r[2].text ?? "",
                             srsID: Int(r[3].integer ?? 0), crsName: "\(r[4].text ?? "?"):\(r[5].integer ?? 0)",
                             featureCount: Int(count), extent: extent)
        }
    }

    /// The features of `layer` in `fid` order: geometry decoded (by GEOS from the WKB) and
    /// properties typed back from the declared column types (BOOLEAN → boolean, INTEGER and REAL →
    /// number, TEXT → string, NULL → null).
    ///
    /// - Throws: ``GeoPackageError/malformed(_:)`` naming the layer and fid of a bad geometry blob.
    public func features(of layer: String) throws -> [(geometry: Geometry?, properties: JSONObject)] {
        guard let info = try layers().first(where: { $0.name == layer }) else {
            throw GeoPackageError.invalidInput("\(url.path) has no feature layer \"\(layer)\"")
        }
        let columns = try db.query("PRAGMA table_info(\(quoted(layer)))").map { ($0[1].text ?? "", ($0[2].text ?? "").uppercased()) }
        let properties = columns.filter { $0.0 != "fid" && $0.0 != info.geometryColumn }
        let select = (["fid", quoted(info.geometryColumn)] + properties.map { quoted($0.0) }).joined(separator: ", ")
        return try db.query("SELECT \(select) FROM \(quoted(layer)) ORDER BY fid").map { row in
            var geometry: Geometry? = nil
            if case .blob(let blob) = row[1] {
                let decoded = try GeoPackageBinary.decode(blob, context: "\(url.path) layer \(layer) fid \(row[0].integer ?? 0)")
                geometry = try Geometry(wkb: decoded.wkb)
            }
            var object = JSONObject()
            for (i, (name, type)) in properties.enumerated() {
                let v = row[i + 2]
                switch v {
                case .null: object[name] = .null
                case .integer(let n): object[name] = type == "BOOLEAN" ? .bool(n != 0) : .number(Double(n))
                case .real(let d): object[name] = .number(d)
                case .text(let s): object[name] = .string(s)
                case .blob(let b): object[name] = .string(b.map { String(format: "%02x", $0) }.joined())
                }
            }
            return (geometry, object)
        }
    }

    /// The GeoPackage binary header of every geometry of `layer`, for checks of srs_id and envelopes.
    func geometryHeaders(of layer: String, column: String = "geom") throws -> [GeoPackageBinary.Decoded] {
        try db.query("SELECT \(quoted(column)) FROM \(quoted(layer)) WHERE \(quoted(column)) IS NOT NULL ORDER BY fid").compactMap { row in
            guard case .blob(let b) = row[0] else { return nil }
            return try GeoPackageBinary.decode(b, context: "\(url.path) layer \(layer)")
        }
    }

    /// The rows of `layer_styles` (empty when the table is absent), by table name.
    public func styles() throws -> [StyleRow] {
        let exists = try db.query("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'layer_styles'")
        guard exists.first?.first?.integer == 1 else { return [] }
        return try db.query("SELECT f_table_name, styleName, styleQML, styleSLD, useAsDefault FROM layer_styles ORDER BY f_table_name, id").map {
            StyleRow(table: $0[0].text ?? "", styleName: $0[1].text ?? "", qml: $0[2].text ?? "", sld: $0[3].text ?? "",
                     useAsDefault: ($0[4].integer ?? 0) != 0)
        }
    }

    /// Runs SQLite's `PRAGMA integrity_check` and `PRAGMA foreign_key_check`; returns their problems (empty when sound).
    public func integrityProblems() throws -> [String] {
        let integrity = try db.query("PRAGMA integrity_check").compactMap { $0.first?.text }.filter { $0 != "ok" }
        let foreign = try db.query("PRAGMA foreign_key_check").map { "foreign key: " + $0.map { "\($0)" }.joined(separator: " ") }
        return integrity + foreign
    }
}
