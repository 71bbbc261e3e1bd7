import Foundation

// The Huff model of spatial choice: which share of an origin's patients each hospital can expect.
//
// Huff, D. L. (1963). A probabilistic analysis of shopping center trade areas. Land Economics 39(1),
// 81–90. Huff, D. L. (1964). Defining and estimating a trading area. Journal of Marketing 28(3), 34–38.

/// The distance-decay function f(d) of the Huff model; d is in kilometres.
///
/// - ``power``: f(d) = d^(−β), Huff's original form (1963). Scale-free: multiplying every
///   distance by a constant changes no probability, so the unit only matters through the minimum
///   distance.
/// - ``exponential``: f(d) = exp(−β·d). β is then per kilometre (β = 0.1 halves the weight every
///   ln 2 / 0.1 ≈ 6.9 km), so the unit of the distances is part of the parameter's meaning.
public enum HuffDecay: String, Sendable, Hashable, CaseIterable {
    case power
    case exponential
}

/// One origin of the Huff model: an area whose residents choose between the destinations.
public struct HuffOrigin: Sendable, Hashable {
    public let id: String
    /// Demand weight wᵢ ≥ 0 (population 65+, all patients of the area…): the expected patients of
    /// a hospital are Σᵢ wᵢ·Pᵢⱼ, and the fit's potential is wᵢ. 1 when there is no weight.
    public let weight: Double
    /// This origin's own minimum distance in km, overriding the model's ``HuffModel/minimumDistanceKm``.
    /// A natural choice for an area of A km² is (2/3)·√(A/π), the mean distance from a point spread
    /// uniformly over a disc of that area to its centre (the usual "self-distance" of accessibility
    /// studies; Frost & Spence 1995, Environment and Planning A 27(11)).
    public let minimumDistanceKm: Double?

    public init(id: String, weight: Double = 1, minimumDistanceKm: Double? = nil) {
        self.id = id
        self.weight = weight
        self.minimumDistanceKm = minimumDistanceKm
    }
}

/// One destination (hospital) of the Huff model.
public struct HuffDestination: Sendable, Hashable {
    public let id: String
    /// Attractiveness Aⱼ > 0, usually a capacity (beds, PCU beds).
    public let attractiveness: Double

    public init(id: String, attractiveness: Double) {
        self.id = id
        self.attractiveness = attractiveness
    }
}

/// Why a Huff model could not be built, evaluated or fitted.
public enum HuffError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The inputs are invalid; every problem found is listed.
    case invalidInput([String])
    /// The anchor of a fit is not one of the model's destinations.
    case unknownDestination(String)
    /// Observed patients were given for origins the model does not have.
    case unknownOrigins([String])
    /// Every observed count is zero: there is nothing to fit.
    case noObservedPatients
    /// Patients were observed at origins whose potential wᵢ is 0, where the model expects none
    /// (the likelihood would be −∞).
    case patientsWithoutPotential([String])
    /// Too few origins with a positive potential to estimate the parameters with a degree of freedom left.
    case tooFewOrigins(found: Int, required: Int)
    /// The model has fewer than two destinations: every probability is 1 and nothing can be fitted.
    case tooFewDestinations(Int)
    /// Every destination has the same attractiveness, so α has no effect on any probability.
    case alphaNotIdentifiable

    public var description: String {
        switch self {
        case .invalidInput(let problems):
            return "invalid Huff model input:\n" + problems.map { "  \($0)" }.joined(separator: "\n")
        case .unknownDestination(let id):
            return "the anchor '\(id)' is not a destination of the Huff model"
        case .unknownOrigins(let ids):
            return "observed patients for \(ids.count) origin\(ids.count == 1 ? "" : "s") not in the Huff model: "
                + Self.listed(ids) + " — add them as origins or leave their patients out"
        case .noObservedPatients:
            return "every observed patient count is zero: there is nothing to fit"
        case .patientsWithoutPotential(let ids):
            return "patients observed at \(ids.count) origin\(ids.count == 1 ? "" : "s") with zero potential: "
                + Self.listed(ids) + " — give these origins a positive weight"
        case .tooFewOrigins(let found, let required):
            return "only \(found) origin\(found == 1 ? "" : "s") with a positive potential; the fit needs at least \(required)"
        case .tooFewDestinations(let count):
            return "the Huff model has \(count) destination\(count == 1 ? "" : "s"); a fit needs at least 2"
        case .alphaNotIdentifiable:
            return "every destination has the same attractiveness, so α cannot be estimated — fix α (fixedAlpha)"
        }
    }
}

