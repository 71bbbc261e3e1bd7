import ArgumentParser
import CareFormats

@main
struct CareAtlasCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "careatlas",
        abstract: "Geographic accessibility analysis for palliative-care liaison planning.",
        discussion: """
            A study file (YAML) names the area boundaries, population, patient origins and institutions.
            Start from geodata/demo/study.yaml; see geodata/README.md for the format.
            Results go to stdout; progress and diagnostics go to stderr.
            """,
        subcommands: [Inspect.self, Validate.self, Summary.self, Catchment.self, Access.self, Gaps.self, MCLP.self, Scenarios.self, Map.self, Report.self])

    /// Paths that are not UTF-8 (CP932 folder names) reach the commands through links (RawPaths).
    static func main() {
        main(Array(RawPaths.usableArguments().dropFirst()))
    }
}
