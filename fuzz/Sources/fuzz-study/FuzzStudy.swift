import CareAtlas
import CareExport
import Foundation

/// libFuzzer entry: the bytes are a study file (YAML). The parser must return a spec or
/// diagnostics; when it returns no spec, at least one diagnostic must be an error that says why.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzStudy(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let data = start.map { Data(bytes: $0, count: count) } ?? Data()
    guard let text = String(data: data, encoding: .utf8) else { return 0 }  // the loader refuses non-UTF-8 up front
    let (spec, diagnostics) = StudyFileParser.parse(yaml: text, file: URL(fileURLWithPath: "/nonexistent/fuzz/study.yaml"))
    if spec == nil {
        precondition(diagnostics.hasErrors, "no spec and no error")
    }
    _ = ValidationReport.text(diagnostics.items)
    return 0
}
