import CareFormats
import CareGeometry
import Foundation

extension ModelBuilder {
    /// Links each area to its parent one level up: the `parent:` field when given, else the code
    /// prefix (an 11- or 9-digit small-area code starts with its 5-digit municipality code), else
    /// the parent area covering its point on surface.
    mutating func linkHierarchy() {
        for level in AreaLevel.allCases {
            guard let parentLevel = parentLevel(of: level), let parents = areas[parentLevel], var children = areas[level] else { continue }
            let index = try? SpatialIndex(envelopes: parents.map { $0.geometry.boundingBox! })
            var unplaced: [String] = []
            var mismatched: [String] = []
            for i in children.indices {
                let child = children[i]
                if let given = child.parentID {
                    if areaIndex(given, parentLevel) == nil {
                        d.warning(children[i].geometryFileHint, "", "area \(child.id) \(child.name) names parent \(given), which is not a \(parentLevel.rawValue) area of the study; placed by position")
                        children[i].parentID = nil
                    } else {
                        continue
                    }
                }
                let prefix = String(child.id.prefix(5))
                if child.id.count > 5, areaIndex(prefix, parentLevel) != nil {
                    children[i].parentID = prefix
                    continue
                }
                let point = child.pointOnSurface
                let found = index?.query(intersecting: Envelope(point)).first { j in
                    (try? PreparedGeometry(parents[j].geometry).covers(point)) ?? false
                }
                if let j = found {
                    children[i].parentID = parents[j].id
                    if child.id.count > 5, !parents[j].id.hasPrefix(prefix) { mismatched.append(child.id) }
                } else {
                    unplaced.append("\(child.id) \(child.name)")
                }
            }
            areas[level] = children
            if !unplaced.isEmpty {
                d.warning("study", "", "\(unplaced.count) \(level.rawValue) area\(unplaced.count == 1 ? "" : "s") lie in no \(parentLevel.rawValue) area: \(unplaced.prefix(5).joined(separator: ", "))\(unplaced.count > 5 ? ", …" : "")",
                          fix: "add the missing \(parentLevel.rawValue) boundaries, or a parent: column")
            }
            if !mismatched.isEmpty {
                d.warning("study", "", "\(mismatched.count) \(level.rawValue) area\(mismatched.count == 1 ? "" : "s") lie in a \(parentLevel.rawValue) that their code does not name (e.g. \(mismatched.prefix(3).joined(separator: ", ")))")
            }
        }
    }

    /// Rook adjacency per level: two areas are neighbours when their boundaries share a length > 0
    /// (corner contacts do not count). Overlapping areas are reported, and counted as neighbours.
    mutating func computeAdjacency() -> [AreaLevel: [[Int]]] {
        var result: [AreaLevel: [[Int]]] = [:]
        for (level, list) in areas.sorted(by: { $0.key < $1.key }) {
            var neighbours = [[Int]](repeating: [], count: list.count)
            guard let index = try? SpatialIndex(envelopes: list.map { $0.geometry.boundingBox! }) else { continue }
            // A GEOS failure here would leave two areas silently apart: it is an error naming both.
            func layerFile(_ a: Area) -> String { spec.areas.first { $0.name == a.layer }.map { display($0.file) } ?? a.geometryFileHint }
            // Only pairs whose boxes meet are compared, on every core, and read below in their order.
            let pairs = list.indices.flatMap { i in index.query(intersecting: list[i].geometry.boundingBox!).filter { $0 > i }.map { (i, $0) } }
            guard let (failures, computed) = Self.contacts(list.map(\.geometry), pairs: pairs) else { continue }
            for (i, a) in list.enumerated() {
                if let error = failures[i] {
                    d.error(layerFile(a), "area \(a.id)", "area \(a.id) \(a.name): its boundary cannot be computed for the adjacency of \(level.rawValue) areas: \(error)",
                            fix: StudyModel.geometryRepairFix)
                }
            }
            var slightOverlaps = 0
            var worstSlight = (area: 0.0, pair: "")
            var counter = ProgressCounter("adjacency of \(level.rawValue) areas: area", total: list.count, minimumTotal: 1000, report: progress)
            for ((i, j), result) in zip(pairs, computed) {
                counter.advance(to: i)
                guard failures[i] == nil, failures[j] == nil else { continue }
                let shared: Double?, overlap: Double
                do {
                    (overlap, shared) = try result.get()
                } catch {
                    d.error(layerFile(list[i]), "area \(list[i].id)", "\(level.rawValue) areas \(list[i].id) \(list[i].name) and \(list[j].id) \(list[j].name)\(list[i].layer == list[j].layer ? "" : " (\(layerFile(list[j])))") cannot be compared for adjacency: \(error)",
                            fix: StudyModel.geometryRepairFix)
                    continue
                }
                let smaller = min(list[i].areaKm2, list[j].areaKm2) * 1e6
                // Layers simplified independently (one file per prefecture) overlap along their
                // common border; within one layer any real overlap is suspicious.
                let tolerance = list[i].layer == list[j].layer ? 0.005 : 0.05
                if overlap > 1, overlap > tolerance * smaller {
                    d.warning("study", "", "\(level.rawValue) areas \(list[i].id) \(list[i].name) and \(list[j].id) \(list[j].name) overlap by \(String(format: "%.3f", overlap / 1e6)) km² (\(String(format: "%.1f", 100 * overlap / smaller)) % of the smaller)",
                              fix: "areas of one level must not overlap; check for duplicated or misaligned boundaries")
                } else if overlap > 1 {
                    slightOverlaps += 1
                    if overlap > worstSlight.area { worstSlight = (overlap, "\(list[i].id) \(list[i].name) / \(list[j].id) \(list[j].name)") }
                }
                // An overlap makes neighbours whatever the boundary (not computed then: nil).
                if overlap > 0 || (shared ?? 0) > 0 {
                    neighbours[i].append(j)
                    neighbours[j].append(i)
                }
            }
            if slightOverlaps > 0 {
                d.note("study", "", "\(slightOverlaps) pair\(slightOverlaps == 1 ? "" : "s") of \(level.rawValue) areas overlap slightly (more than 1 m², below 0.5 % of the smaller area within a layer, 5 % across layers: boundary simplification), the largest \(String(format: "%.3f", worstSlight.area / 1e6)) km² (\(worstSlight.pair)); treated as neighbours")
            }
            result[level] = neighbours.map { $0.sorted() }
        }
        return result
    }

