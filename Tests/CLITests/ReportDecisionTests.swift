import CareFormats
import Foundation
import Testing
import TestSupport

/// The report that decides (issue 18): the decision page first with area names, the PDF read back
/// with `pdftotext` (every ward of the decision region named on the patient map's page, every
/// figure of `decision.csv` whole on one line), and no table wider than the page in headless
/// Chromium at 1280 px. Runs on the demo and, when ../shared/geodata is there, on 区中央部.
@Suite(.serialized) struct ReportDecisionTests {
    static let kuchubu = "geodata/cases/kuchubu.yaml"
    static let centralWards = ["千代田区", "中央区", "港区", "文京区", "台東区"]

    /// One report per study for the whole suite (the 区中央部 report takes a while in debug builds).
    nonisolated(unsafe) static var made: [String: URL] = [:]
    static func report(_ study: String) throws -> URL {
        if let dir = made[study] { return dir }
        let out = ScratchFolder.path("careatlas-decision")
        let r = try CLITests.run(["report", study, "--out", out.path])
        #expect(r.status == 0, "\(r.stderr)")
        made[study] = out
        return out
    }

    static func tool(_ name: String) -> String? {
        ["/usr/bin/\(name)", "/usr/local/bin/\(name)"].first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    static func run(_ tool: String, _ arguments: [String]) throws -> String {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: tool)
        p.arguments = arguments
        let out = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }

    /// The names of the decision region (every stage's added areas, from decision.csv).
    static func decisionNames(_ dir: URL) throws -> [String] {
        let t = try CSVTable(contentsOf: dir.appendingPathComponent("decision.csv"))
        let c = try t.column("added_area_names").index
        return t.flatMap { $0.fields[c].split(separator: " ").map(String.init) }
    }

    /// Whether `value` occurs in one line of `text` as a whole figure (no digit, comma or point
    /// glued to it on either side).
    static func whole(_ value: String, in lines: [Substring]) -> Bool {
        lines.contains { line in
            var search = line[...]
            while let r = search.range(of: value) {
                let before = r.lowerBound > line.startIndex ? line[line.index(before: r.lowerBound)] : " "
                let after = r.upperBound < line.endIndex ? line[r.upperBound] : " "
                if !(before.isNumber || before == "," || before == "."), !(after.isNumber || after == "," || (after == "." && r.upperBound < line.index(before: line.endIndex) && line[line.index(after: r.upperBound)].isNumber)) {
                    return true
                }
                search = line[r.upperBound...]
            }
            return false
        }
    }

    // MARK: The decision page

