import CCBC
import CareLibraries
import Foundation
import Testing
@testable import CareSolver

/// CBC is bound at first use with dlopen (SharedLibrary), not linked: the library chosen, and the
/// failures, each named.
@Suite struct CBCLibraryTests {
    /// CBC 2 headers bind `libCbcSolver.so.3`, the soname that `libCbcSolver.so`
    /// (coinor-libcbc-dev's link) names, and the loaded CBC has the headers' version; the Clp
    /// functions come from the same handle (libClp is among libCbcSolver's dependencies).
    @Test func defaultCandidatesBindTheHeadersCBC() throws {
        let candidates = CBCLibrary.defaultCandidates
        #expect(candidates.last == "libCbcSolver.so")
        let library = try CBCLibrary.bind(candidates: (candidates, false)).get()
        #expect(library.name == candidates.first)
        let version = String(cString: try #require(library.api.Cbc_getVersion()))
        #expect(version == CBC_VERSION)
        let model = try #require(library.api.Clp_newModel())
        library.api.Clp_deleteModel(model)
        let linkTarget = URL(fileURLWithPath: "/usr/lib/x86_64-linux-gnu/libCbcSolver.so").resolvingSymlinksInPath().lastPathComponent
        if linkTarget.hasPrefix("libCbcSolver.so.") {
            #expect(linkTarget.split(separator: ".").prefix(3).joined(separator: ".") == candidates.first)
        }
    }

    /// A wrong path, then a library that is not CBC: each reason is named, in order, with the fix.
    @Test func aWrongLibraryFailsWithANamedError() {
        let path = "/nonexistent/careatlas/libCbcSolver.so.3"
        guard case .failure(let failure) = CBCLibrary.bind(candidates: ([path, "libz.so.1"], false)) else {
            Issue.record("bound a library that is not CBC")
            return
        }
        #expect(failure.message == "the CBC library cannot be loaded (tried \(path), libz.so.1): "
            + "\(path): cannot open shared object file: No such file or directory; libz.so.1 has no function Cbc_getVersion (is it CBC?)")
        #expect(failure.fix.hasPrefix("install CBC (Debian and Ubuntu: apt-get install coinor-libcbc-dev, which `bash .ci/setup` does"))
        #expect(failure.fix.hasSuffix("or set CAREATLAS_CBC_LIBRARY to the path of the CBC library"))
    }

    /// Named by the environment variable, the fix is to correct or unset it.
    @Test func aWrongLibraryFromTheEnvironmentNamesTheVariable() {
        let path = "/nonexistent/careatlas/libCbcSolver.so.3"
        guard case .failure(let failure) = CBCLibrary.bind(candidates: ([path], true)) else {
            Issue.record("bound a library that does not exist")
            return
        }
        #expect(failure.fix == "set CAREATLAS_CBC_LIBRARY to the path of the CBC library, or unset it")
    }

    /// The bound library solves: `loadLibrary` succeeds where the default libraries are installed.
    @Test func loadLibrarySucceedsWithTheInstalledCBC() throws {
        try ILPSolver.loadLibrary()
    }
}
