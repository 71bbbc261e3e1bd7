import CGDAL
import CareLibraries
import CareGeometry
import Foundation

/// GDAL, bound at first use (``CareGeometry/SharedLibrary``): the shared library is opened with
/// `dlopen` and the functions CareGDAL calls (the shim's `CareAtlasGDAL` table) are looked up once, so a command that reads no
/// Shapefile, GeoPackage or spreadsheet never loads GDAL and the 113 libraries it pulls in
/// (that loading was 47 ms of every `careatlas` start). On first use every driver is registered
/// and GDAL's own printing to stderr is replaced by a quiet handler (messages are read back with
/// `CPLGetLastErrorMsg` and put into ``GDALError``s instead).
///
/// The library tried: `CAREATLAS_GDAL_LIBRARY` when set (a path or a file name), else the soname
/// of the GDAL whose headers CareAtlas was built with (`libgdal.so.32` for GDAL 3.6: GDAL 3
/// numbers its soname 26 + the minor version), then `libgdal.so` (installed with the headers by
/// `libgdal-dev`); on macOS `libgdal.dylib`. The loaded library must have the headers' major
/// version.
///
/// Thread safety: the binding is made once (Swift's `static let`, run under `swift_once`) and read
/// only after that; the table is immutable.
enum GDALLibrary {
    /// Environment variable that names the GDAL library to load instead of the default ones.
    static let environmentVariable = "CAREATLAS_GDAL_LIBRARY"

    /// The libraries tried, in order, when `CAREATLAS_GDAL_LIBRARY` is not set.
    static var defaultCandidates: [String] {
        #if os(macOS)
        return ["libgdal.dylib"]
        #else
        let major = Int(careatlas_gdal_header_version_major())
        let minor = Int(careatlas_gdal_header_version_minor())
        return major == 3 ? ["libgdal.so.\(26 + minor)", "libgdal.so"] : ["libgdal.so"]
        #endif
    }

    /// Binds the first of `candidates` that is GDAL with the headers' major version. Does not
    /// register drivers (``shared`` does, once).
    static func bind(candidates: (names: [String], fromEnvironment: Bool)) -> Result<GDALBinding, SharedLibrary.LoadFailure> {
        SharedLibrary.open(
            "GDAL", candidates: candidates, variable: environmentVariable,
            install: "Debian and Ubuntu: apt-get install libgdal-dev, which `bash .ci/setup` does; macOS: brew install gdal",
            empty: CareAtlasGDAL(), bind: careatlas_gdal_bind
        ) { table in
            let version = table.GDALVersionInfo("RELEASE_NAME").map { String(cString: $0) } ?? "?"
            let major = careatlas_gdal_header_version_major(), minor = careatlas_gdal_header_version_minor()
            return Int(version.prefix { $0 != "." }) == Int(major)
                ? nil : "GDAL \(version), CareAtlas was built with GDAL \(major).\(minor)"
        }
    }

    private static let shared: Result<GDALBinding, SharedLibrary.LoadFailure> =
        bind(candidates: SharedLibrary.candidates(variable: environmentVariable, defaults: defaultCandidates))
        .map { library in
            library.api.GDALAllRegister()
            _ = library.api.CPLSetErrorHandler(library.api.CPLQuietErrorHandler)
            return library
        }

    /// The bound library, with every driver registered; loaded on the first call.
    ///
    /// - Throws: ``GDALError`` naming `file` (what was to be read), the libraries tried, why each
    ///   failed, and how to install GDAL.
    static func loaded(for file: String) throws(GDALError) -> GDALBinding {
        switch shared {
        case .success(let library): return library
        case .failure(let failure): throw GDALError(file: file, failure.message, fix: failure.fix)
        }
    }

}

/// GDAL's functions, bound by ``GDALLibrary``.
typealias GDALBinding = BoundLibrary<CareAtlasGDAL>

extension BoundLibrary where Table == CareAtlasGDAL {
    /// The last message GDAL recorded on this thread, or nil when there is none.
    func lastMessage() -> String? {
        guard let c = api.CPLGetLastErrorMsg() else { return nil }
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
    /// The GDAL functions (bound before the dataset was opened).
    let gdal: GDALBinding
    /// The path as given to GDAL (with `/vsizip/` for zip files).
    let path: String
    /// The file name shown in messages.
    let file: String

    /// Opens `url` read-only with the drivers' open options (`NAME=VALUE`).
    ///
    /// Zip files are opened through GDAL's `/vsizip/` virtual file system.
    init(url: URL, vector: Bool, openOptions: [String: String]) throws(GDALError) {
        file = url.lastPathComponent
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), !isDirectory.boolValue else {
            throw GDALError(file: file, "cannot read the file: no such file", fix: "check the path \(url.path)")
        }
        let library = try GDALLibrary.loaded(for: file)
        gdal = library
        let api = library.api
        path = url.pathExtension.lowercased() == "zip" ? "/vsizip/" + url.path : url.path
        var options: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = nil
        for (key, value) in openOptions.sorted(by: { $0.key < $1.key }) {
            options = api.CSLSetNameValue(options, key, value)
        }
        defer { api.CSLDestroy(options) }
        api.CPLErrorReset()
        // GDAL_OF_VECTOR = 0x04, GDAL_OF_READONLY = 0x00, GDAL_OF_VERBOSE_ERROR = 0x40.
        let flags: UInt32 = (vector ? 0x04 : 0) | 0x40
        // GDALOpenEx returns NULL on failure, with the reason in CPLGetLastErrorMsg.
        let opened = api.GDALOpenEx(
            path, flags, nil, options.map { UnsafeRawPointer($0).assumingMemoryBound(to: UnsafePointer<CChar>?.self) }, nil)
        guard let opened else {
            throw GDALError(
                file: file, "GDAL cannot open it: \(library.lastMessage() ?? "no driver recognises the format")",
                fix: "check that it is a Shapefile (.shp with .shx and .dbf), GeoPackage, GML, FlatGeobuf, KML, .xlsx or .ods file")
        }
        handle = opened
    }

    deinit { gdal.api.GDALClose(handle) }

    /// Layer names in file order.
    var layerNames: [String] {
        let api = gdal.api
        return (0..<api.GDALDatasetGetLayerCount(handle)).compactMap { i in
            api.GDALDatasetGetLayer(handle, i).flatMap { api.OGR_L_GetName($0) }.map { String(cString: $0) }
        }
    }

    /// The named layer, or the first one when `name` is nil.
    ///
    /// - Throws: when the layer does not exist (naming those that do), or, with `requireSingle`,
    ///   when the file holds several layers and none was named.
    func layer(named name: String?, what: String, requireSingle: Bool) throws(GDALError) -> OGRLayerH {
        let names = layerNames
        if let name {
            guard let layer = gdal.api.GDALDatasetGetLayerByName(handle, name) else {
                throw GDALError(file: file, "has no \(what) \"\(name)\"", fix: "\(what)s are: \(names.joined(separator: ", "))")
            }
            return layer
        }
        guard !names.isEmpty, let first = gdal.api.GDALDatasetGetLayer(handle, 0) else {
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