    /// How two areas of one level meet: the overlap area, and the shared boundary length (nil
    /// where the overlap is positive and it was not computed).
    typealias Meeting = (overlapArea: Double, sharedBoundaryLength: Double?)

    /// The contact of every pair, on every core, in two passes: ``ExactContacts`` settles the
    /// pairs whose boundaries meet only at common vertices and segments (no overlay), then
    /// ``PairwiseContacts`` overlays the others in GEOS, each worker in a context of its own (not
    /// thread-safe) converting only the geometries of its pairs (the overlap first, the shared
    /// boundary only where the overlap is 0: ``PairwiseContacts/adjacencyContact(_:_:)``). Returns each geometry's GEOS
    /// conversion failure (checked for every geometry that GEOS handles: those of unsettled pairs
    /// and the non-polygonal ones; a polygon with finite, closed rings always converts) and every
    /// pair's result; nil when GEOS cannot start.
    static func contacts(_ geometries: [Geometry], pairs: [(Int, Int)]) -> (failures: [(any Error)?], results: [Result<Meeting, any Error>])? {
        let exact = ExactContacts(geometries)
        let cores = ProcessInfo.processInfo.activeProcessorCount
        // A few dozen pairs do not pay for a second thread.
        var settled = [ExactContacts.Settled?](repeating: nil, count: pairs.count)
        let settleWorkers = max(1, min(cores, pairs.count / 32))
        settled.withUnsafeMutableBufferPointer { out in
            let out = UncheckedBuffer(out)
            DispatchQueue.concurrentPerform(iterations: settleWorkers) { w in
                for k in stride(from: w, to: pairs.count, by: settleWorkers) { out[k] = exact.settle(pairs[k].0, pairs[k].1) }
            }
        }
        let open = pairs.indices.filter { settled[$0] == nil }
        // Geometries GEOS must see: those of the open pairs and those ExactContacts cannot read.
        let needed = Set(geometries.indices.filter { !exact.isPolygonal($0) } + open.flatMap { [pairs[$0].0, pairs[$0].1] }).sorted()
        let workers = max(1, min(cores, open.count / 8))
        let slots = ContactSlots(pairs: open.count, workers: workers)
        DispatchQueue.concurrentPerform(iterations: workers) { w in
            guard let contacts = try? PairwiseContacts(geometries) else { return }
            var found: [(Int, Result<Meeting, any Error>)] = []
            for k in stride(from: w, to: open.count, by: workers) {
                let (i, j) = pairs[open[k]]
                found.append((k, Result { try contacts.adjacencyContact(i, j) }))
            }
            let failures = w == 0 ? needed.map { ($0, contacts.failure($0)) } : []
            slots.store(worker: w, failures, found)
        }
        guard let (failures, computed) = slots.collected(geometries: geometries.count) else { return nil }
        var results: [Result<Meeting, any Error>] = settled.map { s in .success((overlapArea: 0, sharedBoundaryLength: s?.sharedLength ?? 0)) }
        for (k, r) in zip(open, computed) { results[k] = r }
        return (failures, results)
    }

