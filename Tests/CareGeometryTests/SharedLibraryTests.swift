import CPROJ
import CareLibraries
import Foundation
import Testing
@testable import CareGeometry

/// PROJ is bound at first use with dlopen (SharedLibrary), not linked: the library chosen, and
/// the failures, each named.
@Suite struct SharedLibraryTests {
    /// PROJ 9 headers bind `libproj.so.25`, the soname that `libproj.so` (libproj-dev's link) names.
    @Test func defaultCandidatesBindTheHeadersPROJ() throws {
        let candidates = PROJLibrary.defaultCandidates
        #expect(candidates.last == "libproj.so")
        let library = try PROJLibrary.bind(candidates: (candidates, false)).get()
        #expect(library.name == candidates.first)
        let info = library.api.proj_info()
        #expect(info.major == PROJ_VERSION_MAJOR && info.minor == PROJ_VERSION_MINOR)
        let linkTarget = URL(fileURLWithPath: "/usr/lib/x86_64-linux-gnu/libproj.so").resolvingSymlinksInPath().lastPathComponent
        if linkTarget.hasPrefix("libproj.so.") {
            #expect(linkTarget.split(separator: ".").prefix(3).joined(separator: ".") == candidates.first)
        }
    }

    /// The environment variable, when set and not empty, is the only library tried.
    @Test func theEnvironmentVariableReplacesTheDefaults() {
        let set = SharedLibrary.candidates(variable: "X_LIB", defaults: ["a", "b"], environment: ["X_LIB": "/opt/x.so"])
        #expect(set.names == ["/opt/x.so"] && set.fromEnvironment)
        let empty = SharedLibrary.candidates(variable: "X_LIB", defaults: ["a", "b"], environment: ["X_LIB": ""])
        #expect(empty.names == ["a", "b"] && !empty.fromEnvironment)
    }

    /// A wrong path, then a library that is not PROJ: each reason is named, in order, with the fix.
    @Test func aWrongLibraryFailsWithANamedError() {
        let path = "/nonexistent/careatlas/libproj.so.25"
        guard case .failure(let failure) = PROJLibrary.bind(candidates: ([path, "libz.so.1"], false)) else {
            Issue.record("bound a library that is not PROJ")
            return
        }
        #expect(failure.message == "the PROJ library cannot be loaded (tried \(path), libz.so.1): "
            + "\(path): cannot open shared object file: No such file or directory; libz.so.1 has no function proj_info (is it PROJ?)")
        #expect(failure.fix.hasPrefix("install PROJ (Debian and Ubuntu: apt-get install libproj-dev, which `bash .ci/setup` does"))
        #expect(failure.fix.hasSuffix("or set CAREATLAS_PROJ_LIBRARY to the path of the PROJ library"))
    }
}
