import Foundation

/// Seeded copies of the demo study with small patient counts, for the disclosure tests (the
/// attacker on the engine's decision, and the audit of every command's outputs).
public enum DemoVariants {
    static let demo = repositoryRoot.appendingPathComponent("geodata/demo")

    /// The number of seeded variants a test runs: `CAREATLAS_DISCLOSURE_VARIANTS` when set, else
    /// `standard`.
    public static func count(standard: Int) -> Int {
        ProcessInfo.processInfo.environment["CAREATLAS_DISCLOSURE_VARIANTS"].flatMap(Int.init).map { max($0, 1) } ?? standard
    }

    /// The demo with its patient table rewritten: each ward (and the outside bucket) gets a count
    /// 1 … 9 with probability 0.7, else 10 … 60, split over the two services (SplitMix64, `seed`).
    /// With `linkAnchorFlows`, the anchor's (H01) rows of the flow table are set to each ward's new
    /// count, so the service-area tables publish the same cells as the patient table. Returns the
    /// study file of a new temporary folder (the caller removes the folder).
    public static func smallCounts(seed: UInt64, linkAnchorFlows: Bool = false) throws -> URL {
        var rng = SplitMix64(state: seed)
        let dir = FileManager.default.temporaryDirectory
            .appendingPathComponent("careatlas-disclosure-\(seed)\(linkAnchorFlows ? "-linked" : "")-\(getpid())-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        for f in try FileManager.default.contentsOfDirectory(atPath: demo.path) {
            try FileManager.default.copyItem(at: demo.appendingPathComponent(f), to: dir.appendingPathComponent(f))
        }
        let names = ["桜区", "楓区", "欅区", "柳区", "松区", "竹区", "梅区", "椿区", "藤区"]
        var csv = "area_code,area_name,fiscal_year,service,patients\n"
        var totals: [String: Int] = [:]
        for (i, name) in (names + ["市外"]).enumerated() {
            let code = i == 9 ? "99999" : "9910\(i + 1)"
            let total = Double.random(in: 0..<1, using: &rng) < 0.7 ? Int.random(in: 1...9, using: &rng) : Int.random(in: 10...60, using: &rng)
            let first = Int.random(in: 0...total, using: &rng)
            csv += "\(code),\(name),2025,pct_consult,\(first)\n\(code),\(name),2025,pcu_admission,\(total - first)\n"
            totals[code] = total
        }
        try csv.write(to: dir.appendingPathComponent("patients.csv"), atomically: true, encoding: .utf8)
        if linkAnchorFlows {
            let url = dir.appendingPathComponent("flows.csv")
            let lines = try String(contentsOf: url, encoding: .utf8).split(separator: "\n").map(String.init)
            let rows = lines.dropFirst().map { line -> String in
                let f = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
                guard f.count == 3, f[1] == "H01", let n = totals[f[0]] else { return line }
                return "\(f[0]),H01,\(n)"
            }
            try (([lines[0]] + rows).joined(separator: "\n") + "\n").write(to: url, atomically: true, encoding: .utf8)
        }
        return dir.appendingPathComponent("study.yaml")
    }
}
