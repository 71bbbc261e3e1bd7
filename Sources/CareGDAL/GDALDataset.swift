import CGDAL
import Foundation

/// GDAL's process-wide setup: every driver registered once, and GDAL's own printing to stderr
/// replaced by a quiet handler (messages are read back with `CPLGetLastErrorMsg` and put into
/// ``GDALError``s instead).
enum GDALLibrary {
    private static let registered: Bool = {
        GDALAllRegister()
        CPLSetErrorHandler(CPLQuietErrorHandler)
        return true
    }()

    static func ensureRegistered() { _ = registered }

    /// The last message GDAL recorded on this thread, or nil when there is none.
    static func lastMessage() -> String? {
        guard let c = CPLGetLastErrorMsg() else { return nil }
        let text = String(cString: c).trimmingCharacters(in: .whitespacesAndNewlines)
        return text.isEmpty ? nil : text
    }
}

/// Owns one opened `GDALDatasetH`, closed with `GDALClose` in `deinit`. Layers and features
/// taken from it are borrowed and must not outlive it.
///
/// Thread safety: a dataset is used by one thread at a time (GDAL datasets are not thread-safe);
/// the readers open, read and close within one call.
final class GDALDataset {
    let handle: GDALDatasetH
    /// The path as given to GDAL (with `/vsizip/` for zip files).
    let path: String
    /// The file name shown in messages.
    let file: String

    /// Opens `url` read-only with the drivers' open options (`NAME=VALUE`).
    ///
    /// Zip files are opened through GDAL's `/vsizip/` virtual file system.
    init(url: URL, vector: Bool, openOptions: [String: String]) throws(GDALError) {
        GDALLibrary.ensureRegistered()
        file = url.lastPathComponent
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), !isDirectory.boolValue else {
            throw GDALError(file: file, "cannot read the file: no such file", fix: "check the path \(url.path)")
        }
        path = url.pathExtension.lowercased() == "zip" ? "/vsizip/" + url.path : url.path
        var options: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = nil
        for (key, value) in openOptions.sorted(by: { $0.key < $1.key }) {
            options = CSLSetNameValue(options, key, value)
        }
        defer { CSLDestroy(options) }
        CPLErrorReset()
        // GDAL_OF_VECTOR = 0x04, GDAL_OF_READONLY = 0x00, GDAL_OF_VERBOSE_ERROR = 0x40.
        let flags: UInt32 = (vector ? 0x04 : 0) | 0x40
        // GDALOpenEx returns NULL on failure, with the reason in CPLGetLastErrorMsg.
        let opened = GDALOpenEx(
            path, flags, nil, options.map { UnsafeRawPointer($0).assumingMemoryBound(to: UnsafePointer<CChar>?.self) }, nil)
        guard let opened else {
            throw GDALError(
                file: file, "GDAL cannot open it: \(GDALLibrary.lastMessage() ?? "no driver recognises the format")",
                fix: "check that it is a Shapefile (.shp with .shx and .dbf), GeoPackage, GML, FlatGeobuf, KML, .xlsx or .ods file")
        }
        handle = opened
    }

    deinit { GDALClose(handle) }

    /// Layer names in file order.
    var layerNames: [String] {
        (0..<GDALDatasetGetLayerCount(handle)).compactMap { i in
            GDALDatasetGetLayer(handle, i).flatMap { OGR_L_GetName($0) }.map { String(cString: $0) }
        }
    }

    /// The named layer, or the first one when `name` is nil.
    ///
    /// - Throws: when the layer does not exist (naming those that do), or, with `requireSingle`,
    ///   when the file holds several layers and none was named.
    func layer(named name: String?, what: String, requireSingle: Bool) throws(GDALError) -> OGRLayerH {
        let names = layerNames
        if let name {
            guard let layer = GDALDatasetGetLayerByName(handle, name) else {
                throw GDALError(file: file, "has no \(what) \"\(name)\"", fix: "\(what)s are: \(names.joined(separator: ", "))")
            }
            return layer
        }
        guard !names.isEmpty, let first = GDALDatasetGetLayer(handle, 0) else {
            throw GDALError(file: file, "has no \(what)s", fix: "check that it is the right file")
        }
        if requireSingle, names.count > 1 {
            throw GDALError(
                file: file, "holds \(names.count) \(what)s and the study names none",
                fix: "add `layer:` with one of: \(names.joined(separator: ", "))")
        }
        return first
    }
}
