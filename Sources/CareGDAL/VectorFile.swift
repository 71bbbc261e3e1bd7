import CGDAL
import CareFormats
import CareGeometry
import Foundation

/// Reads vector layers through GDAL — Shapefile, GeoPackage, GML, FlatGeobuf, KML and any of
/// these inside a `.zip` — into the ``CareFormats/FeatureLayer`` that the GeoJSON reader produces,
/// so that every check and join written for GeoJSON works unchanged.
///
/// - Coordinates come out in longitude/latitude (``CareGeometry/CRS/wgs84``): a layer whose CRS
///   is anything else (a plane rectangular zone, JGD2000, the Tokyo datum) is transformed with
///   GDAL's `OCTTransform`; a layer without a CRS is taken as longitude/latitude.
/// - Z and M values are dropped; curves are approximated by line segments.
/// - Properties: integers and reals become numbers, unset and null fields `null`, dates and
///   everything else text.
/// - Text encoding of Shapefile attributes (`.dbf`): GDAL's own choice when a `.cpg` file is
///   present; otherwise `encoding` when given (e.g. `CP932` for e-Stat's files, passed as GDAL's
///   `ENCODING` open option); otherwise each text value is read as UTF-8 when it is valid UTF-8
///   and as CP932 when it is not (the same rule as ``CareFormats/TextDecoding``).
///
/// Thread safety: stateless; each call opens, reads and closes its own dataset.
public enum VectorFile {
    /// File extensions this reader handles (lower case, without the dot).
    public static let extensions: Set<String> = ["shp", "dbf", "gpkg", "gml", "fgb", "kml", "zip"]

    /// The layer names of a vector file, in file order.
    public static func layerNames(contentsOf url: URL) throws(GDALError) -> [String] {
        try GDALDataset(url: url, vector: true, openOptions: [:]).layerNames
    }

    /// Reads one layer.
    ///
    /// - Parameters:
    ///   - url: the file (`.shp`, `.gpkg`, `.gml`, `.fgb`, `.kml`, `.zip`, or a `.dbf` without geometry).
    ///   - layer: the layer to read; nil reads the only layer (a file with several is an error
    ///     that lists them).
    ///   - encoding: the `.dbf` text encoding when the Shapefile has no `.cpg` (`CP932`, `UTF-8`);
    ///     nil to detect.
    /// - Returns: the layer, named after the GDAL layer, in longitude/latitude.
    /// - Throws: ``GDALError`` naming the file, layer and feature.
    public static func read(contentsOf url: URL, layer: String? = nil, encoding: String? = nil) throws(GDALError)
        -> FeatureLayer
    {
        let isShapefile = ["shp", "dbf", "zip"].contains(url.pathExtension.lowercased())
        let hasCodePage = FileManager.default.fileExists(
            atPath: url.deletingPathExtension().appendingPathExtension("cpg").path)
        var options: [String: String] = [:]
        var detect = false
        if isShapefile && !hasCodePage {
            if let encoding, !encoding.isEmpty {
                options["ENCODING"] = gdalEncodingName(encoding)
            } else {
                options["ENCODING"] = ""  // no recoding: bytes as stored, detected per value below
                detect = true
            }
        }
        let dataset = try GDALDataset(url: url, vector: true, openOptions: options)
        let gdal = dataset.gdal, api = gdal.api
        let handle = try dataset.layer(named: layer, what: "layer", requireSingle: true)
        let layerName = api.OGR_L_GetName(handle).map { String(cString: $0) } ?? ""
        let transform = try Transform(gdal, layer: handle, file: dataset.file, layerName: layerName)
        let definition = api.OGR_L_GetLayerDefn(handle)
        let fieldCount = api.OGR_FD_GetFieldCount(definition)
        let fields: [(name: String, type: OGRFieldType)] = (0..<fieldCount).map { i in
            let f = api.OGR_FD_GetFieldDefn(definition, i)
            return (api.OGR_Fld_GetNameRef(f).map { String(cString: $0) } ?? "", api.OGR_Fld_GetType(f))
        }
        var features: [Feature] = []
        api.OGR_L_ResetReading(handle)
        var index = 0
        api.CPLErrorReset()
        while let feature = api.OGR_L_GetNextFeature(handle) {
            defer { api.OGR_F_Destroy(feature); index += 1 }
            var properties: [(String, JSONValue)] = []
            properties.reserveCapacity(fields.count)
            for (i, field) in fields.enumerated() {
                let k = Int32(i)
                guard api.OGR_F_IsFieldSetAndNotNull(feature, k) != 0 else {
                    properties.append((field.name, .null))
                    continue
                }
                switch field.type {
                case OFTInteger, OFTInteger64:
                    properties.append((field.name, .number(Double(api.OGR_F_GetFieldAsInteger64(feature, k)))))
                case OFTReal:
                    properties.append((field.name, .number(api.OGR_F_GetFieldAsDouble(feature, k))))
                default:
                    let raw = api.OGR_F_GetFieldAsString(feature, k).map { Self.text($0, detect: detect) } ?? ""
                    properties.append((field.name, .string(raw)))
                }
            }
            var geometry: Geometry? = nil
            if let ref = api.OGR_F_GetGeometryRef(feature) {
                do {
                    geometry = try Self.geometry(ref, transform: transform, gdal: gdal)
                } catch {
                    throw GDALError(
                        file: dataset.file, layer: layerName, location: "feature \(index)",
                        "geometry cannot be read: \(error.message)",
                        fix: "check the geometry in QGIS (Vector › Geometry Tools › Check Validity)")
                }
            }
            features.append(Feature(id: nil, geometry: geometry, properties: JSONObject(uniqueKeysWithValues: properties)))
        }
        if api.CPLGetLastErrorType() == CE_Failure || api.CPLGetLastErrorType() == CE_Fatal {
            throw GDALError(
                file: dataset.file, layer: layerName, location: "feature \(index)",
                "reading stopped: \(gdal.lastMessage() ?? "unknown GDAL error")",
                fix: "the file may be truncated or damaged; download or export it again")
        }
        return FeatureLayer(name: layerName, crs: .wgs84, features: features)
    }

