// careatlas-network-bench: times CareNetwork on an OSM extract or on a synthetic road grid, with the
// process's peak resident memory (VmHWM). See benchmarks/RESULTS.md, "Road network".
//
//   swift run -c release careatlas-network-bench pbf FILE [car|foot] [PAIRS] [--cache FOLDER]
//   swift run -c release careatlas-network-bench grid [SIDE] [ORIGINS] [DESTINATIONS] [CUTOFF_MINUTES] [--nodes]
//   swift run -c release careatlas-network-bench access [N] [M] [RADIUS_KM] [2sfca|e2sfca|gaussian]
//   swift run -c release careatlas-network-bench table FILE.osm.pbf POINTS.csv CUTOFF_MINUTES [--dump K OUT.csv]
//
// `table` is CareAtlas's side of benchmarks/network/scale_compare.sh: reads the PBF (car), snaps the
// origins and destinations of POINTS.csv (role,index,node,lon,lat; role o or d) with a 500 m maximum,
// routes every origin to every destination within the cutoff, and prints each step's wall and CPU
// seconds and the peak RSS so far; --dump writes the pairs of the first K origins.
//
// CAREATLAS_THREADS=N sets the number of routing workers (default: one per core).
// --nodes: origins and destinations at random grid nodes (as benchmarks/network/pandana_grid.py draws
// them) instead of snapped random positions.
// The grid: SIDE × SIDE nodes about 100 m apart (0.0009° of latitude, 0.0011° of longitude from
// 35°N 139°E), every row and column one two-way way; every 10th row and column `primary`
// (65 km/h), the others `residential` (25 km/h). Origins and destinations are uniform random
// positions in the grid (SplitMix64, seed 19), snapped with a 500 m maximum.
import CareGeometry
import CareNetwork
import Foundation

func peakResidentMegabytes() -> Double {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return .nan }
    for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
        let kb = Double(line.split(separator: " ").dropFirst().first { !$0.isEmpty }.map(String.init) ?? "") ?? .nan
        return kb / 1024
    }
    return .nan
}

/// The 1-minute load average from /proc/loadavg ("?" where there is none): printed beside each
/// figure, since the machine the benchmarks run on is shared.
func loadAverage() -> String {
    guard let text = try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8) else { return "?" }
    return text.split(separator: " ").first.map(String.init) ?? "?"
}

/// User + system CPU seconds of this process so far (all threads): under load, the CPU time of
/// a phase is steadier than its wall time.
func processCPUSeconds() -> Double {
    var time = timespec()
    guard clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &time) == 0 else { return .nan }
    return Double(time.tv_sec) + Double(time.tv_nsec) * 1e-9
}

struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func uniform() -> Double { Double(next() >> 11) * 0x1p-53 }
}

let clock = ContinuousClock()
func seconds(_ d: Duration) -> String { String(format: "%.2f s", Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18) }

let args = CommandLine.arguments
guard args.count >= 2 else {
    print("usage: careatlas-network-bench pbf FILE [car|foot] [PAIRS] | grid [SIDE] [ORIGINS] [DESTINATIONS] [CUTOFF_MINUTES]")
    exit(2)
}
var rng = SplitMix(state: 19)
// Routing uses CAREATLAS_THREADS workers when it is set (scaling runs), else one per core.
let threads = ProcessInfo.processInfo.environment["CAREATLAS_THREADS"].flatMap { Int($0) }.flatMap { $0 >= 1 ? $0 : nil }
print("workers: \(threads ?? ProcessInfo.processInfo.activeProcessorCount)\(threads != nil ? " (CAREATLAS_THREADS)" : "")")

