import ArgumentParser
import CareAtlas
import Dispatch
import Foundation

/// `planning --study geodata/cases/kuchubu_planning.yaml`: what the study's `planning:` section
/// adds to a report run — role sharing (CBC), meetings, survey, resampling with its draws, the
/// sensitivity of the staged path and equity — timed alone (best of `--repeat`, wall and CPU seconds, user + system) against the
/// analyses of the run it joins (the peer in the same process). Prints one JSON line.
struct PlanningBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "planning", abstract: "Time the planning: section against the rest of a report run.")

    @Option(help: "The study (with a planning: section).") var study = "geodata/cases/kuchubu_planning.yaml"
    @Option(help: "Runs; the best is reported.") var `repeat` = 3

    func run() throws {
        func cpuSeconds() -> Double {
            var usage = rusage()
            getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
            return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
        }
        let model = try StudyLoader.load(URL(fileURLWithPath: study))
        guard let spec = model.spec.planning else { throw ValidationError("\(study) has no planning: section") }
        var analysesWall = Double.infinity, planningWall = Double.infinity, planningCPU = Double.infinity
        var parts: [String: Double] = [:]
        var draws = 0
        for _ in 0..<max(1, `repeat`) {
            let start = DispatchTime.now()
            let analyses = try StudyAnalyses.compute(model)
            analysesWall = min(analysesWall, seconds(since: start))
            let shares = try analyses.defaultShares.get()
            let scenarios = try analyses.scenarios?.get()
            let access = try analyses.studyGaps?.get().access
            let cpu = cpuSeconds()
            let t = DispatchTime.now()
            let p = try PlanningAnalysis.compute(model, shares: shares, scenarios: scenarios, access: access, costs: analyses.costs)
            planningWall = min(planningWall, seconds(since: t))
            planningCPU = min(planningCPU, cpuSeconds() - cpu)
            guard let p, p.unavailable.isEmpty else { throw ValidationError("planning incomplete: \(p?.unavailable ?? [])") }
            draws = spec.uncertainty?.draws ?? 0
            // Each part alone.
            let timed: [(String, () throws -> Void)] = [
                ("role_sharing", { if let s = spec.roleSharing { _ = try RoleSharingResult.analyse(model, spec: s, scenarios: scenarios) } }),
                ("meetings", { if let s = spec.meetings { _ = try MeetingGroups.build(model, spec: s, scenarios: scenarios) } }),
                ("survey", { if let s = spec.survey { _ = try SurveyList.build(model, spec: s, scenarios: scenarios) } }),
                ("uncertainty", { if let s = spec.uncertainty { _ = try PlanUncertainty.compute(model, spec: s, shares: shares, scenarios: scenarios) } }),
                ("sensitivity", {
                    if let s = spec.sensitivity, let scenarios { _ = try PathSensitivity.compute(model, spec: s, scenarios: scenarios, costs: analyses.costs) }
                }),
            ]
            for (name, job) in timed {
                let s = DispatchTime.now()
                try job()
                parts[name] = min(parts[name] ?? .infinity, seconds(since: s))
            }
        }
        let partText = parts.keys.sorted().map { "\"\($0)\":\(String(format: "%.3f", parts[$0]!))" }.joined(separator: ",")
        print("{\"study\":\"\(study)\",\"draws\":\(draws),\"seconds_planning\":\(String(format: "%.3f", planningWall)),"
              + "\"cpu_seconds_planning\":\(String(format: "%.3f", planningCPU)),\"seconds_analyses\":\(String(format: "%.3f", analysesWall)),"
              + "\"ratio_planning_to_analyses\":\(String(format: "%.3f", planningWall / analysesWall)),\"parts\":{\(partText)}}")
    }
}
