import CareAtlas
import CareExport
import CarePrivacy
import Foundation
import PropertyBased
import Testing
import TestSupport

/// Property-based tests of hostile and unusual input (issue 14): generated mutations of the demo
/// study — numbers at the edges of their ranges, ward rings with repeated, collinear and nearly
/// coincident vertices, layers cut down to one area or none — go through loading and every
/// analysis. Nothing may crash; a refused study carries an error; and the known answers hold:
/// a study is refused exactly when a number is out of its range, and otherwise its patient total
/// is the demo's 150 with the edited row's count in place of 5.
///
/// `swift test` runs CAREATLAS_PROPERTY_CASES cases (default 200); the nightly mode runs 10,000 or
/// more: `CAREATLAS_PROPERTY_CASES=10000 swift test --filter HostileStudyPropertyTests`.
@Suite struct HostileStudyPropertyTests {
    static let caseCount = ProcessInfo.processInfo.environment["CAREATLAS_PROPERTY_CASES"].flatMap(Int.init) ?? 200
    /// CAREATLAS_PROPERTY_VERBOSE=1 prints each analysis refusal.
    static let verbose = ProcessInfo.processInfo.environment["CAREATLAS_PROPERTY_VERBOSE"] == "1"
    static let demo = repositoryRoot.appendingPathComponent("geodata/demo")

    // Values at and beyond the edges of each documented range (geodata/README.md, *Ranges of numbers*);
    // those inside are listed three times, so that about a third of the studies are within every range.
    static func weighted(_ inside: [String], _ outside: [String]) -> [String] { inside + inside + inside + outside }
    static let minCells = weighted(["5", "9", "10", "1000000000"], ["4", "1", "0", "1000000001", "9223372036854775807", "7.5"])
    static let counts = weighted(["0", "1", "1000000000"], ["1000000001", "9223372036854775807", "99999999999999999999"])
    static let budgets = weighted(["1", "4", "9", "1000000000000"], ["1000000000001", "1e300"])
    static let upTos = weighted(["1", "9", "10000"], ["10001", "1000000"])

    enum VertexEdit: Int, Sendable, CaseIterable {
        /// The vertex written twice.
        case repeated
        /// A vertex in the middle of the edge (the neighbour's ring lacks it: not exactly noded).
        case collinear
        /// A vertex 10⁻ᵉ m from the corner (e in 3…12).
        case nearlyCoincident
    }

    struct Edit: Sendable, CustomStringConvertible {
        let ward: Int, vertex: Int, kind: VertexEdit, exponent: Int
        var description: String { "\(kind) at ward \(ward) vertex \(vertex)\(kind == .nearlyCoincident ? " (1e-\(exponent))" : "")" }
    }

    struct Mutation: Sendable, CustomStringConvertible {
        let minCell: String, count: String, budget: String, upTo: String
        let edits: [Edit]
        /// Ward features kept (the first n of 9), 9 = all.
        let keptWards: Int
        var description: String {
            "min_cell \(minCell), count \(count), budget \(budget), up_to \(upTo), wards \(keptWards), edits \(edits)"
        }

        /// Whether a number is outside its documented range (then loading must refuse).
        var outOfRange: Bool {
            let cell = Int(minCell).map { (5...1_000_000_000).contains($0) } ?? false
            let n = Int(count).map { $0 <= 1_000_000_000 } ?? false
            let b = Double(budget).map { $0 <= 1e12 } ?? false
            let u = Int(upTo).map { (1...10_000).contains($0) } ?? false
            return !(cell && n && b && u)
        }
    }

    static let mutations = zip(
        Gen<String?>.element(of: minCells), Gen<String?>.element(of: counts), Gen<String?>.element(of: budgets),
        Gen<String?>.element(of: upTos),
        zip(Gen.int(in: 0...8), Gen.int(in: 0...3), Gen<VertexEdit>.case, Gen.int(in: 3...12))
            .map { t in Edit(ward: t.0, vertex: t.1, kind: t.2, exponent: t.3) }.array(of: 0...3),
        Gen<Int?>.element(of: [9, 9, 9, 9, 1, 0])
    ).map { t in Mutation(minCell: t.0!, count: t.1!, budget: t.2!, upTo: t.3!, edits: t.4, keptWards: t.5!) }

    @Test func mutatedDemoStudiesNeverCrashAndKeepTheirKnownAnswers() async throws {
        let started = ContinuousClock.now
        let counter = Counter()
        await propertyCheck(count: Self.caseCount, input: Self.mutations) { mutation in
            try Self.check(mutation, counter)
        }
        print("HostileStudyPropertyTests: \(Self.caseCount) cases in \(ContinuousClock.now - started): "
              + "\(counter.loaded) loaded, \(counter.refused) refused, \(counter.analysisRefusals) analysis refusals")
    }

    final class Counter: @unchecked Sendable {
        var loaded = 0, refused = 0, analysisRefusals = 0
    }

