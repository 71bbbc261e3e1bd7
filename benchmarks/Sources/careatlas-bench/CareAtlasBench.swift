// careatlas-bench: inputs and timed kernels for the national-scale benchmarks (benchmarks/run.sh,
// benchmarks/RESULTS.md). Subcommands write seeded inputs or time one step and print one line
// of JSON on stdout (progress, if any, on stderr).
import ArgumentParser

@main
struct CareAtlasBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "careatlas-bench",
        abstract: "Benchmarks of CareAtlas at national scale: seeded inputs and timed steps.",
        subcommands: [Generate.self, AccessPhases.self, Tessellation.self, PointInPolygon.self, CoverageUnion.self, StagedOptimum.self, RegistryLoad.self, GeocodeRecords.self, PlanningBench.self])
}
