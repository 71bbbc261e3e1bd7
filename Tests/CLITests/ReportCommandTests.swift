import CareFormats
import Foundation
import Testing
import TestSupport

/// `careatlas report` on the demo: every file there, byte-identical on rerun, GeoJSON layers valid
/// RFC 7946 read back by the project's reader, the HTML opened in headless Chromium without console
/// errors, and `--no-suppression` marked internal everywhere.
@Suite(.serialized) struct ReportCommandTests {
    static let demo = "geodata/demo/study.yaml"

    static func report(_ extra: [String] = []) throws -> (URL, CLITests.Run) {
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("careatlas-report-\(UUID().uuidString)")
        let r = try CLITests.run(["report", demo, "--out", out.path] + extra)
        return (out, r)
    }

    static func files(_ dir: URL) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { !$0.hasPrefix(".") }.sorted()
    }

    @Test func writesEveryArtifactIdenticallyTwice() throws {
        let (a, ra) = try Self.report()
        let (b, rb) = try Self.report()
        defer { for d in [a, b] { try? FileManager.default.removeItem(at: d) } }
        #expect(ra.status == 0 && rb.status == 0, "\(ra.stderr)")
        let names = try Self.files(a)
        for expected in ["report.html", "report.pdf", "careatlas.gpkg", "careatlas.qgs", "areas.csv", "areas.md", "scenario_stages.csv", "institutions.csv",
                         "areas.geojson", "catchments.geojson", "stage_regions.geojson", "institutions.geojson", "access_gaps.geojson",
                         "map_patients.svg", "map_patients_slide.png", "map_gaps.svg", "map_stages_slide.png"] {
            #expect(names.contains(expected), "\(expected) missing")
        }
        #expect(!names.contains { $0.hasPrefix("map_") && $0.hasSuffix(".pdf") }, "the maps print as pages of report.pdf, not as PDFs of their own")
        #expect(try Self.files(b) == names)
        for n in names {
            let x = try Data(contentsOf: a.appendingPathComponent(n)), y = try Data(contentsOf: b.appendingPathComponent(n))
            #expect(x == y, "\(n) differs between two runs")
        }
        let html = try String(contentsOf: a.appendingPathComponent("report.html"), encoding: .utf8)
        #expect(html.contains("作成日 Report date: 2026-04-01"))
        // The interactive map replaces the inline maps, which are linked; the page stays small.
        #expect(html.contains("<div id=\"careatlas-map\"") && html.contains("<script id=\"careatlas-data\" type=\"application/json\">"))
        #expect(!html.contains("<figure class=\"map\">"), "no inline static map")
        for key in ["patients", "penetration", "access", "gaps", "stages"] {
            #expect(html.contains("<a href=\"map_\(key).svg\">") && html.contains("<a href=\"map_\(key)_slide.png\">"), "\(key) map linked")
        }
        #expect(html.contains("<a href=\"areas.csv\">") && html.contains("<a href=\"careatlas.gpkg\">") && html.contains("<a href=\"careatlas.qgs\">"))
        #expect(html.contains("<nav class=\"toc\" id=\"contents\">") && html.contains("<a href=\"#s2\">"), "table of contents")
        #expect(html.utf8.count < 2_000_000, "report.html is \(html.utf8.count) bytes")
        // Self-contained: scripts only inline, nothing fetched; outside the scripts no external
        // link either (Leaflet's own source names its site; namespace URIs are names, not fetches).
        #expect(!html.contains("<script src") && !html.contains("<link"))
        let outsideScripts = html.components(separatedBy: "<script").enumerated().map { i, part in
            i == 0 ? part : (part.components(separatedBy: "</script>").dropFirst().joined(separator: "</script>"))
        }.joined()
        for fetch in ["src=\"http", "href=\"http", "url(http", "@import"] {
            #expect(!outsideScripts.contains(fetch), "\(fetch)")
            #expect(!html.contains(fetch) || fetch == "href=\"http", "\(fetch)")
        }
        #expect(html.contains("Leaflet") && html.contains("BSD-2-Clause"), "Leaflet's licence is credited")
        #expect(!html.contains(SmallCellNotice.text))
        let pdf = try Data(contentsOf: a.appendingPathComponent("report.pdf"))
        #expect(pdf.starts(with: Data("%PDF-".utf8)))
    }

    /// reports/demo is the demo's report as this code writes it (regenerate with the command in
    /// reports/README.md when an output changes on purpose).
    @Test func committedDemoReportIsCurrent() throws {
        let (a, r) = try Self.report()
        defer { try? FileManager.default.removeItem(at: a) }
        #expect(r.status == 0)
        let committed = repositoryRoot.appendingPathComponent("reports/demo")
        let fresh = try Self.files(a)
        #expect(try Self.files(committed).filter { $0 != "screenshot.png" } == fresh)
        for n in fresh {
            let same = try Data(contentsOf: a.appendingPathComponent(n)) == Data(contentsOf: committed.appendingPathComponent(n))
            #expect(same, "reports/demo/\(n) is stale: swift run -c release careatlas report geodata/demo/study.yaml --out reports/demo")
        }
    }

    /// reports/demo_network is the report of the demo on its road network (cost: network): the
    /// travel-time map and the drive-time section, current as this code writes it.
    @Test func committedNetworkDemoReportIsCurrent() throws {
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("careatlas-report-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: out) }
        let r = try CLITests.run(["report", "geodata/demo/study_network.yaml", "--out", out.path])
        #expect(r.status == 0, "\(r.stderr)")
        let committed = repositoryRoot.appendingPathComponent("reports/demo_network")
        let fresh = try Self.files(out)
        #expect(fresh.contains("map_drive_time.svg") && fresh.contains("drive_time_areas.csv") && fresh.contains("drive_time_areas.geojson"))
        #expect(try Self.files(committed) == fresh)
        for n in fresh {
            let same = try Data(contentsOf: out.appendingPathComponent(n)) == Data(contentsOf: committed.appendingPathComponent(n))
            #expect(same, "reports/demo_network/\(n) is stale: swift run -c release careatlas report geodata/demo/study_network.yaml --out reports/demo_network")
        }
        let html = try String(contentsOf: out.appendingPathComponent("report.html"), encoding: .utf8)
        #expect(html.contains("<a href=\"map_drive_time.svg\">"), "the travel-time map is linked beside the interactive map")
        #expect(html.contains("道路網上の自動車所要時間（roads.osm.pbf"))
    }

    @Test func dateFlagOverridesTheStudy() throws {
        let (a, r) = try Self.report(["--date", "2027-01-15"])
        defer { try? FileManager.default.removeItem(at: a) }
        #expect(r.status == 0)
        #expect(try String(contentsOf: a.appendingPathComponent("report.html"), encoding: .utf8).contains("2027-01-15"))
        let bad = try CLITests.run(["report", Self.demo, "--out", "/tmp/x", "--date", "yesterday"])
        #expect(bad.status != 0 && bad.stderr.contains("--date yesterday is not a date written YYYY-MM-DD"))
    }

    /// RFC 7946: a FeatureCollection without "crs"; positions [lon, lat] in range; linear rings
    /// closed with ≥ 4 positions; exterior rings counter-clockwise, holes clockwise (§3.1.6).
    @Test func geojsonLayersFollowRFC7946AndReadBack() throws {
        let (a, r) = try Self.report()
        defer { try? FileManager.default.removeItem(at: a) }
        #expect(r.status == 0)
        for name in try Self.files(a) where name.hasSuffix(".geojson") {
            let data = try Data(contentsOf: a.appendingPathComponent(name))
            let root = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
            #expect(root["type"] as? String == "FeatureCollection" && root["crs"] == nil, "\(name)")
            let features = try #require(root["features"] as? [[String: Any]])
            var problems: [String] = []
            for (k, f) in features.enumerated() {
                guard let g = f["geometry"] as? [String: Any], let type = g["type"] as? String else { continue }
                func position(_ p: Any) {
                    guard let c = p as? [Double], c.count == 2, (-180...180).contains(c[0]), (-90...90).contains(c[1]) else {
                        problems.append("feature \(k): bad position \(p)"); return
                    }
                }
                func polygon(_ rings: Any) {
                    for (i, ring) in ((rings as? [[[Double]]]) ?? []).enumerated() {
                        ring.forEach(position)
                        if ring.count < 4 || ring.first != ring.last { problems.append("feature \(k): ring \(i) not closed") }
                        var twice = 0.0
                        for j in 0..<(ring.count - 1) { twice += ring[j][0] * ring[j + 1][1] - ring[j + 1][0] * ring[j][1] }
                        if (i == 0) != (twice > 0) { problems.append("feature \(k): ring \(i) has the wrong orientation") }
                    }
                }
                switch type {
                case "Point": position(g["coordinates"] as Any)
                case "Polygon": polygon(g["coordinates"] as Any)
                case "MultiPolygon": ((g["coordinates"] as? [Any]) ?? []).forEach(polygon)
                default: problems.append("feature \(k): unexpected \(type)")
                }
            }
            #expect(problems.isEmpty, "\(name): \(problems.prefix(5))")
            let layer = try GeoJSON.read(contentsOf: a.appendingPathComponent(name))
            #expect(layer.features.count == features.count, "\(name) reads back")
        }
    }

    @Test func noSuppressionMarksEveryFileInternal() throws {
        let (a, r) = try Self.report(["--no-suppression"])
        defer { try? FileManager.default.removeItem(at: a) }
        #expect(r.status == 0)
        for name in try Self.files(a) where [".csv", ".md", ".html", ".geojson"].contains(where: name.hasSuffix) {
            let text = try String(contentsOf: a.appendingPathComponent(name), encoding: .utf8)
            #expect(text.contains(SmallCellNotice.text), "\(name) is not marked internal")
        }
    }

    /// The report opened in Debian's headless Chromium: the page loads and logs no console error
    /// (skipped when chromium is not installed).
    @Test(.enabled(if: Chromium.path != nil, "chromium is not installed (bash .ci/setup installs it)"))
    func htmlRendersWithoutConsoleErrors() throws {
        let (a, r) = try Self.report()
        defer { try? FileManager.default.removeItem(at: a) }
        #expect(r.status == 0)
        let run = try Chromium.run(["--dump-dom", a.appendingPathComponent("report.html").absoluteString])
        #expect(run.status == 0, "\(run.stderr.suffix(2000))")
        #expect(run.stdout.contains("leaflet-container"), "the page loaded and its map script ran")
        #expect(Chromium.consoleErrors(run.stderr).isEmpty, "console: \(Chromium.consoleErrors(run.stderr))")
        // The check sees an error when there is one.
        let bad = a.appendingPathComponent("bad.html")
        try "<!DOCTYPE html><html><body><script>console.error('careatlas-probe'); undefinedFunction();</script></body></html>"
            .write(to: bad, atomically: true, encoding: .utf8)
        let probe = try Chromium.run(["--dump-dom", bad.absoluteString])
        #expect(Chromium.consoleErrors(probe.stderr).count >= 1, "\(probe.stderr.suffix(1000))")
    }
}

enum SmallCellNotice {
    static let text = "internal — contains small counts"
}

enum Chromium {
    static let path: String? = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].first { FileManager.default.isExecutableFile(atPath: $0) }

    /// Console messages Chromium logs on stderr with --enable-logging=stderr.
    static func consoleErrors(_ stderr: String) -> [Substring] {
        stderr.split(separator: "\n").filter { $0.contains("CONSOLE") || $0.contains("Uncaught") }
    }

    static func run(_ arguments: [String]) throws -> CLITests.Run {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path!)
        let profile = FileManager.default.temporaryDirectory.appendingPathComponent("careatlas-chromium-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: profile) }
        process.arguments = ["--headless", "--no-sandbox", "--disable-gpu", "--enable-logging=stderr", "--v=0",
                             "--user-data-dir=\(profile.path)"] + arguments
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return CLITests.Run(status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
                            stderr: String(decoding: stderr, as: UTF8.self))
    }
}
