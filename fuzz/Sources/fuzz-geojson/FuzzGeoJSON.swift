import CareFormats
import Foundation

/// libFuzzer entry: the bytes are a GeoJSON file. The reader must return a layer or throw a
/// `GeoJSONError` whose every problem has a message; anything else (a trap, a hang, an
/// out-of-memory) is a defect.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzGeoJSON(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let data = start.map { Data(bytes: $0, count: count) } ?? Data()
    do {
        let layer = try GeoJSON.read(data: data, name: "fuzz")
        // Touch every feature so that lazily built values are built too.
        var n = 0
        for feature in layer.features { n &+= feature.properties.count }
        _ = n
        // Round trip through the writer: whatever was read must be writable.
        _ = try? GeoJSON.encode(layer)
    } catch {
        precondition(!error.problems.isEmpty, "GeoJSONError without problems")
        precondition(error.problems.allSatisfy { !$0.message.isEmpty }, "problem without a message")
        _ = error.description
    }
    return 0
}