    /// Patients and the weighted centroid flow up the hierarchy.
    mutating func aggregate() {
        for level in AreaLevel.allCases {
            guard let parentLevel = parentLevel(of: level), let children = areas[level] else { continue }
            var weighted: [Int: (sx: Double, sy: Double, w: Double)] = [:]
            for child in children {
                guard let pid = child.parentID, let p = areaIndex(pid, parentLevel) else { continue }
                if let n = child.patients {
                    updateArea(parentLevel, p) { parent in
                        parent.patients = (parent.patients ?? 0) + n
                        for (k, v) in child.patientBreakdown { parent.patientBreakdown[k, default: 0] += v }
                    }
                }
                if let w = child.population["total"], w > 0 {
                    let c = child.weightedCentroid
                    weighted[p, default: (0, 0, 0)].sx += w * c.x
                    weighted[p, default: (0, 0, 0)].sy += w * c.y
                    weighted[p, default: (0, 0, 0)].w += w
                }
            }
            for (p, s) in weighted {
                updateArea(parentLevel, p) { $0.weightedCentroid = Coordinate(x: s.sx / s.w, y: s.sy / s.w) }
            }
        }
    }

    mutating func buildGroups() -> [String: [AreaGroup]] {
        var result: [String: [AreaGroup]] = [:]
        for g in spec.groupings {
            guard let list = areas[g.level] else { continue }
            let members = Dictionary(grouping: list.filter { $0.groups[g.name] != nil }, by: { $0.groups[g.name]! })
            result[g.name] = members.map { name, areas in
                // A group's measure is the sum over its members only when every member has it: a
                // partial sum would pass for the group's population (no data otherwise).
                var population: [String: Double] = [:]
                for a in areas { for (k, v) in a.population { population[k, default: 0] += v } }
                population = population.filter { k, _ in areas.allSatisfy { $0.population[k] != nil } }
                return AreaGroup(grouping: g.name, name: name, memberIDs: areas.map(\.id).sorted(),
                                 patients: areas.reduce(0) { $0 + ($1.patients ?? 0) }, population: population)
            }.sorted { $0.name < $1.name }
        }
        return result
    }

    mutating func resolveAnchor() -> Int? {
        guard let anchor = spec.anchor else {
            d.note("study", "", "no anchor: analyses that start from the analysing hospital will ask for one")
            return nil
        }
        guard let i = institutions.firstIndex(where: { $0.id == anchor }) else {
            d.error(spec.file.lastPathComponent, "", "anchor \(anchor) is not an institution of the study",
                    fix: "anchor must be the id of a row in one of the institution layers")
            return nil
        }
        return i
    }
}

extension Area {
    /// Used in diagnostics about hierarchy, where the area's file is not at hand.
    var geometryFileHint: String { "layer \(layer)" }
}

/// What the workers of ``ModelBuilder/contacts(_:pairs:)`` found, written under a lock.
private final class ContactSlots: @unchecked Sendable {
    private let lock = NSLock()
    private var started: [Bool]
    private var failures: [(Int, (any Error)?)] = []
    private var results: [Result<ModelBuilder.Meeting, any Error>?]
    init(pairs: Int, workers: Int) {
        started = Array(repeating: false, count: workers)
        results = Array(repeating: nil, count: pairs)
    }
    func store(worker: Int, _ failures: [(Int, (any Error)?)], _ found: [(Int, Result<ModelBuilder.Meeting, any Error>)]) {
        lock.lock()
        started[worker] = true
        self.failures += failures
        for (k, r) in found { results[k] = r }
        lock.unlock()
    }
    /// Each geometry's conversion failure and every pair's result; nil when a worker could not
    /// start GEOS.
    func collected(geometries: Int) -> (failures: [(any Error)?], results: [Result<ModelBuilder.Meeting, any Error>])? {
        lock.lock()
        defer { lock.unlock() }
        guard started.allSatisfy({ $0 }) else { return nil }
        var byGeometry = [(any Error)?](repeating: nil, count: geometries)
        for (i, error) in failures { byGeometry[i] = error }
        return (byGeometry, results.map { $0! })
    }
}

/// A buffer that concurrent workers write at distinct indices only.
private struct UncheckedBuffer<Element>: @unchecked Sendable {
    let base: UnsafeMutableBufferPointer<Element>
    init(_ base: UnsafeMutableBufferPointer<Element>) { self.base = base }
    subscript(k: Int) -> Element {
        get { base[k] }
        nonmutating set { base[k] = newValue }
    }
}
