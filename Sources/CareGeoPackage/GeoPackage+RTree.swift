import CareGeometry

/// The GeoPackage R-tree spatial index extension (`gpkg_rtree_index`, OGC 12-128r18 Annex F.3):
/// a SQLite R*Tree virtual table `rtree_<table>_<column>` holding each non-empty geometry's
/// envelope, kept current by the extension's triggers when QGIS or GDAL edits the layer.
///
/// The triggers call `ST_IsEmpty`, `ST_MinX`, … which GDAL (and so QGIS) registers on the
/// connection; this writer fills the index itself and creates the triggers last, so they never run here.
enum RTreeIndex {
    static let extensionName = "gpkg_rtree_index"
    static let definition = "http://www.geopackage.org/spec120/#extension_rtree"

    static func tableName(_ table: String, column: String) -> String { "rtree_\(table)_\(column)" }

    static func createExtensionsTable(_ db: SQLiteDatabase) throws {
        try db.execute("""
            CREATE TABLE gpkg_extensions (table_name TEXT, column_name TEXT, extension_name TEXT NOT NULL, definition TEXT NOT NULL, scope TEXT NOT NULL, CONSTRAINT ge_tce UNIQUE (table_name, column_name, extension_name));
            """)
    }

    /// Creates and fills the index of `table`.`column` from `geometries` (fid i + 1 for element i).
    static func create(_ db: SQLiteDatabase, table: String, column: String, geometries: [Geometry?]) throws {
        let rtree = tableName(table, column: column)
        let t = quoted(table), c = quoted(column), r = quoted(rtree)
        try db.prepare("INSERT INTO gpkg_extensions VALUES (?, ?, ?, ?, 'write-only')")
            .run([.text(table), .text(column), .text(extensionName), .text(definition)])
        try db.execute("CREATE VIRTUAL TABLE \(r) USING rtree(id, minx, maxx, miny, maxy)")
        let insert = try db.prepare("INSERT INTO \(r) VALUES (?, ?, ?, ?, ?)")
        for (i, geometry) in geometries.enumerated() {
            guard let g = geometry, !g.isEmpty, let e = g.boundingBox else { continue }
            try insert.run([.integer(Int64(i + 1)), .real(e.minX), .real(e.maxX), .real(e.minY), .real(e.maxY)])
        }
        let values = "NEW.fid, ST_MinX(NEW.\(c)), ST_MaxX(NEW.\(c)), ST_MinY(NEW.\(c)), ST_MaxY(NEW.\(c))"
        let name = { (suffix: String) in quoted("\(rtree)_\(suffix)") }
        try db.execute("""
            CREATE TRIGGER \(name("insert")) AFTER INSERT ON \(t) WHEN (NEW.\(c) NOT NULL AND NOT ST_IsEmpty(NEW.\(c)))
            BEGIN INSERT OR REPLACE INTO \(r) VALUES (\(values)); END;
            CREATE TRIGGER \(name("update1")) AFTER UPDATE OF \(c) ON \(t) WHEN OLD.fid = NEW.fid AND (NEW.\(c) NOTNULL AND NOT ST_IsEmpty(NEW.\(c)))
            BEGIN INSERT OR REPLACE INTO \(r) VALUES (\(values)); END;
            CREATE TRIGGER \(name("update2")) AFTER UPDATE OF \(c) ON \(t) WHEN OLD.fid = NEW.fid AND (NEW.\(c) ISNULL OR ST_IsEmpty(NEW.\(c)))
            BEGIN DELETE FROM \(r) WHERE id = OLD.fid; END;
            CREATE TRIGGER \(name("update3")) AFTER UPDATE ON \(t) WHEN OLD.fid != NEW.fid AND (NEW.\(c) NOTNULL AND NOT ST_IsEmpty(NEW.\(c)))
            BEGIN DELETE FROM \(r) WHERE id = OLD.fid; INSERT OR REPLACE INTO \(r) VALUES (\(values)); END;
            CREATE TRIGGER \(name("update4")) AFTER UPDATE ON \(t) WHEN OLD.fid != NEW.fid AND (NEW.\(c) ISNULL OR ST_IsEmpty(NEW.\(c)))
            BEGIN DELETE FROM \(r) WHERE id IN (OLD.fid, NEW.fid); END;
            CREATE TRIGGER \(name("delete")) AFTER DELETE ON \(t) WHEN OLD.\(c) NOT NULL
            BEGIN DELETE FROM \(r) WHERE id = OLD.fid; END;
            """)
    }
}
