import CareNetwork
import Foundation

/// What the study's `cost:` says: how far an area is from an institution. Documented in
/// geodata/README.md ("Travel cost").
///
/// - `straight_line` (the default): straight-line metres in the study's metric CRS, as every
///   analysis computed before travel times existed (command-line `--detour-factor` where offered).
/// - `network`: free-flow travel time on a road network read from an OpenStreetMap extract
///   (``NetworkCostSpec``), computed by ``CareNetwork``.
/// - `table`: travel times imported from an origin–destination CSV (r5py, OSRM, QGIS;
///   ``TableCostSpec``).
///
/// With a travel-time cost every threshold that was a distance becomes minutes: the access
/// threshold and bands, the gap rules (`threshold_minutes`, `within_minutes`), stages
/// (`within_minutes`), and the nearest institution of each kind.
public enum StudyCostSpec: Sendable, Hashable {
    case straightLine
    case network(NetworkCostSpec)
    case table(TableCostSpec)

    /// True when costs are travel times in minutes.
    public var isTravelTime: Bool {
        if case .straightLine = self { return false }
        return true
    }

    /// `straight_line`, `network` or `table`, as in the study file.
    public var kindName: String {
        switch self {
        case .straightLine: return "straight_line"
        case .network: return "network"
        case .table: return "table"
        }
    }

    /// The files this cost reads.
    var inputFiles: [URL] {
        switch self {
        case .straightLine: return []
        case let .network(n): return [n.pbf]
        case let .table(t): return [t.file]
        }
    }
}

/// `cost: {network: {pbf: FILE, mode: car|foot, cutoff_minutes: N, max_snap_m: M, cache: DIR}}`.
public struct NetworkCostSpec: Sendable, Hashable {
    /// The OpenStreetMap extract (`.osm.pbf`).
    public var pbf: URL
    public var mode: TravelMode = .car
    /// Travel times up to this are computed; a pair beyond it has no route within the cutoff
    /// (default 60 minutes). Every threshold of the study must be at most this.
    public var cutoffMinutes: Double = NetworkCostSpec.defaultCutoffMinutes
    /// Area centroids and institutions farther than this from every usable road are reported as
    /// unsnappable and get no travel time (default 1,000 m).
    public var maxSnapMetres: Double = NetworkCostSpec.defaultMaxSnapMetres
    /// Where the built graph is kept between runs (nil: beside the extract, in `.careatlas-cache/`).
    public var cache: URL?
    /// Drive-time areas drawn by `catchment` and `report` (``DriveTimeAreas``): the limits
    /// (`drive_time_minutes`, default 10, 20, 30), the institution kinds (`drive_time_kinds`,
    /// default all) and the buffer about the reachable roads (`drive_time_buffer_m`, default 100).
    public var driveTimeMinutes: [Double] = DriveTimeAreas.defaultMinutes
    public var driveTimeKinds: [String] = []
    public var driveTimeBufferMetres: Double = DriveTimeAreas.defaultBufferMetres

    public static let defaultCutoffMinutes = 60.0
    public static let defaultMaxSnapMetres = 1000.0

    public init(pbf: URL, mode: TravelMode = .car, cutoffMinutes: Double = NetworkCostSpec.defaultCutoffMinutes,
                maxSnapMetres: Double = NetworkCostSpec.defaultMaxSnapMetres, cache: URL? = nil) {
        self.pbf = pbf
        self.mode = mode
        self.cutoffMinutes = cutoffMinutes
        self.maxSnapMetres = maxSnapMetres
        self.cache = cache
    }

    /// The cache folder used: ``cache``, or `.careatlas-cache` beside the extract.
    public var cacheFolder: URL {
        cache ?? pbf.deletingLastPathComponent().appendingPathComponent(".careatlas-cache", isDirectory: true)
    }
}

/// `cost: {table: {file: OD.csv, origin: col, destination: col, minutes: col}}` (or `seconds: col`).
///
/// One row per origin–destination pair, long format: the origin is an area code of the study (at
/// any level), the destination an institution id. Defaults are r5py's `TravelTimeMatrix` column
/// names (`from_id`, `to_id`, `travel_time` in minutes). A pair that is absent, or whose time is
/// empty or `NaN` (how r5py and pandas write "not reachable"), has no route.
public struct TableCostSpec: Sendable, Hashable {
    public var file: URL
    public var originField = "from_id"
    public var destinationField = "to_id"
    /// The column with the time, and whether it is in seconds (OSRM's durations) or minutes.
    public var timeField = "travel_time"
    public var timeInSeconds = false

    public init(file: URL, originField: String = "from_id", destinationField: String = "to_id", timeField: String = "travel_time",
                timeInSeconds: Bool = false) {
        self.file = file
        self.originField = originField
        self.destinationField = destinationField
        self.timeField = timeField
        self.timeInSeconds = timeInSeconds
    }
}
