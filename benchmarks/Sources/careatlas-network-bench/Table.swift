// `careatlas-network-bench table`: the CareAtlas column of benchmarks/network/scale_compare.sh (the
// same PBF and the same points as OSRM and pandana read there).
import CareGeometry
import CareNetwork
import Foundation

/// One timed step: wall and process CPU seconds, peak RSS so far, load average (one line, stdout).
func timedStep<T>(_ name: String, _ body: () throws -> T) rethrows -> T {
    let wall = ContinuousClock.now, cpu = processCPUSeconds()
    let result = try body()
    let elapsed = ContinuousClock.now - wall
    let wallSeconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
    print("step CareAtlas \(name): " + String(format: "wall %.2f s, CPU %.2f s, peak RSS %.0f MB", wallSeconds,
                 processCPUSeconds() - cpu, peakResidentMegabytes()) + ", load \(loadAverage())")
    return result
}

func runTable(_ args: [String]) throws {
    guard args.count >= 5, let cutoffMinutes = Double(args[4]), cutoffMinutes > 0 else {
        print("usage: careatlas-network-bench table FILE.osm.pbf POINTS.csv CUTOFF_MINUTES [--dump K OUT.csv]")
        exit(2)
    }
    var origins: [Coordinate] = [], destinations: [Coordinate] = []
    let text = try String(contentsOfFile: args[3], encoding: .utf8)
    for (number, line) in text.split(separator: "\n").enumerated().dropFirst() {
        let f = line.split(separator: ",")
        guard f.count == 5, let lon = Double(f[3]), let lat = Double(f[4]) else {
            print("\(args[3]):\(number + 1): expected role,index,node,lon,lat"); exit(2)
        }
        if f[0] == "o" { origins.append(Coordinate(lon: lon, lat: lat)) } else { destinations.append(Coordinate(lon: lon, lat: lat)) }
    }
    let net = try timedStep("read PBF and build the car graph") {
        try RoadNetwork.load(pbf: URL(fileURLWithPath: args[2]), mode: .car)
    }
    print("graph: \(net.nodeCount) nodes, \(net.edgeCount) directed edges")
    let (o, d) = timedStep("snap \(origins.count + destinations.count) points") {
        (net.snap(points: origins, maxMetres: 500).map(\.point), net.snap(points: destinations, maxMetres: 500).map(\.point))
    }
    let unsnapped = o.filter { $0 == nil }.count + d.filter { $0 == nil }.count
    let table = timedStep("route \(origins.count) × \(destinations.count) within \(cutoffMinutes) min") {
        net.travelTimes(from: o, to: d, cutoffSeconds: cutoffMinutes * 60)
    }
    print(String(format: "pairs kept %d (%.2f %% of all), sum of seconds %.3f, unsnapped %d", table.pairCount,
                 Double(table.pairCount) / Double(origins.count * destinations.count) * 100, table.seconds.reduce(0, +), unsnapped))
    if let k = args.firstIndex(of: "--dump"), k + 2 < args.count, let rows = Int(args[k + 1]) {
        var out = "origin,destination,seconds\n"
        for origin in 0..<min(rows, origins.count) {
            for (destination, seconds) in table.row(origin) { out += "\(origin),\(destination),\(seconds)\n" }
        }
        try out.write(toFile: args[k + 2], atomically: true, encoding: .utf8)
    }
}
