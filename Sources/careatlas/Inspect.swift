import ArgumentParser
import CareFormats
import CareGeometry
import Foundation

struct Inspect: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Describe GeoJSON layers: features, geometry types, extent, CRS, properties, invalid geometries.")

    @OptionGroup var common: CommonOptions

    @Argument(help: "GeoJSON files to inspect.")
    var files: [String]

    func validate() throws {
        guard !files.isEmpty else { throw ValidationError("give at least one GeoJSON file") }
        for f in files { try validateInputFile(f, what: "input") }
    }

    func run() throws {
        let terminal = Terminal(quiet: common.quiet)
        var reports: [String] = []
        var failed = false
        for file in files {
            terminal.progress("reading \(file)")
            do {
                let layer = try GeoJSON.read(contentsOf: URL(fileURLWithPath: file))
                let report = LayerInspection.inspect(layer, validity: LayerInspection.geosValidity)
                reports.append(common.json ? report.renderJSON() : report.renderText())
            } catch {
                Terminal.error("\(error)")
                failed = true
            }
        }
        if common.json {
            print("[" + reports.joined(separator: ",\n") + "]")
        } else {
            print(reports.joined(separator: "\n"), terminator: "")
        }
        if failed { throw ExitCode.failure }
    }
}
