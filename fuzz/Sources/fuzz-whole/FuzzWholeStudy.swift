import CareAtlas
import CareExport
import CarePrivacy
import CareFormats
import Foundation

/// libFuzzer entry (issue 14): the bytes are a whole study — the study file and its CSV and GeoJSON
/// inputs — packed as sections, each starting with a line `#### <file name>` (the first section,
/// before any such line, is `study.yaml`). The sections are written into a scratch folder, the study
/// is loaded, and when it loads every analysis runs: what `report`, `catchment`, `scenarios`,
/// `gaps` and `summary` compute. Errors are fine (they are the loader's and the analyses' answers);
/// a crash, a hang, a leak or an error without a message is a finding.
///
/// `fuzz/corpus/whole/` holds the demo study packed this way (fuzz/pack_study.py).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzWholeStudy(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let data = start.map { Data(bytes: $0, count: count) } ?? Data()
    let folder = Scratch.folder
    // Clear the previous input's files.
    for name in (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? [] {
        try? FileManager.default.removeItem(at: folder.appendingPathComponent(name))
    }
    for (name, bytes) in unpack(data) {
        try? bytes.write(to: folder.appendingPathComponent(name))
    }
    let model: StudyModel
    do {
        model = try StudyLoader.load(folder.appendingPathComponent("study.yaml"))
    } catch let error as StudyLoadError {
        precondition(error.diagnostics.contains { $0.severity == .error }, "a refused study without an error")
        _ = error.description
        return 0
    } catch {
        preconditionFailure("the loader threw \(type(of: error)) instead of StudyLoadError")
    }
    runEveryAnalysis(model)
    return 0
}

/// Every analysis of a loaded study, each allowed to refuse with an ``AnalysisError``.
func runEveryAnalysis(_ model: StudyModel) {
    let policy = SmallCellPolicy(minCell: model.spec.minCell)
    _ = StudySummary(model: model, policy: policy)
    _ = ValidationReport.text(model.diagnostics)
    for level in model.levels {
        attempt { _ = try PatientShareCatchments.analyse(model, level: level) }
        attempt { _ = try DistanceCatchments.compute(model, kinds: [], radiiKm: [1, 2, 5], level: level) }
        attempt { _ = try HospitalCatchments.analyse(model, level: level, attractiveness: "beds", kinds: ["hospital"], decay: .power) }
    }
    attempt {
        let results = try StudyResults.compute(model, policy: policy)
        if let s = results.scenarios { _ = s.text(disclosure: results.disclosure) }
        _ = CatchmentReport.text(results.shares, disclosure: results.disclosure)
    }
}

/// Runs `body`; analysis refusals must carry a message.
func attempt(_ body: () throws -> Void) {
    do { try body() } catch let error as AnalysisError {
        precondition(!error.message.isEmpty, "an analysis error without a message")
    } catch {
        precondition(!"\(error)".isEmpty, "an error without a message")
    }
}

/// Sections `#### name\n…`; names are plain file names of the study folder (others are skipped).
func unpack(_ data: Data) -> [(String, Data)] {
    let marker = Array("\n#### ".utf8)
    let bytes = [UInt8](data)
    var sections: [(String, Data)] = []
    var name = "study.yaml"
    var start = 0
    var i = 0
    func flush(_ end: Int) {
        if isPlainName(name) { sections.append((name, Data(bytes[start..<end]))) }
    }
    while i + marker.count <= bytes.count {
        if bytes[i] == marker[0], Array(bytes[i..<(i + marker.count)]) == marker {
            flush(i)
            let nameStart = i + marker.count
            var nameEnd = nameStart
            while nameEnd < bytes.count, bytes[nameEnd] != UInt8(ascii: "\n") { nameEnd += 1 }
            name = String(decoding: bytes[nameStart..<nameEnd], as: UTF8.self)
            start = min(nameEnd + 1, bytes.count)
            i = start
            continue
        }
        i += 1
    }
    flush(bytes.count)
    return sections
}

func isPlainName(_ name: String) -> Bool {
    !name.isEmpty && name.count <= 64 && name != "." && name != ".."
        && name.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "._-".unicodeScalars.contains($0)) }
}

enum Scratch {
    static let folder: URL = {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("careatlas-fuzz-whole-\(getpid())")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }()
}
