import CareGeometry
import Foundation

/// Distance-based catchments around institutions: isodistance rings with the population they
/// cover, nearest-institution (Voronoi) cells, and each area's distance to the nearest institution
/// of each kind. Distances are straight-line metres in the study's metric CRS.
public struct DistanceCatchments: Sendable {
    /// The population within one radius of any selected institution.
    public struct Ring: Sendable, Hashable {
        public let radiusKm: Double
        /// Population measures covered (areal interpolation over the finest layer having each measure).
        public let covered: [String: Double]
        /// The same as a share of the study's population, 0…1.
        public let coveredShare: [String: Double]
        /// The band between the previous radius and this one, in the study CRS.
        public let band: Geometry
    }

    /// The nearest-institution cell of one institution.
    public struct Cell: Sendable, Hashable {
        public let institutionID: String
        public let name: String
        public let kind: String
        public let covered: [String: Double]
        public let areaKm2: Double
        public let geometry: Geometry
    }

    /// Nearest distances from one area's population-weighted centroid, km, by kind.
    public struct Nearest: Sendable, Hashable {
        public let areaID: String
        public let level: AreaLevel
        public let distanceKm: [String: Double]
        public let institutionID: [String: String]
    }

    public let kinds: [String]
    public let rings: [Ring]
    public let cells: [Cell]
    public let nearest: [Nearest]
}

extension DistanceCatchments {
    /// Computes rings at `radiiKm` around the institutions whose kind is in `kinds` (all kinds when
    /// empty), their Voronoi cells clipped to the study areas, and nearest distances for every area
    /// of `level`.
    ///
    /// Areal interpolation (areal weighting, Goodchild & Lam 1980): a polygon Z covers
    /// Σₐ Pₐ · |a ∩ Z| / |a| of a measure P given on areas a of the finest level that has P —
    /// the population is assumed uniform within each area.
    public static func compute(
        _ model: StudyModel, kinds: [String] = [], radiiKm: [Double] = [1, 2, 5, 10], level: AreaLevel = .municipality
    ) throws -> DistanceCatchments {
        let known = Set(model.institutions.map(\.kind))
        for kind in kinds where !known.contains(kind) {
            throw AnalysisError("no institution is of kind \"\(kind)\"", fix: "kinds in this study are: \(known.sorted().joined(separator: ", "))")
        }
        let selected = model.institutions.filter { kinds.isEmpty || kinds.contains($0.kind) }
        guard !selected.isEmpty else { throw AnalysisError("the study has no institutions", fix: "add institutions: to the study") }
        for r in radiiKm where !(r > 0 && r.isFinite) {
            throw AnalysisError("radius \(r) km is not a positive distance", fix: "give radii such as 1, 2, 5, 10")
        }
        // Rings are drawn in the study's plane CRS: beyond 1,000 km (Japan spans 3,000) the discs
        // leave any projection's valid area and GEOS fails on them (issue 14).
        for r in radiiKm where r > InputRanges.maxRingRadiusKm {
            throw AnalysisError("radius \(r) km is more than \(Int(InputRanges.maxRingRadiusKm)) km", fix: "give radii such as 1, 2, 5, 10")
        }
        let interpolation = try ArealInterpolation(model)
        guard let coarsest = model.levels.last, let extentAreas = model.areas[coarsest] else {
            throw AnalysisError("the study has no areas", fix: "add an areas: layer")
        }
        let studyExtent = try dissolve(extentAreas)
        var rings: [Ring] = []
        var previous: Geometry? = nil
        for r in radiiKm.sorted() {
            let discs = try selected.map { try Point($0.position).buffer(distance: r * 1000, quadrantSegments: 16) }
            let union = try Geometry.union(discs).intersection(studyExtent)
            let covered = try interpolation.covered(by: union)
            rings.append(Ring(
                radiusKm: r, covered: covered,
                coveredShare: covered.reduce(into: [:]) { out, kv in
                    out[kv.key] = interpolation.totals[kv.key].map { t in t > 0 ? kv.value / t : 0 }
                },
                band: try previous.map { try union.difference($0) } ?? union))
            previous = union
        }
        // Voronoi cells of distinct positions, clipped to the study extent.
        guard let box = studyExtent.boundingBox else {
            throw AnalysisError("the study's areas have no extent (every geometry is empty)", fix: "check the area layers with careatlas inspect")
        }
        let voronoi = try Voronoi.cells(sites: selected.map(\.position), clippedTo: box)
        let prepared = try PreparedGeometry(studyExtent)
        var cells: [Cell] = []
        for (inst, cell) in zip(selected, voronoi) {
            guard let cell else { continue }
            let clipped = try prepared.covers(cell) ? cell.geometry : try cell.intersection(studyExtent)
            cells.append(Cell(
                institutionID: inst.id, name: inst.name, kind: inst.kind, covered: try interpolation.covered(by: clipped),
                areaKm2: try clipped.area() / 1e6, geometry: clipped))
        }
        cells.sort { $0.institutionID < $1.institutionID }
        return DistanceCatchments(
            kinds: kinds.isEmpty ? Set(selected.map(\.kind)).sorted() : kinds.sorted(), rings: rings, cells: cells,
            nearest: try nearestDistances(model, level: level))
    }