    /// GDAL's name for a study's encoding (`cp932` → `CP932`, `utf-8` → `UTF-8`).
    static func gdalEncodingName(_ encoding: String) -> String {
        switch encoding.lowercased() {
        case "cp932", "shift_jis", "sjis", "windows-31j": return "CP932"
        case "utf-8", "utf8": return "UTF-8"
        default: return encoding.uppercased()
        }
    }

    /// A C string as text: UTF-8 when valid; with `detect`, CP932 otherwise.
    static func text(_ c: UnsafePointer<CChar>, detect: Bool) -> String {
        let length = strlen(c)
        let bytes = UnsafeBufferPointer(start: UnsafeRawPointer(c).assumingMemoryBound(to: UInt8.self), count: length)
        if let s = String(validatingCString: c) { return TextCleaning.trimmed(s) }
        if detect, let decoded = try? TextDecoding.decode(Data(bytes), encoding: .cp932, source: "") {
            return TextCleaning.trimmed(decoded.text)
        }
        return TextCleaning.trimmed(String(decoding: bytes, as: UTF8.self))
    }

    struct Failure: Error { let message: String }

    /// An OGR geometry (borrowed) as a CareGeometry value, in 2D, linear, transformed.
    static func geometry(_ ref: OGRGeometryH, transform: Transform, gdal: GDALBinding) throws(Failure) -> Geometry {
        let api = gdal.api
        // OGR_G_GetLinearGeometry returns a new geometry (NULL on failure) that we own.
        guard let copy = api.OGR_G_GetLinearGeometry(ref, 0, nil) else {
            throw Failure(message: gdal.lastMessage() ?? "cannot linearise the geometry")
        }
        defer { api.OGR_G_DestroyGeometry(copy) }
        api.OGR_G_FlattenTo2D(copy)
        if let ct = transform.handle {
            // OGR_G_Transform returns OGRERR_NONE (0) on success.
            guard api.OGR_G_Transform(copy, ct) == OGRERR_NONE else {
                throw Failure(message: "cannot transform to longitude/latitude: \(gdal.lastMessage() ?? "PROJ failed")")
            }
        }
        let size = Int(api.OGR_G_WkbSize(copy))
        var bytes = [UInt8](repeating: 0, count: size)
        // OGR_G_ExportToIsoWkb returns OGRERR_NONE (0) on success.
        let status = bytes.withUnsafeMutableBufferPointer { api.OGR_G_ExportToIsoWkb(copy, wkbNDR, $0.baseAddress) }
        guard status == OGRERR_NONE else { throw Failure(message: "cannot export the geometry as WKB") }
        do {
            return try Geometry(wkb: bytes)
        } catch {
            throw Failure(message: "\(error)")
        }
    }

    /// Owns the transformation from a layer's CRS to longitude/latitude (nil when none is needed).
    final class Transform {
        let handle: OGRCoordinateTransformationH?
        let gdal: GDALBinding

        init(_ gdal: GDALBinding, layer: OGRLayerH, file: String, layerName: String) throws(GDALError) {
            self.gdal = gdal
            let api = gdal.api
            guard let source = api.OGR_L_GetSpatialRef(layer) else {
                handle = nil  // no CRS: taken as longitude/latitude
                return
            }
            let target = api.OSRNewSpatialReference(nil)
            defer { api.OSRDestroySpatialReference(target) }
            // OSRImportFromEPSG returns OGRERR_NONE (0) when PROJ's database has the code.
            guard api.OSRImportFromEPSG(target, 4326) == OGRERR_NONE else {
                throw GDALError(
                    file: file, layer: layerName, "EPSG:4326 is not in PROJ's database: \(gdal.lastMessage() ?? "no message")",
                    fix: "reinstall PROJ's data (Debian: apt-get install --reinstall proj-data)")
            }
            api.OSRSetAxisMappingStrategy(target, OAMS_TRADITIONAL_GIS_ORDER)
            // OSRIsSame returns 1 when both describe the same CRS (with their axis mappings).
            if api.OSRIsSame(source, target) != 0 {
                handle = nil
                return
            }
            guard let clone = api.OSRClone(source) else {
                throw GDALError(file: file, layer: layerName, "its CRS cannot be copied")
            }
            defer { api.OSRDestroySpatialReference(clone) }
            api.OSRSetAxisMappingStrategy(clone, OAMS_TRADITIONAL_GIS_ORDER)
            // OCTNewCoordinateTransformation returns NULL when PROJ finds no transformation.
            guard let ct = api.OCTNewCoordinateTransformation(clone, target) else {
                throw GDALError(
                    file: file, layer: layerName,
                    "its CRS cannot be transformed to longitude/latitude: \(gdal.lastMessage() ?? "no transformation")",
                    fix: "reproject the layer to EPSG:6668 (JGD2011) or EPSG:4326 in QGIS")
            }
            handle = ct
        }

        deinit { if let handle { gdal.api.OCTDestroyCoordinateTransformation(handle) } }
    }
}
