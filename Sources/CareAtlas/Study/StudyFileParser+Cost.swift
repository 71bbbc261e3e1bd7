import CareNetwork
import Foundation
import Yams

extension Reader {
    /// `cost:` — `straight_line`, `{network: {…}}` or `{table: {…}}` (see ``StudyCostSpec``).
    mutating func costSpec(_ node: Node) -> StudyCostSpec {
        let what = "\"cost\""
        let fix = "write cost: straight_line, cost: {network: {pbf: roads.osm.pbf, mode: car}} or cost: {table: {file: od.csv}}"
        if case .scalar(let s) = node {
            guard s.string == "straight_line" else {
                d.error(fileName, line(node), "unknown cost \"\(s.string)\"", fix: fix)
                return .straightLine
            }
            return .straightLine
        }
        guard let e = mapping(node, what) else { return .straightLine }
        checkKeys(e, ["straight_line", "network", "table"], what)
        let given = ["straight_line", "network", "table"].filter { e.value($0) != nil }
        guard given.count == 1 else {
            d.error(fileName, line(node), "\(what) needs exactly one of straight_line, network, table, found \(given.isEmpty ? "none" : given.joined(separator: ", "))",
                    fix: fix)
            return .straightLine
        }
        switch given[0] {
        case "network":
            guard let n = mapping(e.value("network")!, "cost.network") else { return .straightLine }
            return networkCost(n) ?? .straightLine
        case "table":
            guard let t = mapping(e.value("table")!, "cost.table") else { return .straightLine }
            return tableCost(t) ?? .straightLine
        default:
            return .straightLine
        }
    }

    private func resolve(_ path: String) -> URL {
        (path.hasPrefix("/") ? URL(fileURLWithPath: path) : base.appendingPathComponent(path)).standardizedFileURL
    }

    /// A regular file that exists, or an error naming it.
    private mutating func existingFile(_ e: Entries, _ key: String, _ what: String, fix: String) -> URL? {
        guard let path = string(e, key, what, required: true) else { return nil }
        let url = resolve(path)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), !isDirectory.boolValue else {
            d.error(fileName, line(e.value(key)!), "\(what).\(key): \(path) does not exist (looked for \(url.path))", fix: fix)
            return nil
        }
        return url
    }

    private mutating func networkCost(_ e: Entries) -> StudyCostSpec? {
        let what = "cost.network"
        checkKeys(e, ["pbf", "mode", "cutoff_minutes", "max_snap_m", "cache", "drive_time_minutes", "drive_time_kinds",
                      "drive_time_buffer_m"], what)
        let pbf = existingFile(e, "pbf", what, fix: "give an OpenStreetMap extract (.osm.pbf), e.g. kanto-latest.osm.pbf from download.geofabrik.de")
        var spec = NetworkCostSpec(pbf: pbf ?? base)
        if let text = string(e, "mode", what) {
            if let mode = TravelMode(rawValue: text) { spec.mode = mode } else {
                d.error(fileName, line(e.value("mode")!), "unknown mode \"\(text)\" in \(what)",
                        fix: "use one of: \(TravelMode.allCases.map(\.rawValue).joined(separator: ", "))")
            }
        }
        if let v = number(e, "cutoff_minutes", what) {
            if v <= InputRanges.maxCutoffMinutes { spec.cutoffMinutes = v } else {
                d.error(fileName, line(e.value("cutoff_minutes")!), "\(what).cutoff_minutes is \(numberText(v)), more than \(Int(InputRanges.maxCutoffMinutes))",
                        fix: "home visits are planned within 15–30 minutes; a cutoff of 60 keeps every threshold of such a study")
            }
        }
        if let v = number(e, "max_snap_m", what) {
            if v <= InputRanges.maxSnapMetres { spec.maxSnapMetres = v } else {
                d.error(fileName, line(e.value("max_snap_m")!), "\(what).max_snap_m is \(numberText(v)), more than \(Int(InputRanges.maxSnapMetres))",
                        fix: "a point that far from every road is better reported than routed; the default is 1000")
            }
        }
        if let path = string(e, "cache", what) { spec.cache = resolve(path) }
        if e.value("drive_time_minutes") != nil {
            let values = stringList(e, "drive_time_minutes", what).map { Double($0) }
            if values.isEmpty || values.contains(where: { $0 == nil || !($0! > 0 && $0!.isFinite) }) {
                d.error(fileName, line(e.value("drive_time_minutes")!), "\(what).drive_time_minutes must be a list of positive minutes",
                        fix: "e.g. drive_time_minutes: [10, 20, 30]")
            } else {
                spec.driveTimeMinutes = values.map { $0! }
            }
        }
        spec.driveTimeKinds = stringList(e, "drive_time_kinds", what)
        if let v = number(e, "drive_time_buffer_m", what) { spec.driveTimeBufferMetres = v }
        guard pbf != nil else { return nil }
        return .network(spec)
    }

    private mutating func tableCost(_ e: Entries) -> StudyCostSpec? {
        let what = "cost.table"
        checkKeys(e, ["file", "origin", "destination", "minutes", "seconds"], what)
        let file = existingFile(e, "file", what, fix: "give the origin–destination CSV (e.g. r5py's TravelTimeMatrix written with to_csv)")
        var spec = TableCostSpec(file: file ?? base)
        if let v = string(e, "origin", what) { spec.originField = v }
        if let v = string(e, "destination", what) { spec.destinationField = v }
        let minutes = string(e, "minutes", what), seconds = string(e, "seconds", what)
        if minutes != nil && seconds != nil {
            d.error(fileName, line(e.node), "\(what) gives both minutes: and seconds:", fix: "name one time column, with its unit as the key")
        }
        if let seconds { spec.timeField = seconds; spec.timeInSeconds = true } else if let minutes { spec.timeField = minutes }
        guard file != nil else { return nil }
        return .table(spec)
    }
}