switch args[1] {
case "pbf":
    let url = URL(fileURLWithPath: args[2])
    let mode = args.count > 3 ? TravelMode(rawValue: args[3])! : .car
    let pairs = args.count > 4 ? Int(args[4]) ?? 1000 : 1000
    let start = clock.now
    let net: RoadNetwork
    if let k = args.firstIndex(of: "--cache"), k + 1 < args.count {
        net = try RoadNetwork.load(pbf: url, mode: mode, cacheFolder: URL(fileURLWithPath: args[k + 1])) { print("  \($0)") }
    } else {
        net = try RoadNetwork.load(pbf: url, mode: mode) { print("  \($0)") }
    }
    print("load: \(seconds(clock.now - start)); \(net.nodeCount) nodes, \(net.edgeCount) edges")
    let nodes = (0..<pairs).map { _ in net.point(atNode: Int(rng.next() % UInt64(net.nodeCount))) }
    let routeStart = clock.now
    let table = net.travelTimes(from: nodes, to: nodes, cutoffSeconds: .infinity)
    print("\(pairs) × \(pairs), no cutoff: \(seconds(clock.now - routeStart)); \(table.pairCount) pairs kept")
case "grid":
    let side = args.count > 2 ? Int(args[2])! : 1415
    let originCount = args.count > 3 ? Int(args[3])! : 20000
    let destinationCount = args.count > 4 ? Int(args[4])! : 3000
    let cutoffMinutes = args.count > 5 ? Double(args[5])! : 30
    let dLat = 0.0009, dLon = 0.0011
    var ids: [Int64] = [], lats: [Double] = [], lons: [Double] = []
    ids.reserveCapacity(side * side)
    for r in 0..<side { for c in 0..<side {
        ids.append(Int64(r * side + c + 1)); lats.append(35 + Double(r) * dLat); lons.append(139 + Double(c) * dLon)
    } }
    var ways: [RoadNetwork.SourceWay] = []
    for r in 0..<side {
        ways.append(.init(id: Int64(r + 1), refs: (0..<side).map { Int64(r * side + $0 + 1) },
                          tags: ["highway": r % 10 == 0 ? "primary" : "residential"]))
    }
    for c in 0..<side {
        ways.append(.init(id: Int64(side + c + 1), refs: (0..<side).map { Int64($0 * side + c + 1) },
                          tags: ["highway": c % 10 == 0 ? "primary" : "residential"]))
    }
    let buildStart = clock.now
    let net = RoadNetwork(mode: .car, source: "grid", nodeIDs: ids, latitudes: lats, longitudes: lons, ways: ways)
    ids = []; lats = []; lons = []; ways = []
    print("grid \(side) × \(side): build \(seconds(clock.now - buildStart)); \(net.nodeCount) nodes, \(net.edgeCount) edges; peak RSS \(String(format: "%.0f", peakResidentMegabytes())) MB")
    func randomPoint() -> Coordinate {
        Coordinate(lon: 139 + rng.uniform() * Double(side - 1) * dLon, lat: 35 + rng.uniform() * Double(side - 1) * dLat)
    }
    let origins: [RoutePoint?], destinations: [RoutePoint?]
    if args.contains("--nodes") {
        // Origins and destinations at grid nodes drawn with SplitMix64 (seed 19): node r·SIDE + c,
        // the same draw as benchmarks/network/pandana_grid.py makes.
        origins = (0..<originCount).map { _ in net.point(atNode: Int(rng.next() % UInt64(side * side))) }
        destinations = (0..<destinationCount).map { _ in net.point(atNode: Int(rng.next() % UInt64(side * side))) }
    } else {
        let originPoints = (0..<originCount).map { _ in randomPoint() }
        let destinationPoints = (0..<destinationCount).map { _ in randomPoint() }
        let snapStart = clock.now
        origins = net.snap(points: originPoints, maxMetres: 500).map(\.point)
        destinations = net.snap(points: destinationPoints, maxMetres: 500).map(\.point)
        print("snap \(originCount + destinationCount) points: \(seconds(clock.now - snapStart)); unsnapped \(origins.filter { $0 == nil }.count + destinations.filter { $0 == nil }.count)")
    }
    let routeStart = clock.now
    let table = net.travelTimes(from: origins, to: destinations, cutoffSeconds: cutoffMinutes * 60)
    let routeTime = clock.now - routeStart
    if let k = args.firstIndex(of: "--dump"), k + 1 < args.count {
        var text = "origin,destination,seconds\n"
        for o in 0..<originCount { for (d, t) in table.row(o) { text += "\(o),\(d),\(t)\n" } }
        try text.write(toFile: args[k + 1], atomically: true, encoding: .utf8)
    }
    print("\(originCount) × \(destinationCount), cutoff \(cutoffMinutes) min: \(seconds(routeTime)); \(table.pairCount) pairs kept (\(String(format: "%.2f", Double(table.pairCount) / Double(originCount * destinationCount) * 100)) % of all), sum of seconds \(String(format: "%.3f", table.seconds.reduce(0, +))); peak RSS \(String(format: "%.0f", peakResidentMegabytes())) MB")
case "access":
    try runAccessScaling(args, rng: &rng)
case "table":
    try runTable(args)
default:
    print("unknown command \(args[1])")
    exit(2)
}
