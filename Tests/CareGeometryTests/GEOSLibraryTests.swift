import CGEOS
import CareLibraries
import Foundation
import Testing
@testable import CareGeometry

/// GEOS is bound at first use with dlopen (SharedLibrary), by the first GEOS context, not linked:
/// the library chosen, and the failures, each named.
@Suite struct GEOSLibraryTests {
    /// GEOS 3 headers bind `libgeos_c.so.1`, the soname that `libgeos_c.so` (libgeos-dev's link)
    /// names, and the loaded GEOS is the headers' version.
    @Test func defaultCandidatesBindTheHeadersGEOS() throws {
        let candidates = GEOSLibrary.defaultCandidates
        #expect(candidates.last == "libgeos_c.so")
        let library = try GEOSLibrary.bind(candidates: (candidates, false)).get()
        #expect(library.name == candidates.first)
        let version = String(cString: try #require(library.api.GEOSversion()))
        #expect(version.hasPrefix("\(GEOS_VERSION_MAJOR).\(GEOS_VERSION_MINOR)."))
        let linkTarget = URL(fileURLWithPath: "/usr/lib/x86_64-linux-gnu/libgeos_c.so").resolvingSymlinksInPath().lastPathComponent
        if linkTarget.hasPrefix("libgeos_c.so.") {
            #expect(linkTarget.split(separator: ".").prefix(3).joined(separator: ".") == candidates.first)
        }
    }

    /// A wrong path, then a library that is not GEOS: each reason is named, in order, with the fix.
    @Test func aWrongLibraryFailsWithANamedError() {
        let path = "/nonexistent/careatlas/libgeos_c.so.1"
        guard case .failure(let failure) = GEOSLibrary.bind(candidates: ([path, "libz.so.1"], false)) else {
            Issue.record("bound a library that is not GEOS")
            return
        }
        #expect(failure.message == "the GEOS library cannot be loaded (tried \(path), libz.so.1): "
            + "\(path): cannot open shared object file: No such file or directory; libz.so.1 has no function GEOSversion (is it GEOS?)")
        #expect(failure.fix.hasPrefix("install GEOS (Debian and Ubuntu: apt-get install libgeos-dev, which `bash .ci/setup` does"))
        #expect(failure.fix.hasSuffix("or set CAREATLAS_GEOS_LIBRARY to the path of the GEOS library"))
    }

    /// A context binds the library; its functions then answer through the table: the area of a
    /// 3 × 2 rectangle is 6.
    @Test func aContextBindsTheLibrary() throws {
        let context = try GEOSContext()
        let rectangle = try #require(geosAPI.GEOSGeom_createRectangle_r(context.handle, 0, 0, 3, 2))
        defer { geosAPI.GEOSGeom_destroy_r(context.handle, rectangle) }
        var area = 0.0
        #expect(geosAPI.GEOSArea_r(context.handle, rectangle, &area) == 1)
        #expect(area == 6)
    }
}
