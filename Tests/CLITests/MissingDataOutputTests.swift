import CareFormats
import CareGeoPackage
import Foundation
import Testing
import TestSupport

/// Missing data is "no data" in every file a run writes, never 0, `inf` or `nan`: every output of
/// the demo variant with a ward without population (geodata/demo/study_missing_population.yaml,
/// 藤区 99109) and of the real four-prefecture case (geodata/cases/kuchubu_registries.yaml, home-care
/// data for six wards only) is scanned — CSV, Markdown, GeoJSON, HTML, JSON on stdout and the
/// GeoPackage's attribute values.
@Suite struct MissingDataOutputTests {
    /// Figures that cannot exist without population: empty in CSV and Markdown, null in GeoJSON
    /// and GeoPackage, for the areas without it.
    static func isPopulationDerived(_ column: String) -> Bool {
        guard !column.hasSuffix("_status") else { return false }
        return ["population", "aged65", "aged75", "households", "penetration", "ci95", "access_score", "demand_", "need_"]
            .contains { column.contains($0) } || column == "score"
    }

    /// Figures that cannot exist outside the coverage of the home-care source.
    static func isSupplyDerived(_ column: String) -> Bool {
        !column.hasSuffix("_status") && (column == "score" || column == "access_score" || column == "access_percentile")
    }

    struct Scanner {
        var missingIDs: Set<String>
        var isMissingColumn: (String) -> Bool
        var problems: [String] = []
        var checkedCells = 0
        var checkedNoDataRows = 0
        static let forbidden = try! NSRegularExpression(pattern: "(?<![A-Za-z0-9_])(-?inf|-?infinity|nan)(?![A-Za-z0-9_])", options: [.caseInsensitive])

        mutating func text(_ name: String, _ text: String) {
            for (k, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                let s = String(line)
                if let m = Self.forbidden.firstMatch(in: s, range: NSRange(s.startIndex..., in: s)) {
                    problems.append("\(name):\(k + 1): \"\((s as NSString).substring(with: m.range))\" in \(s.prefix(160))")
                }
            }
        }

        /// Rows of one table (CSV or Markdown): cells of missing columns empty in rows of missing
        /// areas (by `area_code`/`code`/`id`, or listed in `area_codes`), and a no_data status.
        mutating func rows(_ name: String, header: [String], _ rows: [[String]]) {
            let idColumns = header.indices.filter { ["area_code", "code", "id", "ward_code"].contains(header[$0]) }
            let listColumn = header.firstIndex(of: "area_codes")
            let statusColumns = header.indices.filter { header[$0].hasSuffix("_status") || header[$0] == "gap_class" }
            for (k, row) in rows.enumerated() where row.count == header.count {
                let direct = idColumns.contains { missingIDs.contains(row[$0]) }
                let listed = listColumn.map { row[$0].split(separator: " ").contains { missingIDs.contains(String($0)) } } ?? false
                guard direct || listed else { continue }
                for (c, column) in header.enumerated() where isMissingColumn(column) {
                    checkedCells += 1
                    if !row[c].isEmpty { problems.append("\(name) row \(k + 1): \(column) = \"\(row[c])\" for an area without data") }
                }
                if direct, !statusColumns.isEmpty, header.contains(where: isMissingColumn) {
                    checkedNoDataRows += 1
                    if !statusColumns.contains(where: { row[$0].hasPrefix("no_data") || row[$0] == "no_supply_data" }) {
                        problems.append("\(name) row \(k + 1): no status says no_data (\(statusColumns.map { "\(header[$0])=\(row[$0])" }.joined(separator: ", ")))")
                    }
                }
            }
        }

        mutating func csv(_ name: String, _ text: String) throws {
            let table = try CSVTable(text: text, source: name)
            rows(name, header: table.header, table.map(\.fields))
        }

        mutating func markdown(_ name: String, _ text: String) {
            let lines = text.split(separator: "\n").map(String.init).filter { $0.hasPrefix("|") }
            guard lines.count > 2 else { return }
            func cells(_ l: String) -> [String] { l.split(separator: "|", omittingEmptySubsequences: false).dropFirst().dropLast().map { $0.trimmingCharacters(in: .whitespaces) } }
            rows(name, header: cells(lines[0]), lines.dropFirst(2).map(cells))
        }