extension HuffError {
    /// The first ids of a list, for messages.
    static func listed(_ ids: [String], limit: Int = 10) -> String {
        let shown = ids.prefix(limit).joined(separator: ", ")
        return ids.count > limit ? shown + ", … (\(ids.count - limit) more)" : shown
    }
}

/// A Huff model over fixed origins, destinations and distances, ready to be evaluated for any
/// (α, β) and fitted to observed patients.
///
/// The probability that a patient from origin i chooses destination j is (Huff 1963)
///
///     Pᵢⱼ = Aⱼ^α · f(dᵢⱼ) / Σₖ Aₖ^α · f(dᵢₖ)
///
/// with Aⱼ the attractiveness, f the distance decay (``HuffDecay``) and dᵢⱼ the distance in km.
///
/// **Minimum distance.** The distance used is max(dᵢⱼ, dₘᵢₙ,ᵢ): an origin at a hospital (dᵢⱼ = 0)
/// would otherwise give that hospital the probability 1 under power decay, and a distance of a few
/// metres nearly so, although an area's residents are spread over it. dₘᵢₙ,ᵢ is the origin's
/// ``HuffOrigin/minimumDistanceKm`` when given (e.g. its self-distance (2/3)·√(A/π)), otherwise the
/// model's ``minimumDistanceKm`` (default 0.5 km, the self-distance of a 1.8 km² area). It applies
/// to both decay forms, so that switching decay never changes the distances.
///
/// Origins and destinations are sorted by id; every result follows that order. The probabilities
/// are computed in log space (log-sum-exp), so large β or long distances never underflow to 0/0.
///
/// Immutable value: safe to share between threads.
public struct HuffModel: Sendable {
    /// Origins sorted by id.
    public let origins: [HuffOrigin]
    /// Destinations sorted by id.
    public let destinations: [HuffDestination]
    public let decay: HuffDecay
    /// The default minimum distance in km (see the type's documentation).
    public let minimumDistanceKm: Double

    /// log Aⱼ per destination.
    let logAttractiveness: [Double]
    /// The distance term hᵢⱼ per origin × destination, row-major: log dᵢⱼ (power) or dᵢⱼ
    /// (exponential), with dᵢⱼ already raised to the minimum distance; log f(dᵢⱼ) = −β·hᵢⱼ.
    let distanceTerm: [Double]

