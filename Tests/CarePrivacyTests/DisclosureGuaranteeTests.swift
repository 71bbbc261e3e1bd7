import CareAtlas
@testable import CarePrivacy
import Foundation
import Testing
import TestSupport

/// The protection guarantee on whole studies: after suppression, an attacker with an integer
/// programming solver (``DisclosureAttack``) cannot narrow any cell shown as "<10" below 1 … 9
/// from the cells and totals the run publishes together (areas, outside, catchments, groups,
/// stages of every plan, frontier points and path steps).
@Suite(.serialized) struct DisclosureGuaranteeTests {
    static let demo = repositoryRoot.appendingPathComponent("geodata/demo")

    /// The demo with its patient table rewritten: each ward (and the outside bucket) gets a count
    /// 1 … 9 with probability 0.7, else 10 … 60, split over the two services. Seeded.
    static func smallCountVariant(seed: UInt64) throws -> URL {
        var rng = SplitMix64(state: seed)
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("careatlas-disclosure-\(seed)-\(getpid())")
        try? FileManager.default.removeItem(at: dir)
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        for f in try FileManager.default.contentsOfDirectory(atPath: demo.path) {
            try FileManager.default.copyItem(at: demo.appendingPathComponent(f), to: dir.appendingPathComponent(f))
        }
        let names = ["桜区", "楓区", "欅区", "柳区", "松区", "竹区", "梅区", "椿区", "藤区"]
        var csv = "area_code,area_name,fiscal_year,service,patients\n"
        for (i, name) in (names + ["市外"]).enumerated() {
            let code = i == 9 ? "99999" : "9910\(i + 1)"
            let total = Double.random(in: 0..<1, using: &rng) < 0.7 ? Int.random(in: 1...9, using: &rng) : Int.random(in: 10...60, using: &rng)
            let first = Int.random(in: 0...total, using: &rng)
            csv += "\(code),\(name),2025,pct_consult,\(first)\n\(code),\(name),2025,pcu_admission,\(total - first)\n"
        }
        try csv.write(to: dir.appendingPathComponent("patients.csv"), atomically: true, encoding: .utf8)
        return dir.appendingPathComponent("study.yaml")
    }

    static func check(_ study: URL, label: String) throws -> (hidden: Int, secondary: Int) {
        let model = try StudyLoader.load(study)
        let solves = DisclosureAttack.solves.value
        let clock = ContinuousClock(), start = clock.now
        let results = try StudyResults.compute(model, policy: SmallCellPolicy(minCell: model.spec.minCell))
        print("disclosure \(label): computed in \(clock.now - start), \(DisclosureAttack.solves.value - solves) LP/IP solves so far")
        let published = results.disclosure.attackerView
        let narrowed = DisclosureAttack.narrowedCells(published)
        #expect(narrowed.isEmpty, "\(label): \(narrowed)")
        let small = published.cells.filter { $0 == .small }.count
        let secondary = published.cells.filter { $0 == .secondary }.count
        print("disclosure \(label): \(small) hidden small cells, \(secondary) secondary, \(published.totals.count) shown totals")
        return (small, secondary)
    }

    @Test func demoAsIs() throws {
        _ = try Self.check(Self.demo.appendingPathComponent("study.yaml"), label: "demo")
    }

    @Test func demoWithMostWardsSmall() throws {
        var hidden = 0, secondary = 0
        let variants = ProcessInfo.processInfo.environment["CAREATLAS_DISCLOSURE_VARIANTS"].flatMap(Int.init) ?? 50
        for seed in 1...UInt64(variants) {
            let study = try Self.smallCountVariant(seed: seed)
            defer { try? FileManager.default.removeItem(at: study.deletingLastPathComponent()) }
            let r = try Self.check(study, label: "demo small-count variant \(seed)")
            hidden += r.hidden
            secondary += r.secondary
        }
        print("disclosure demo variants: \(variants) studies, \(hidden) hidden small cells, \(secondary) secondary cells")
    }

    @Test(.enabled(if: SharedData.root != nil, "\(SharedData.skipMessage)")) func kuchubu() throws {
        let study = repositoryRoot.appendingPathComponent("geodata/cases/kuchubu.yaml")
        _ = try Self.check(study, label: "区中央部")
    }
}