        mutating func properties(_ name: String, _ k: Int, _ p: [String: Any]) {
            guard let id = p["area_code"] as? String, missingIDs.contains(id) else { return }
            checkedNoDataRows += 1
            for (key, value) in p where isMissingColumn(key) {
                checkedCells += 1
                if !(value is NSNull) { problems.append("\(name) feature \(k): \(key) = \(value) for an area without data") }
            }
            if let g = p["gap_class"] as? String, g != "no_data" { problems.append("\(name) feature \(k): gap_class \(g) for an area without data") }
        }

        mutating func geojson(_ name: String, _ data: Data) throws {
            let root = try JSONSerialization.jsonObject(with: data) as? [String: Any]
            for (k, f) in ((root?["features"] as? [[String: Any]]) ?? []).enumerated() {
                properties(name, k, (f["properties"] as? [String: Any]) ?? [:])
            }
        }

        mutating func geopackage(_ url: URL) throws {
            let reader = try GeoPackageReader(url: url)
            for layer in try reader.layers() {
                for (k, f) in try reader.features(of: layer.name).enumerated() {
                    let object = try JSONSerialization.jsonObject(with: Data(JSONValue.object(f.properties).jsonString().utf8)) as? [String: Any]
                    properties("careatlas.gpkg/\(layer.name)", k, object ?? [:])
                }
            }
        }

        /// report.html without the inlined Leaflet library (its source has `NaN` as code); the map's
        /// own data (`<script id="careatlas-data">`) and every other line are kept.
        static func withoutLibraryScripts(_ html: String) -> String {
            var out = "", rest = Substring(html)
            while let open = rest.range(of: "<script") {
                out += rest[..<open.lowerBound]
                guard let close = rest[open.upperBound...].range(of: "</script>") else { rest = rest[open.lowerBound...]; break }
                let block = rest[open.lowerBound..<close.upperBound]
                if block.hasPrefix("<script id=\"careatlas-data\"") { out += block }
                rest = rest[close.upperBound...]
            }
            return out + rest
        }

        /// Every file of an output folder.
        mutating func folder(_ url: URL) throws {
            for name in try FileManager.default.contentsOfDirectory(atPath: url.path).sorted() {
                let file = url.appendingPathComponent(name)
                switch file.pathExtension {
                case "csv": let t = try String(contentsOf: file, encoding: .utf8); text(name, t); try csv(name, t)
                case "md": let t = try String(contentsOf: file, encoding: .utf8); text(name, t); markdown(name, t)
                case "geojson": text(name, try String(contentsOf: file, encoding: .utf8)); try geojson(name, try Data(contentsOf: file))
                case "html": text(name, Self.withoutLibraryScripts(try String(contentsOf: file, encoding: .utf8)))
                case "json", "txt": text(name, try String(contentsOf: file, encoding: .utf8))
                case "gpkg": try geopackage(file)
                default: continue
                }
            }
        }
    }