    /// Builds a model from a dense distance matrix.
    ///
    /// - Parameters:
    ///   - origins: the origins, in any order; ids must be unique and weights finite and ≥ 0.
    ///   - destinations: the destinations, in any order; ids unique, attractiveness finite and > 0.
    ///   - distancesKm: `distancesKm[i][j]` is the distance in **kilometres** from `origins[i]` to
    ///     `destinations[j]` (in the order given here), finite and ≥ 0.
    ///   - decay: the distance-decay form (default power).
    ///   - minimumDistanceKm: the default minimum distance, > 0 (default 0.5 km).
    /// - Throws: ``HuffError/invalidInput(_:)`` listing every problem.
    public init(
        origins: [HuffOrigin], destinations: [HuffDestination], distancesKm: [[Double]],
        decay: HuffDecay = .power, minimumDistanceKm: Double = 0.5
    ) throws {
        var problems: [String] = []
        if origins.isEmpty { problems.append("there are no origins") }
        if destinations.isEmpty { problems.append("there are no destinations") }
        if !(minimumDistanceKm.isFinite && minimumDistanceKm > 0) {
            problems.append("minimum distance \(minimumDistanceKm) km must be finite and > 0")
        }
        for id in Self.duplicates(origins.map(\.id)) { problems.append("origin id '\(id)' appears more than once") }
        for id in Self.duplicates(destinations.map(\.id)) { problems.append("destination id '\(id)' appears more than once") }
        for o in origins {
            if !(o.weight.isFinite && o.weight >= 0) {
                problems.append("origin '\(o.id)': weight \(o.weight) must be finite and ≥ 0")
            }
            if let m = o.minimumDistanceKm, !(m.isFinite && m > 0) {
                problems.append("origin '\(o.id)': minimum distance \(m) km must be finite and > 0")
            }
        }
        for d in destinations where !(d.attractiveness.isFinite && d.attractiveness > 0) {
            problems.append("destination '\(d.id)': attractiveness \(d.attractiveness) must be finite and > 0")
        }
        if distancesKm.count != origins.count {
            problems.append("the distance matrix has \(distancesKm.count) rows for \(origins.count) origins")
        } else {
            var bad: [String] = []
            for (i, row) in distancesKm.enumerated() {
                if row.count != destinations.count {
                    problems.append("distance row of origin '\(origins[i].id)' has \(row.count) values for \(destinations.count) destinations")
                    continue
                }
                for (j, d) in row.enumerated() where !(d.isFinite && d >= 0) {
                    bad.append("\(origins[i].id) → \(destinations[j].id): \(d)")
                }
            }
            if !bad.isEmpty {
                problems.append("\(bad.count) distance\(bad.count == 1 ? "" : "s") not finite and ≥ 0: " + HuffError.listed(bad))
            }
        }
        guard problems.isEmpty else { throw HuffError.invalidInput(problems) }

        let originOrder = origins.indices.sorted { origins[$0].id < origins[$1].id }
        let destinationOrder = destinations.indices.sorted { destinations[$0].id < destinations[$1].id }
        self.origins = originOrder.map { origins[$0] }
        self.destinations = destinationOrder.map { destinations[$0] }
        self.decay = decay
        self.minimumDistanceKm = minimumDistanceKm
        self.logAttractiveness = self.destinations.map { Foundation.log($0.attractiveness) }
        var term: [Double] = []
        term.reserveCapacity(origins.count * destinations.count)
        for i in originOrder {
            let floor = origins[i].minimumDistanceKm ?? minimumDistanceKm
            for j in destinationOrder {
                let d = max(distancesKm[i][j], floor)
                term.append(decay == .power ? Foundation.log(d) : d)
            }
        }
        self.distanceTerm = term
    }

    /// Builds a model from a distance function, called once per origin × destination pair.
    ///
    /// - Parameter distanceKm: the distance in **kilometres** from an origin to a destination
    ///   (e.g. the straight line from an area's population-weighted centroid to a hospital,
    ///   metres / 1000).
    public init(
        origins: [HuffOrigin], destinations: [HuffDestination], decay: HuffDecay = .power,
        minimumDistanceKm: Double = 0.5, distanceKm: (HuffOrigin, HuffDestination) -> Double
    ) throws {
        let matrix = origins.map { o in destinations.map { distanceKm(o, $0) } }
        try self.init(
            origins: origins, destinations: destinations, distancesKm: matrix, decay: decay,
            minimumDistanceKm: minimumDistanceKm)
    }

    /// The index of the origin with `id`, or nil.
    public func originIndex(_ id: String) -> Int? { Self.sortedIndex(origins, id, \.id) }

    /// The index of the destination with `id`, or nil.
    public func destinationIndex(_ id: String) -> Int? { Self.sortedIndex(destinations, id, \.id) }

    /// The probabilities, expected patients and market shares for attractiveness exponent `alpha`
    /// and decay parameter `beta`.
    ///
    /// Expected patients of destination j: Eⱼ = Σᵢ wᵢ·Pᵢⱼ. Market share: Eⱼ / Σᵢ wᵢ (nil when every
    /// weight is 0). Since each row of P sums to 1, Σⱼ Eⱼ = Σᵢ wᵢ.
    ///
    /// - Throws: ``HuffError/invalidInput(_:)`` when α or β is negative or not finite.
    public func evaluate(alpha: Double, beta: Double) throws -> HuffResult {
        var problems: [String] = []
        if !(alpha.isFinite && alpha >= 0) { problems.append("α = \(alpha) must be finite and ≥ 0") }
        if !(beta.isFinite && beta >= 0) { problems.append("β = \(beta) must be finite and ≥ 0") }
        guard problems.isEmpty else { throw HuffError.invalidInput(problems) }

        let n = origins.count, m = destinations.count
        var probabilities = [Double](repeating: 0, count: n * m)
        var expected = [Double](repeating: 0, count: m)
        probabilities.withUnsafeMutableBufferPointer { p in
            for i in 0..<n {
                fillProbabilities(origin: i, alpha: alpha, beta: beta, into: p, offset: i * m)
                let w = origins[i].weight
                for j in 0..<m { expected[j] += w * p[i * m + j] }
            }
        }
        let totalWeight = origins.reduce(0) { $0 + $1.weight }
        let rows = destinations.indices.map { j in
            HuffResult.Destination(
                id: destinations[j].id, attractiveness: destinations[j].attractiveness,
                expectedPatients: expected[j],
                marketShare: totalWeight > 0 ? expected[j] / totalWeight : nil)
        }
        return HuffResult(
            alpha: alpha, beta: beta, decay: decay, originIDs: origins.map(\.id), destinations: rows,
            probabilities: probabilities, totalWeight: totalWeight)
    }