    /// For every area of `level`, the straight-line distance from its population-weighted centroid
    /// to the nearest institution of each kind (an STR-tree nearest-neighbour query per kind).
    public static func nearestDistances(_ model: StudyModel, level: AreaLevel) throws -> [Nearest] {
        guard let areas = model.areas[level] else { return [] }
        let byKind = Dictionary(grouping: model.institutions, by: \.kind)
        var distance = [[String: Double]](repeating: [:], count: areas.count)
        var nearestID = [[String: String]](repeating: [:], count: areas.count)
        for (kind, list) in byKind.sorted(by: { $0.key < $1.key }) {
            let index = try SpatialIndex(envelopes: list.map { Envelope($0.position) })
            for (i, a) in areas.enumerated() {
                guard let j = try index.nearest(to: a.weightedCentroid) else { continue }
                let p = list[j].position
                distance[i][kind] = hypot(p.x - a.weightedCentroid.x, p.y - a.weightedCentroid.y) / 1000
                nearestID[i][kind] = list[j].id
            }
        }
        return areas.indices.map { Nearest(areaID: areas[$0].id, level: level, distanceKm: distance[$0], institutionID: nearestID[$0]) }
    }
}

/// Areal-weighting interpolation of population measures from the finest level that has each.
struct ArealInterpolation {
    /// For each measure, the areas of the finest level that has it.
    let sources: [String: [Area]]
    let totals: [String: Double]
    let indexes: [String: SpatialIndex]

    init(_ model: StudyModel) throws {
        // Each measure comes from the finest areas that carry it: an area is replaced by its
        // children where its children carry the measure (small areas inside six wards, the wards'
        // own figures elsewhere).
        var sources: [String: [Area]] = [:]
        var replaced: [String: Set<String>] = [:]  // measure → ids of areas whose children carry it
        for level in model.levels {  // finest first
            for a in model.areas[level] ?? [] {
                for key in a.population.keys.sorted() where !(replaced[key]?.contains(a.id) ?? false) {
                    sources[key, default: []].append(a)
                    if let parent = a.parentID { replaced[key, default: []].insert(parent) }
                }
            }
        }
        self.sources = sources
        totals = sources.reduce(into: [:]) { out, kv in out[kv.key] = kv.value.compactMap { $0.population[kv.key] }.reduce(0, +) }
        indexes = try sources.mapValues { areas in
            try SpatialIndex(envelopes: areas.map { a in
                guard let box = a.geometry.boundingBox else {
                    throw AnalysisError("area \(a.id) \(a.name) has an empty geometry", fix: "check the area layers with careatlas inspect")
                }
                return box
            })
        }
    }

    /// Σₐ Pₐ · |a ∩ Z| / |a| for every measure.
    func covered(by zone: Geometry) throws -> [String: Double] {
        guard let box = zone.boundingBox else { return totals.mapValues { _ in 0 } }
        let prepared = try PreparedGeometry(zone)
        var out: [String: Double] = [:]
        for (key, areas) in sources.sorted(by: { $0.key < $1.key }) {
            var sum = 0.0
            for i in indexes[key]?.query(intersecting: box) ?? [] {
                let a = areas[i]
                guard let p = a.population[key], p > 0 else { continue }
                if try prepared.covers(a.geometry) {
                    sum += p
                } else if try prepared.intersects(a.geometry) {
                    sum += p * (try a.geometry.intersection(zone).area()) / (a.areaKm2 * 1e6)
                }
            }
            out[key] = sum
        }
        return out
    }
}