    static func check(_ m: Mutation, _ counter: Counter) throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("careatlas-property-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        for name in try FileManager.default.contentsOfDirectory(atPath: demo.path) where !name.hasSuffix(".py") {
            try FileManager.default.copyItem(at: demo.appendingPathComponent(name), to: folder.appendingPathComponent(name))
        }
        try write(m, into: folder)
        let model: StudyModel
        do {
            model = try StudyLoader.load(folder.appendingPathComponent("study.yaml"))
        } catch let error as StudyLoadError {
            counter.refused += 1
            #expect(error.diagnostics.contains { $0.severity == .error }, "refused without an error: \(m)")
            #expect(m.outOfRange || m.keptWards < 9, "a study within every range was refused: \(m)\n\(error)")
            return
        }
        counter.loaded += 1
        #expect(!m.outOfRange, "a number out of its range was accepted: \(m)")
        // Row 1 of patients.csv (99101, 5 patients) holds the edited count.
        #expect(model.totalPatients == 145 + Int(m.count)!, "\(m)")
        counter.analysisRefusals += runEveryAnalysis(model, m)
    }

    /// Writes the mutated study files into `folder` (a copy of the demo).
    static func write(_ m: Mutation, into folder: URL) throws {
        func edit(_ name: String, _ body: (String) -> String) throws {
            let url = folder.appendingPathComponent(name)
            try Data(body(try String(contentsOf: url, encoding: .utf8)).utf8).write(to: url)
        }
        try edit("study.yaml") {
            $0.replacingOccurrences(of: "  min_cell: 10 ", with: "  min_cell: \(m.minCell) ")
                .replacingOccurrences(of: "max_institutions: 4, kinds", with: "max_institutions: \(m.budget), kinds")
                .replacingOccurrences(of: "up_to: 9}", with: "up_to: \(m.upTo)}")
        }
        try edit("patients.csv") {
            $0.replacingOccurrences(of: "99101,桜区,2025,pct_consult,5\n", with: "99101,桜区,2025,pct_consult,\(m.count)\n")
        }
        let url = folder.appendingPathComponent("wards.geojson")
        var json = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
        var features = json["features"] as! [[String: Any]]
        for e in m.edits {
            var geometry = features[e.ward]["geometry"] as! [String: Any]
            var rings = geometry["coordinates"] as! [[[Double]]]
            var ring = rings[0]
            let a = ring[e.vertex], b = ring[e.vertex + 1]
            switch e.kind {
            case .repeated: ring.insert(a, at: e.vertex)
            case .collinear: ring.insert([(a[0] + b[0]) / 2, (a[1] + b[1]) / 2], at: e.vertex + 1)
            case .nearlyCoincident:
                let eps = pow(10, -Double(e.exponent))
                ring.insert([a[0] + (b[0] - a[0]) * eps / 2000, a[1] + (b[1] - a[1]) * eps / 2000 + eps], at: e.vertex + 1)
            }
            rings[0] = ring
            geometry["coordinates"] = rings
            features[e.ward]["geometry"] = geometry
        }
        let wards = features.filter { ($0["properties"] as? [String: Any])?["code"] is String }
        let others = features.filter { !(($0["properties"] as? [String: Any])?["code"] is String) }
        json["features"] = Array(wards.prefix(m.keptWards)) + others
        try JSONSerialization.data(withJSONObject: json).write(to: url)
    }

    /// Every analysis of a loaded study (what report, catchment, scenarios, gaps and summary run);
    /// each may refuse with a message, none may crash. Returns the number of refusals.
    static func runEveryAnalysis(_ model: StudyModel, _ m: Mutation) -> Int {
        var refusals = 0
        func attempt(_ body: () throws -> Void) {
            do { try body() } catch {
                refusals += 1
                if verbose { print("analysis refusal (\(m)): \(error)") }
                #expect(!"\(error)".isEmpty, "an analysis error without a message: \(m)")
            }
        }
        let policy = SmallCellPolicy(minCell: model.spec.minCell)
        _ = StudySummary(model: model, policy: policy)
        for level in model.levels {
            attempt { _ = try PatientShareCatchments.analyse(model, level: level) }
            attempt { _ = try DistanceCatchments.compute(model, kinds: [], radiiKm: [1, 2, 5], level: level) }
            attempt { _ = try HospitalCatchments.analyse(model, level: level, attractiveness: "beds", kinds: ["hospital"], decay: .power) }
        }
        attempt {
            let results = try StudyResults.compute(model, policy: policy)
            if let s = results.scenarios {
                _ = s.text(disclosure: results.disclosure)
                if let f = s.frontier, m.keptWards == 9 {
                    // The frontier stops where the whole level fits: 9 institutions of the liaison kinds.
                    #expect(f.points.count == min(Int(m.upTo)!, 9), "\(m)")
                }
            }
        }
        return refusals
    }
}