    /// sᵢₖ = α·log Aₖ − β·hᵢₖ = log(Aₖ^α·f(dᵢₖ)); writes Pᵢₖ = exp(sᵢₖ − M) / Σ exp(sᵢₗ − M),
    /// M = maxₗ sᵢₗ, into `p[offset + k]`. No allocation.
    @inline(__always)
    func fillProbabilities(origin i: Int, alpha: Double, beta: Double, into p: UnsafeMutableBufferPointer<Double>, offset: Int) {
        let m = destinations.count, base = i * m
        var top = -Double.infinity
        for k in 0..<m { top = max(top, alpha * logAttractiveness[k] - beta * distanceTerm[base + k]) }
        var z = 0.0
        for k in 0..<m {
            let e = Foundation.exp(alpha * logAttractiveness[k] - beta * distanceTerm[base + k] - top)
            p[offset + k] = e
            z += e
        }
        for k in 0..<m { p[offset + k] /= z }
    }
}

/// The Huff model evaluated for one (α, β).
public struct HuffResult: Sendable, Hashable {
    /// One destination's expected patients and market share.
    public struct Destination: Sendable, Hashable {
        public let id: String
        public let attractiveness: Double
        /// Eⱼ = Σᵢ wᵢ·Pᵢⱼ.
        public let expectedPatients: Double
        /// Eⱼ / Σᵢ wᵢ; nil when every origin weight is 0.
        public let marketShare: Double?
    }

    public let alpha: Double
    public let beta: Double
    public let decay: HuffDecay
    /// Origin ids, sorted: the rows of ``probabilities``.
    public let originIDs: [String]
    /// Destinations sorted by id: the columns of ``probabilities``.
    public let destinations: [Destination]
    /// Pᵢⱼ, row-major (origin i, destination j at `i * destinations.count + j`); each row sums to 1.
    public let probabilities: [Double]
    /// Σᵢ wᵢ.
    public let totalWeight: Double

    /// Pᵢⱼ by index (origins and destinations in id order).
    public func probability(origin i: Int, destination j: Int) -> Double {
        probabilities[i * destinations.count + j]
    }

    /// Pᵢⱼ by id, or nil when either id is unknown.
    public func probability(originID: String, destinationID: String) -> Double? {
        guard let i = HuffModel.sortedIndex(originIDs, originID, \.self),
              let j = HuffModel.sortedIndex(destinations, destinationID, \.id) else { return nil }
        return probability(origin: i, destination: j)
    }

    /// The row of origin `i`: its probabilities for every destination, in id order.
    public func row(_ i: Int) -> ArraySlice<Double> {
        let m = destinations.count
        return probabilities[(i * m)..<((i + 1) * m)]
    }
}

extension HuffModel {
    /// Binary search in an array sorted by `key`.
    static func sortedIndex<T>(_ list: [T], _ id: String, _ key: KeyPath<T, String>) -> Int? {
        var lo = 0, hi = list.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if list[mid][keyPath: key] < id { lo = mid + 1 } else { hi = mid }
        }
        return lo < list.count && list[lo][keyPath: key] == id ? lo : nil
    }

    /// The values occurring more than once, sorted.
    static func duplicates(_ ids: [String]) -> [String] {
        var seen = Set<String>(), repeated = Set<String>()
        for id in ids where !seen.insert(id).inserted { repeated.insert(id) }
        return repeated.sorted()
    }
}
