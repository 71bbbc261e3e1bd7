import CareGeometry
import CareNetwork
import Foundation

/// Drive-time areas ("isochrones"): for each institution of the chosen kinds and each time limit,
/// the area from which the institution is reached within that many minutes on the road network,
/// with the population it covers; and the anchor's area for each `within_minutes` stage.
///
/// **Polygon.** The roads from which the institution is reached within T (every stretch of every
/// segment, ``RoadNetwork/reachingPieces(to:withinSeconds:incidence:)``: one search over the
/// reversed edges, one-way streets respected), projected to the study's metric CRS, buffered by
/// `bufferMetres` on each side (GEOS buffer of the multi-line, which unions the pieces), and
/// clipped to the study areas. The buffer stands for the homes along the road: a home farther than
/// that from any reachable road is outside. Snap distances are not added.
///
/// **Population covered** as for the isodistance rings: areal weighting over the finest level that
/// carries each measure (Goodchild & Lam 1980), population assumed uniform within each area.
/// Population only: no patient count is derived from these areas.
public struct DriveTimeAreas: Sendable {
    /// One drive-time area.
    public struct Zone: Sendable, Hashable {
        /// The institution (nil for a stage's area).
        public let institutionID: String?
        /// The plan and stage (nil for an institution's area).
        public let plan: String?
        public let stage: String?
        /// The institution's name, or the stage's name.
        public let name: String
        public let kind: String
        public let minutes: Double
        /// Kilometres of road from which the institution is reached within ``minutes``.
        public let roadKm: Double
        public let covered: [String: Double]
        public let coveredShare: [String: Double]
        public let areaKm2: Double
        /// In the study's metric CRS (empty collection when no road reaches it).
        public let geometry: Geometry
    }

    public let minutes: [Double]
    public let kinds: [String]
    public let bufferMetres: Double
    /// Institutions first (by id, then minutes), then stages (in plan order).
    public let zones: [Zone]
    /// Institutions of the kinds that are off the network (not snapped): no area drawn.
    public let institutionsOffNetwork: [String]

    public static let defaultMinutes: [Double] = [10, 20, 30]
    public static let defaultBufferMetres = 100.0
}

extension DriveTimeAreas {
    /// The drive-time areas of the institutions of `kinds` (all when empty) at `minutes`, and of the
    /// anchor for every `within_minutes` stage of the study's plans.
    ///
    /// - Throws: ``AnalysisError`` when the study's cost is not a road network, a limit is beyond
    ///   the network's cutoff, or a kind is unknown.
    public static func compute(_ model: StudyModel, costs: StudyCosts?, kinds: [String] = [], minutes: [Double] = defaultMinutes,
                               bufferMetres: Double = defaultBufferMetres, progress: (String) -> Void = { _ in }) throws -> DriveTimeAreas {
        guard let costs, let network = costs.network else {
            throw AnalysisError("drive-time areas need a road network", fix: "add cost: {network: {pbf: roads.osm.pbf}} to the study")
        }
        let known = Set(model.institutions.map(\.kind))
        for k in kinds where !known.contains(k) {
            throw AnalysisError("no institution is of kind \"\(k)\"", fix: "kinds in this study are: \(known.sorted().joined(separator: ", "))")
        }
        for t in minutes { try costs.checkThreshold(t, what: "drive-time limit") }
        guard bufferMetres > 0, bufferMetres.isFinite else { throw AnalysisError("the drive-time buffer must be a positive distance, got \(bufferMetres) m") }
        let interpolation = try ArealInterpolation(model)
        guard let coarsest = model.levels.last, let extentAreas = model.areas[coarsest] else {
            throw AnalysisError("the study has no areas", fix: "add an areas: layer")
        }
        let extent = try dissolve(extentAreas, in: model, "the study area that clips the drive-time areas")
        let toMetric: CoordinateTransform
        do { toMetric = try CoordinateTransform(from: .wgs84, to: model.crs) } catch { throw AnalysisError("\(error)") }
        let incidence = network.segmentIncidence()

        func zone(to point: RoutePoint, minutes t: Double) throws -> (geometry: Geometry, roadKm: Double) {
            let pieces = network.reachingPieces(to: point, withinSeconds: t * 60, incidence: incidence)
            var lines: [LineString] = []
            var points: [Point] = []
            var metres = 0.0
            for p in pieces {
                let a = network.position(segment: p.segment, fraction: p.from), b = network.position(segment: p.segment, fraction: p.to)
                var ends = [Coordinate(x: a.lon, y: a.lat), Coordinate(x: b.lon, y: b.lat)]
                try toMetric.transform(&ends)
                let length = hypot(ends[1].x - ends[0].x, ends[1].y - ends[0].y)
                metres += length
                if length > 0 { lines.append(try LineString(ends)) } else { points.append(try Point(ends[0])) }
            }
            guard !lines.isEmpty || !points.isEmpty else { return (.collection([]), 0) }
            let parts: [any GeometryConvertible] = [Geometry.multiLineString(MultiLineString(lines)), Geometry.multiPoint(MultiPoint(points))]
            let buffered = try Geometry.union(try parts.map { try $0.buffer(distance: bufferMetres, quadrantSegments: 8) })
            return (try buffered.intersection(extent), metres / 1000)
        }
        func make(_ geometry: Geometry, roadKm: Double, institution: String?, plan: String?, stage: String?, name: String, kind: String,
                  minutes t: Double) throws -> Zone {
            let covered = try interpolation.covered(by: geometry, model, "the population covered by the drive-time area \(name) (\(String(format: "%g", t)) min)")
            return Zone(institutionID: institution, plan: plan, stage: stage, name: name, kind: kind, minutes: t, roadKm: roadKm,
                        covered: covered,
                        coveredShare: covered.reduce(into: [:]) { out, kv in
                            out[kv.key] = interpolation.totals[kv.key].map { total in total > 0 ? kv.value / total : 0 }
                        },
                        areaKm2: try geometry.area() / 1e6, geometry: geometry)
        }

        var zones: [Zone] = []
        var offNetwork: [String] = []
        let selected = model.institutions.indices.filter { kinds.isEmpty || kinds.contains(model.institutions[$0].kind) }
        for (n, j) in selected.enumerated() {
            let inst = model.institutions[j]
            guard let point = costs.institutionPoints[j] else { offNetwork.append(inst.id); continue }
            progress("drive-time areas: \(n + 1) of \(selected.count) institutions")
            for t in minutes.sorted() {
                let (g, km) = try zone(to: point, minutes: t)
                zones.append(try make(g, roadKm: km, institution: inst.id, plan: nil, stage: nil, name: inst.name, kind: inst.kind, minutes: t))
            }
        }
        if let anchor = model.anchorIndex, let point = costs.institutionPoints[anchor] {
            for plan in model.spec.scenarios?.plans ?? [] {
                for stage in plan.stages {
                    guard case let .withinMinutes(t) = stage.rule else { continue }
                    try costs.checkThreshold(t, what: "stage \(stage.name): within_minutes")
                    let (g, km) = try zone(to: point, minutes: t)
                    zones.append(try make(g, roadKm: km, institution: nil, plan: plan.name, stage: stage.name, name: stage.name,
                                          kind: model.institutions[anchor].kind, minutes: t))
                }
            }
        }
        return DriveTimeAreas(minutes: minutes.sorted(), kinds: kinds.isEmpty ? known.sorted() : kinds.sorted(), bufferMetres: bufferMetres,
                              zones: zones, institutionsOffNetwork: offNetwork)
    }
}