    static func outFolder(_ name: String) -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("careatlas-missing-\(name)-\(getpid())")
        try? FileManager.default.removeItem(at: url)
        return url
    }

    @Test func demoWardWithoutPopulationIsNoDataEverywhere() throws {
        let study = "geodata/demo/study_missing_population.yaml"
        var scan = Scanner(missingIDs: ["99109", "991090001", "991090002", "991090003", "991090004"], isMissingColumn: Self.isPopulationDerived)
        let base = Self.outFolder("demo")
        defer { try? FileManager.default.removeItem(at: base) }
        let runs: [(String, [String])] = [
            ("validate", ["validate", study]), ("validate.json", ["validate", "--json", study]),
            ("summary", ["summary", study]), ("summary.json", ["summary", "--json", study]),
            ("catchment.json", ["catchment", study, "--json", "--out", base.appendingPathComponent("catchment").path]),
            ("access", ["access", study, "--method", "2sfca", "--threshold", "3000", "--capacity", "beds",
                             "--out", base.appendingPathComponent("access").path]),
            ("gaps.json", ["gaps", study, "--json", "--capacity", "patients_per_month", "--out", base.appendingPathComponent("gaps").path]),
            ("scenarios.json", ["scenarios", study, "--json", "--out", base.appendingPathComponent("scenarios").path]),
            ("report", ["report", study, "--quiet", "--out", base.appendingPathComponent("report").path]),
            ("report_en", ["report", study, "--quiet", "--lang", "en", "--out", base.appendingPathComponent("report_en").path]),
        ]
        var stdout: [String: String] = [:]
        for (name, arguments) in runs {
            let r = try CLITests.run(arguments)
            #expect(r.status == 0, "\(arguments.joined(separator: " ")) failed: \(r.stderr)")
            scan.text(name, r.stdout)
            stdout[name] = r.stdout
        }
        for sub in ["catchment", "access", "gaps", "scenarios", "report", "report_en"] {
            try scan.folder(base.appendingPathComponent(sub))
        }
        #expect(scan.problems == [], "\(scan.problems.prefix(30).joined(separator: "\n"))")
        // The scan saw the ward: figures in tables and layers, and rows that must say no_data.
        #expect(scan.checkedCells > 100 && scan.checkedNoDataRows > 20, "cells \(scan.checkedCells), rows \(scan.checkedNoDataRows)")

        // validate, summary and the report's first section name the ward and what it lacks.
        #expect(stdout["validate"]!.contains("penetration, access and gaps (aged65) cover 8 of 9 municipality areas; 1 has no aged65 population (no data): 藤区 (99109)"))
        #expect(stdout["summary"]!.contains("coverage: population total covers 8 of 9 areas; no data: 藤区 (99109)"))
        #expect(stdout["gaps.json"]!.contains("\"no_data_count\":1"))
        let html = try String(contentsOf: base.appendingPathComponent("report/report.html"), encoding: .utf8)
        let section1 = html.components(separatedBy: "<h2>2.").first ?? ""
        #expect(section1.contains("データの範囲 Coverage") && section1.contains("人口データなし 1 地域: 藤区 (99109)"))
        // Every file kind says it in words: CSV status and class, GeoJSON status, gap class.
        let areas = try String(contentsOf: base.appendingPathComponent("report/areas.csv"), encoding: .utf8)
        #expect(areas.split(separator: "\n").contains { $0.hasPrefix(",99109,藤区,") && $0.contains(",no_data,") && $0.contains("no_data") })
        let access = try String(contentsOf: base.appendingPathComponent("access/access_scores.csv"), encoding: .utf8)
        #expect(access.contains("99109,藤区,,no_data,,no_data"))
        let gaps = try String(contentsOf: base.appendingPathComponent("gaps/gaps.csv"), encoding: .utf8)
        #expect(gaps.contains(",99109,藤区,no_data,,,,"))
    }

    @Test(.enabled(if: SharedData.root != nil, "\(SharedData.skipMessage)"))
    func registriesCaseHasNoInfNanOrZeroForMissing() throws {
        let study = "geodata/cases/kuchubu_registries.yaml"
        // 八王子市, 箱根町, 川越市: outside the home-care data's six wards — access and gaps no data.
        var scan = Scanner(missingIDs: ["13201", "14382", "11201"], isMissingColumn: Self.isSupplyDerived)
        let base = Self.outFolder("registries")
        defer { try? FileManager.default.removeItem(at: base) }
        for (name, arguments) in [
            ("validate", ["validate", study]),
            ("gaps.json", ["gaps", study, "--json", "--capacity", "patients_per_month", "--out", base.appendingPathComponent("gaps").path]),
            ("catchment.json", ["catchment", study, "--json", "--out", base.appendingPathComponent("catchment").path]),
            ("report", ["report", study, "--quiet", "--out", base.appendingPathComponent("report").path]),
        ] {
            let r = try CLITests.run(arguments)
            #expect(r.status == 0, "\(arguments.joined(separator: " ")) failed: \(r.stderr)")
            scan.text(name, r.stdout)
        }
        for sub in ["gaps", "catchment", "report"] { try scan.folder(base.appendingPathComponent(sub)) }
        #expect(scan.problems == [], "\(scan.problems.prefix(30).joined(separator: "\n"))")
        #expect(scan.checkedCells > 5 && scan.checkedNoDataRows > 5, "cells \(scan.checkedCells), rows \(scan.checkedNoDataRows)")
        let gaps = try String(contentsOf: base.appendingPathComponent("gaps/gaps.csv"), encoding: .utf8)
        #expect(gaps.contains(",13201,八王子市,no_data,"))
        #expect(!gaps.split(separator: "\n").contains { $0.hasPrefix("1,13201,") })  // never a gap for lack of data
    }
}
