import ArgumentParser
import CareAtlas
import CareRegistries
import Dispatch
import Foundation

/// `registries --geodata ../shared/geodata`: time every registry importer and SSDSE-A on the
/// official files (one pass in sequence, one with the files read concurrently), and the load of
/// geodata/cases/kuchubu_registries.yaml; the best of `--repeat` runs, wall and CPU (user +
/// system) seconds, and the 1-minute load average before the first run (on a shared machine the
/// CPU seconds are the figure to compare). Prints one JSON line.
struct RegistryLoad: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "registries", abstract: "Time the registry importers and SSDSE-A on the official downloads.")

    @Option(help: "The shared geodata folder.") var geodata = "../shared/geodata"
    @Option(help: "The study to load as well.") var study = "geodata/cases/kuchubu_registries.yaml"
    @Option(help: "Runs; the best is reported.") var `repeat` = 3

    func run() throws {
        let root = URL(fileURLWithPath: geodata)
        let four: Set<String> = ["11", "12", "13", "14"]
        let dbfs = ["11-saitama", "12-chiba", "13-tokyo", "14-kanagawa"].map {
            root.appendingPathComponent("small_areas/census2015_attributes/\($0)-all.dbf")
        }
        let jobs: [(String, @Sendable () throws -> Int)] = [
            ("ssdse_a+allocation", {
                let rows = try SSDSEA.read(contentsOf: root.appendingPathComponent("population/ssdse/SSDSE-A-2026.csv")).rows
                return WardAllocation.allocate(rows, wardPopulation: try WardAllocation.populationByMunicipality(dbfs: dbfs)).rows.count
            }),
            ("iryojoho", { try Iryojoho.read(contentsOf: root.appendingPathComponent("institutions/iryojoho/01-1_hospital_facility_info_20250601.zip"), prefectures: four).facilities.count }),
            ("kouseikyoku_list", { try Kouseikyoku.readList(contentsOf: root.appendingPathComponent("institutions/kouseikyoku/202508_all_med_inst_cd.zip"), prefectures: four).institutions.count }),
            ("todokede_saitama", { try Kouseikyoku.readTodokede(contentsOf: root.appendingPathComponent("institutions/kouseikyoku/11届出受理医療機関名簿（医科）埼玉r0710.xlsx")).institutions.count }),
            ("todokede_chiba", { try Kouseikyoku.readTodokede(contentsOf: root.appendingPathComponent("institutions/kouseikyoku/12届出受理医療機関名簿（医科）千葉r0710.xlsx")).institutions.count }),
        ]
        var best: [String: Double] = [:]
        var counts: [String: Int] = [:]
        var bestSequential = Double.infinity, bestConcurrent = Double.infinity, bestStudy = Double.infinity
        var cpuSequential = Double.infinity, cpuConcurrent = Double.infinity, cpuStudy = Double.infinity
        func cpuSeconds() -> Double {
            var t = timespec()
            clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t)
            return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
        }
        let load = (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8)).map { String($0.split(separator: " ").first ?? "") } ?? "unknown"
        for _ in 0..<max(1, `repeat`) {
            let cpuStart = cpuSeconds()
            let start = DispatchTime.now()
            for (name, job) in jobs {
                let t = DispatchTime.now()
                counts[name] = try job()
                best[name] = min(best[name] ?? .infinity, seconds(since: t))
            }
            bestSequential = min(bestSequential, seconds(since: start))
            cpuSequential = min(cpuSequential, cpuSeconds() - cpuStart)
            let cpuConcurrentStart = cpuSeconds()
            let concurrentStart = DispatchTime.now()
            let failures = Failures()
            DispatchQueue.concurrentPerform(iterations: jobs.count) { i in
                do { _ = try jobs[i].1() } catch { failures.add("\(jobs[i].0): \(error)") }
            }
            if let first = failures.first { throw ValidationError(first) }
            bestConcurrent = min(bestConcurrent, seconds(since: concurrentStart))
            cpuConcurrent = min(cpuConcurrent, cpuSeconds() - cpuConcurrentStart)
            let cpuStudyStart = cpuSeconds()
            let studyStart = DispatchTime.now()
            _ = try StudyLoader.load(URL(fileURLWithPath: study))
            bestStudy = min(bestStudy, seconds(since: studyStart))
            cpuStudy = min(cpuStudy, cpuSeconds() - cpuStudyStart)
        }
        let parts = jobs.map { "\"\($0.0)\":{\"seconds\":\(String(format: "%.3f", best[$0.0]!)),\"rows\":\(counts[$0.0]!)}" }
        print("{\"importers\":{\(parts.joined(separator: ","))},\"seconds_sequential\":\(String(format: "%.3f", bestSequential)),"
              + "\"seconds_concurrent\":\(String(format: "%.3f", bestConcurrent)),\"seconds_study_load\":\(String(format: "%.3f", bestStudy)),\"cpu_seconds_study_load\":\(String(format: "%.3f", cpuStudy)),"
              + "\"cpu_seconds_sequential\":\(String(format: "%.3f", cpuSequential)),\"cpu_seconds_concurrent\":\(String(format: "%.3f", cpuConcurrent)),\"load_average_1min\":\"\(load)\"}")
    }
}

/// Errors collected from concurrent jobs.
private final class Failures: @unchecked Sendable {
    private let lock = NSLock()
    private var list: [String] = []
    func add(_ s: String) { lock.lock(); list.append(s); lock.unlock() }
    var first: String? { lock.lock(); defer { lock.unlock() }; return list.first }
}
