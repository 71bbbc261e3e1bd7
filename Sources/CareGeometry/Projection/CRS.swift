import Foundation
import CPROJ

/// A coordinate reference system named by an authority code, such as `EPSG:6677`.
///
/// CareAtlas treats every CRS with longitude (or easting) first, whatever the EPSG axis order:
/// transformations are normalised with `proj_normalize_for_visualization`.
public struct CRS: Hashable, Sendable, CustomStringConvertible, Comparable {
    /// Normalised identifier: `EPSG:<code>` or `OGC:CRS84`.
    public let identifier: String

    /// WGS 84 longitude/latitude, the CRS of RFC 7946 GeoJSON.
    public static let wgs84 = CRS(trusted: "EPSG:4326")
    /// JGD2011 longitude/latitude (e-Stat boundary files declare it).
    public static let jgd2011 = CRS(trusted: "EPSG:6668")

    init(trusted identifier: String) { self.identifier = identifier }

    /// An EPSG code.
    public static func epsg(_ code: Int) -> CRS { CRS(trusted: "EPSG:\(code)") }

    /// Parses the spellings found in real files and study files: `EPSG:6677`, `epsg:6677`,
    /// `urn:ogc:def:crs:EPSG::6668`, `urn:ogc:def:crs:EPSG:6.6:4326`, `urn:ogc:def:crs:OGC:1.3:CRS84`,
    /// `OGC:CRS84`, `CRS84`, or a bare number.
    ///
    /// - Throws: ``GeometryError/invalidInput(_:)`` naming the text when it is none of these.
    public init(parsing text: String) throws {
        let t = text.trimmingCharacters(in: .whitespaces)
        let upper = t.uppercased()
        if upper.hasSuffix("CRS84") {
            self.identifier = "OGC:CRS84"
            return
        }
        var digits: Substring? = nil
        if let n = Int(t), n > 0 {
            digits = Substring(String(n))
        } else if upper.hasPrefix("EPSG:") {
            digits = Substring(upper.dropFirst(5))
        } else if upper.hasPrefix("URN:OGC:DEF:CRS:EPSG:") {
            // urn:ogc:def:crs:EPSG:<version>:<code>; version may be empty.
            digits = upper.split(separator: ":", omittingEmptySubsequences: false).last
        }
        guard let d = digits, let code = Int(d), code > 0 else {
            throw GeometryError.invalidInput(
                "unrecognised CRS \"\(text)\": write it as EPSG:<code>, for example EPSG:6668 or EPSG:6677")
        }
        self.identifier = "EPSG:\(code)"
    }

    /// The EPSG code, or nil for `OGC:CRS84`.
    public var epsgCode: Int? {
        identifier.hasPrefix("EPSG:") ? Int(identifier.dropFirst(5)) : nil
    }

    /// True for longitude/latitude CRSs known to CareAtlas without asking PROJ (WGS 84, CRS84,
    /// JGD2000, JGD2011, Tokyo datum). Use ``CRSInfo`` for any other CRS.
    public var isKnownGeographic: Bool {
        identifier == "OGC:CRS84" || [4326, 4612, 6668, 4301, 4019, 4258, 4269].contains(epsgCode ?? -1)
    }

    public var description: String { identifier }

    public static func < (a: CRS, b: CRS) -> Bool { a.identifier < b.identifier }
}

/// What PROJ's database says about a CRS: its name and whether it is geographic.
public struct CRSInfo: Hashable, Sendable {
    public let crs: CRS
    public let name: String
    public let isGeographic: Bool
    /// The definition as OGC WKT2:2019 (`proj_as_wkt`), as QGIS and GDAL read it; nil when PROJ
    /// cannot write one.
    public let wkt: String?

    /// Looks the CRS up in PROJ's database.
    ///
    /// - Throws: ``GeometryError/proj(operation:message:)`` with PROJ's message when the code is unknown.
    public init(_ crs: CRS) throws {
        let context = try ProjContext()
        let api = context.api
        guard let pj = api.proj_create(context.handle, crs.identifier) else {
            throw GeometryError.proj(
                operation: "proj_create(\(crs.identifier))", message: context.lastErrorMessage)
        }
        defer { _ = api.proj_destroy(pj) }
        self.crs = crs
        self.name = api.proj_get_name(pj).map { String(cString: $0) } ?? crs.identifier
        let type = api.proj_get_type(pj)
        self.isGeographic =
            type == PJ_TYPE_GEOGRAPHIC_2D_CRS || type == PJ_TYPE_GEOGRAPHIC_3D_CRS
            || type == PJ_TYPE_GEOGRAPHIC_CRS
        // proj_as_wkt returns a string owned by the PJ object (NULL on failure): copied before it is destroyed.
        self.wkt = api.proj_as_wkt(context.handle, pj, PJ_WKT2_2019, nil).map { String(cString: $0) }
    }
}

/// Owns one `PJ_CONTEXT`. Contexts are never shared between threads; each transformation owns one.
final class ProjContext {
    let handle: OpaquePointer
    /// PROJ's functions (bound at the first context).
    let api: CareAtlasPROJ

    init() throws {
        api = try PROJLibrary.loaded().api
        // proj_context_create returns NULL only when memory is exhausted.
        guard let h = api.proj_context_create() else {
            throw GeometryError.proj(operation: "proj_context_create", message: "could not allocate a PROJ context")
        }
        handle = h
        // Errors are reported through the context's errno and our typed errors, not on stderr.
        _ = api.proj_log_level(h, PJ_LOG_NONE)
    }

    deinit { _ = api.proj_context_destroy(handle) }

    /// PROJ's message for the context's current error number.
    var lastErrorMessage: String { message(api.proj_context_errno(handle)) }

    /// PROJ's message for an error number.
    func message(_ code: Int32) -> String {
        guard code != 0, let s = api.proj_context_errno_string(handle, code) else {
            return "unknown PROJ error"
        }
        return String(cString: s)
    }
}
