@testable import CareGDAL
import CGDAL
import Foundation
import XCTest

/// GDAL is bound at first use with dlopen (the executable does not link it): the binding's
/// library choice and its failures, each named.
final class GDALLibraryTests: XCTestCase {
    /// The soname rule (GDAL 3: 26 + minor) names the library the headers came from: on Debian 12
    /// (GDAL 3.6) `libgdal.so.32`, the file that `libgdal.so` (libgdal-dev's link) points to.
    func testDefaultCandidatesBindTheHeadersGDAL() throws {
        let candidates = GDALLibrary.defaultCandidates
        XCTAssertEqual(candidates.last, "libgdal.so")
        let library = try GDALLibrary.bind(candidates: (candidates, false)).get()
        XCTAssertEqual(library.name, candidates.first, "the soname of the headers' GDAL did not load; tried \(candidates)")
        let release = String(cString: try XCTUnwrap(library.api.GDALVersionInfo("RELEASE_NAME")))
        XCTAssertTrue(release.hasPrefix("\(GDAL_VERSION_MAJOR).\(GDAL_VERSION_MINOR)."), release)
        // The soname the linker would have recorded: what libgdal.so resolves to, up to its first
        // version number (libgdal.so.32.3.6.2 → libgdal.so.32).
        let linkTarget = URL(fileURLWithPath: "/usr/lib/x86_64-linux-gnu/libgdal.so").resolvingSymlinksInPath().lastPathComponent
        if linkTarget.hasPrefix("libgdal.so.") {
            let soname = linkTarget.split(separator: ".").prefix(3).joined(separator: ".")
            XCTAssertEqual(soname, candidates.first)
        }
    }

    /// A path that does not exist: the error names the path, dlopen's reason and the fix.
    func testWrongPathFailsWithANamedError() {
        let path = "/nonexistent/careatlas/libgdal.so.32"
        switch GDALLibrary.bind(candidates: ([path], true)) {
        case .success: XCTFail("bound a library that does not exist")
        case .failure(let failure):
            XCTAssertEqual(
                failure.message,
                "the GDAL library cannot be loaded (tried \(path)): \(path): cannot open shared object file: No such file or directory")
            XCTAssertEqual(failure.fix, "set CAREATLAS_GDAL_LIBRARY to the path of the GDAL library, or unset it")
        }
        switch GDALLibrary.bind(candidates: (["libgdal.so.0"], false)) {
        case .success: XCTFail("bound libgdal.so.0")
        case .failure(let failure):
            XCTAssertTrue(failure.message.contains("libgdal.so.0: cannot open shared object file"), failure.message)
            XCTAssertTrue(failure.fix.contains("apt-get install libgdal-dev"), failure.fix)
            XCTAssertTrue(failure.fix.contains("bash .ci/setup"), failure.fix)
        }
    }

    /// A library that loads but is not GDAL: the first function it lacks is named.
    func testALibraryWithoutGDALsFunctionsIsRefused() {
        switch GDALLibrary.bind(candidates: (["libz.so.1"], false)) {
        case .success: XCTFail("bound zlib as GDAL")
        case .failure(let failure):
            XCTAssertTrue(failure.message.hasSuffix("libz.so.1 has no function GDALVersionInfo (is it GDAL?)"), failure.message)
        }
        // The next candidate is tried after a failure.
        XCTAssertNoThrow(try GDALLibrary.bind(candidates: (["libz.so.1", "libgdal.so"], false)).get())
    }
}