    @Test func decisionPageComesFirstWithNamesAndThePathHasNames() throws {
        let dir = try Self.report("geodata/demo/study.yaml")
        let html = try String(contentsOf: dir.appendingPathComponent("report.html"), encoding: .utf8)
        let decision = try #require(html.range(of: "判断のための要約 Decision"))
        let summary = try #require(html.range(of: "概要 Summary"))
        let maps = try #require(html.range(of: "<div id=\"careatlas-map\""))
        #expect(decision.lowerBound < summary.lowerBound && summary.lowerBound < maps.lowerBound)
        // The demo's first plan: 松区, then 中部 (柳区, 竹区), then the 75 % catchment (楓区, 椿区).
        #expect(try Self.decisionNames(dir) == ["松区", "柳区", "竹区", "楓区", "椿区"])
        let t = try CSVTable(contentsOf: dir.appendingPathComponent("decision.csv"))
        let p = try t.column("patients").index, m = try t.column("marginal_patients").index, lo = try t.column("share_ci95_lower_percent").index
        #expect(t.map { $0.fields[p] } == ["40", "90", "117"])
        #expect(t.map { $0.fields[m] } == ["40", "50", "27"])
        #expect(t.map { $0.fields[lo] } == ["20.24", "52.00", "70.72"])
        #expect(html.contains("段階1「自区（松区）」1 地域: 松区。患者 40 人（26.7 %（95%CI 20.2–34.3 %））"))
        // The frontier chart is SVG with its texts as text, and the path lists area names.
        #expect(html.contains("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\""))
        #expect(html.contains(">屈曲点 knee"))
        let path = try CSVTable(contentsOf: dir.appendingPathComponent("scenario_path.csv"))
        let names = try path.column("added_area_names").index
        #expect(path.map { $0.fields[names] } == ["松区", "桜区 楓区 欅区", "竹区", "柳区"])
        // 連携先 means one thing: the partners of the liaison list (the demo's first stage has 2).
        let liaison = try CSVTable(contentsOf: dir.appendingPathComponent("liaison.csv"))
        let stage = try liaison.column("stage").index
        #expect(liaison.filter { $0.fields[stage] == "自区（松区）" }.count == 2)
        #expect(html.contains("連携先 2 施設（新規 2）"))
        // Credits once in the page's text (the footer); each map carries them too, as the sources require.
        let outsideMaps = html.replacing(#/<svg[\s\S]*?<\/svg>/#, with: "")
        let credits = try #require(html.firstMatch(of: #/<footer>\n<p>([^<]+)<\/p>/#)?.output.1)
        #expect(outsideMaps.components(separatedBy: String(credits)).count - 1 == 1, "\(credits) printed more than once")
        // Codes have Japanese labels in the tables.
        #expect(!html.contains(">homecare_clinic<") && html.contains(">在宅療養支援診療所<"))
    }

    @Test func mapExtentAndKindsAreCheckedWithTheReason() throws {
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("careatlas-extent-\(UUID().uuidString).svg")
        defer { try? FileManager.default.removeItem(at: out) }
        let ok = try CLITests.run(["map", "geodata/demo/study.yaml", "--extent", "中部", "--kinds", "hospital", "--format", "svg", "--out", out.path])
        #expect(ok.status == 0, "\(ok.stderr)")
        let svg = try String(contentsOf: out, encoding: .utf8)
        for name in ["柳区", "松区", "竹区"] { #expect(svg.contains(">\(name)</text>"), "\(name) is not labelled as text") }
        let bad = try CLITests.run(["map", "geodata/demo/study.yaml", "--extent", "nowhere", "--format", "svg", "--out", out.path])
        #expect(bad.status == 1 && bad.stderr.contains("--extent nowhere: no area, group or stage named nowhere"))
        let box = try CLITests.run(["map", "geodata/demo/study.yaml", "--extent", "bbox:1,2", "--format", "svg", "--out", out.path])
        #expect(box.status == 1 && box.stderr.contains("write bbox:LON0,LAT0,LON1,LAT1"))
        let kinds = try CLITests.run(["map", "geodata/demo/study.yaml", "--kinds", "nothing", "--format", "svg", "--out", out.path])
        #expect(kinds.status == 1 && kinds.stderr.contains("its kinds are homecare_clinic, hospital, visiting_nurse"))
    }

    // MARK: The PDF read back

    static func checkPDF(_ dir: URL, names: [String]) throws {
        let pdftotext = try #require(tool("pdftotext"), "pdftotext is not installed (bash .ci/setup installs poppler-utils)")
        let pdf = dir.appendingPathComponent("report.pdf").path
        let text = try run(pdftotext, [pdf, "-"])
        let lines = text.split(separator: "\n")
        // The patient map's page: the first A4 landscape page.
        let info = try run(tool("pdfinfo")!, ["-f", "1", "-l", "999", pdf])
        let landscape = info.split(separator: "\n").compactMap { line -> Int? in
            guard line.hasPrefix("Page"), line.contains("size:"), line.contains("841.89 x 595.2") else { return nil }
            return Int(line.split(separator: " ")[1])
        }
        let first = try #require(landscape.first, "no A4 landscape map page")
        let mapText = try run(pdftotext, ["-f", "\(first)", "-l", "\(first)", pdf, "-"])
        #expect(mapText.contains("患者数"), "page \(first) is the patient map")
        for name in names {
            #expect(mapText.contains(name), "\(name) is not labelled on the patient map (page \(first))")
            #expect(text.contains(name))
        }
        // Every figure of decision.csv appears whole on one line, as the pages print it.
        let t = try CSVTable(contentsOf: dir.appendingPathComponent("decision.csv"))
        var checked = 0
        for column in ["patients", "marginal_patients", "share_percent", "share_ci95_lower_percent", "share_ci95_upper_percent", "partners", "providers"] {
            let c = try t.column(column).index
            for row in t where Double(row.fields[c]) != nil {
                let shown = PeopleFormatting.separated(row.fields[c])
                #expect(whole(shown, in: lines), "\(column) \(shown) is not whole on one line of report.pdf")
                checked += 1
            }
        }
        #expect(checked >= 15)
        // The check can fail: a number split across two lines is not found whole.
        #expect(!whole("1,311", in: ["患者 1,31", "1 人"]))
        #expect(whole("1,311", in: ["患者 1,311 人"]))
    }

    @Test(.enabled(if: tool("pdftotext") != nil, "pdftotext is not installed (bash .ci/setup installs poppler-utils)"))
    func demoPDFNamesTheDecisionRegionAndKeepsNumbersWhole() throws {
        let dir = try Self.report("geodata/demo/study.yaml")
        try Self.checkPDF(dir, names: Self.decisionNames(dir))
    }

    @Test(.enabled(if: SharedData.root != nil, "\(SharedData.skipMessage)"),
          .enabled(if: tool("pdftotext") != nil, "pdftotext is not installed (bash .ci/setup installs poppler-utils)"))
    func kuchubuPDFNamesTheDecisionRegionAndKeepsNumbersWhole() throws {
        let dir = try Self.report(Self.kuchubu)
        let names = try Self.decisionNames(dir)
        // 中央区 is made unique across the four prefectures (東京都中央区; issue 16's labels).
        for w in Self.centralWards { #expect(names.contains(w) || names.contains("東京都" + w), "\(w) in \(names)") }
        try Self.checkPDF(dir, names: names)
    }

    // MARK: Layout in a browser

    /// The page with a probe that measures, at 1280 px, every table, figure and formula against
    /// the text column, and writes what sticks out into the DOM.
    static func wideElements(_ html: URL) throws -> (tables: Int, wide: String) {
        let page = try String(contentsOf: html, encoding: .utf8)
        let probe = """
            <script>
            const main = document.querySelector('main') || document.body;
            const right = main.getBoundingClientRect().right + 0.5;
            const all = [...document.querySelectorAll('table, figure, pre')];
            const wide = all.filter(e => e.getBoundingClientRect().right > right || e.scrollWidth > e.clientWidth + 1)
              .map(e => (e.closest('section')?.querySelector('h4')?.textContent || e.tagName) + ':' + Math.round(e.getBoundingClientRect().right));
            const out = document.createElement('pre');
            out.id = 'careatlas-layout';
            out.textContent = 'tables=' + document.querySelectorAll('table').length + ' wide=' + JSON.stringify(wide);
            document.body.appendChild(out);
            </script>
            """
        let copy = html.deletingLastPathComponent().appendingPathComponent("layout-probe.html")
        try page.replacingOccurrences(of: "</body>", with: probe + "</body>").write(to: copy, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: copy) }
        let r = try Chromium.run(["--window-size=1280,1000", "--dump-dom", copy.absoluteString])
        let line = try #require(r.stdout.split(separator: "\n").first { $0.contains("id=\"careatlas-layout\"") })
        let tables = Int(line.firstMatch(of: #/tables=([0-9]+)/#)?.output.1 ?? "0") ?? 0
        let wide = String(line.firstMatch(of: #/wide=(\[.*\])/#)?.output.1 ?? "?")
        return (tables, wide)
    }

    @Test(.enabled(if: Chromium.path != nil, "chromium is not installed (bash .ci/setup installs it)"))
    func noTableIsWiderThanThePageAt1280px() throws {
        var dirs = [try Self.report("geodata/demo/study.yaml")]
        if SharedData.root != nil { dirs.append(try Self.report(Self.kuchubu)) }
        for dir in dirs {
            let (tables, wide) = try Self.wideElements(dir.appendingPathComponent("report.html"))
            #expect(tables >= 10, "\(dir.lastPathComponent)")
            #expect(wide == "[]", "\(dir.lastPathComponent): wider than the page: \(wide)")
        }
        // The probe can fail: a table of one unbreakable 3000 px cell sticks out.
        let bad = FileManager.default.temporaryDirectory.appendingPathComponent("careatlas-wide-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: bad, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: bad) }
        try "<!DOCTYPE html><html><body><main style=\"max-width:1100px\"><table><tr><td style=\"white-space:nowrap\">\(String(repeating: "1234567890", count: 300))</td></tr></table></main></body></html>"
            .write(to: bad.appendingPathComponent("report.html"), atomically: true, encoding: .utf8)
        let (_, wide) = try Self.wideElements(bad.appendingPathComponent("report.html"))
        #expect(wide != "[]")
    }
}

/// The pages' number format, restated here (independent of the engine): separators every three
/// digits of the integer part.
enum PeopleFormatting {
    static func separated(_ s: String) -> String {
        let negative = s.hasPrefix("-")
        let body = negative ? String(s.dropFirst()) : s
        let parts = body.split(separator: ".", maxSplits: 1)
        var whole = ""
        for (i, ch) in parts[0].enumerated() {
            if i > 0, (parts[0].count - i) % 3 == 0 { whole.append(",") }
            whole.append(ch)
        }
        return (negative ? "-" : "") + whole + (parts.count > 1 ? "." + parts[1] : "")
    }
}
