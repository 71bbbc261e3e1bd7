import CareGeometry
import Foundation

/// The Huff model and plurality service areas applied to a study: origins are the areas of a
/// level (weight: population aged 65+), destinations the institutions of the chosen kinds with a
/// positive attractiveness field (beds by default), distances straight lines from the areas'
/// population-weighted centroids, in km — or, with the study's travel-time cost (``StudyCosts``),
/// travel times in minutes (d in minutes, each area's minimum 1 minute); the model then needs a time
/// for every area–destination pair and is unavailable, with the count, when some have no route.
public struct HospitalCatchments: Sendable {
    /// The fit of α and β to the anchor's patient origins; nil when it could not be fitted (see
    /// ``fitProblem``).
    public let fit: HuffFit?
    public let fitProblem: String?
    /// Probabilities at the fitted α, β (or at α = 1, β = 2 when the fit failed, as stated in
    /// ``fitProblem``).
    public let huff: HuffResult
    public let attractivenessField: String
    public let level: AreaLevel
    /// Plurality service areas, when the study has a flow table.
    public let serviceAreas: ServiceAreas?
    /// Origins without a 65+ population (no data): weight 0 in the expected shares and left out of
    /// the fit (their patients are not fitted against an unknown population), sorted.
    public var originsWithoutData: [String] = []

    /// - Parameters:
    ///   - attractiveness: capacity field of the destinations (e.g. `beds`, `pcu_beds`).
    ///   - kinds: institution kinds that are destinations (default `hospital`).
    public static func analyse(
        _ model: StudyModel, level: AreaLevel = .municipality, attractiveness: String = "beds", kinds: [String] = ["hospital"],
        decay: HuffDecay = .power, costs: StudyCosts? = nil
    ) throws -> HospitalCatchments {
        guard let areas = model.areas[level] else {
            throw AnalysisError("the study has no \(level.rawValue) areas", fix: "choose a level the study has")
        }
        let destinations = model.institutions.filter { kinds.contains($0.kind) && ($0.capacity[attractiveness] ?? 0) > 0 }
        guard destinations.count >= 2 else {
            throw AnalysisError("needs at least two institutions of kind \(kinds.joined(separator: ", ")) with \(attractiveness) > 0; found \(destinations.count)",
                                fix: "add the other hospitals of the region, or choose the kinds and the capacity field (e.g. beds) the study has")
        }
        let origins = areas.map {
            HuffOrigin(id: $0.id, weight: $0.population["aged65"] ?? 0,
                       // The mean distance from a point of a disc of the area's size to its centre;
                       // with travel times, one minute.
                       minimumDistanceKm: costs != nil ? 1 : max(0.1, 2.0 / 3.0 * ($0.areaKm2 / Double.pi).squareRoot()))
        }
        let sites = Dictionary(uniqueKeysWithValues: destinations.map { ($0.id, $0.position) })
        let institutionIndex = Dictionary(uniqueKeysWithValues: model.institutions.enumerated().map { ($1.id, $0) })
        if let costs {
            // No route is never a number: the model needs every pair.
            let missing = areas.indices.reduce(0) { sum, i in
                sum + destinations.filter { costs.minutes(level: level, area: i, institution: institutionIndex[$0.id]!) == nil }.count
            }
            if missing > 0 {
                throw AnalysisError("the Huff model needs a travel time for every area–hospital pair; \(missing) of \(areas.count * destinations.count) have no route",
                                    fix: "raise cost.network.cutoff_minutes (or give the pairs in the table)")
            }
        }
        // One row per area (the origins, in the same order), one column per destination: km, or
        // minutes with a travel-time cost.
        let distancesKm = areas.enumerated().map { i, area in
            destinations.map { d in
                if let costs { return costs.minutes(level: level, area: i, institution: institutionIndex[d.id]!)! }
                return hypot(area.weightedCentroid.x - d.position.x, area.weightedCentroid.y - d.position.y) / 1000
            }
        }
        let model_ = try HuffModel(
            origins: origins, destinations: destinations.map { HuffDestination(id: $0.id, attractiveness: $0.capacity[attractiveness] ?? 0) },
            distancesKm: distancesKm, decay: decay)
        var fit: HuffFit? = nil
        var problem: String? = nil
        if let anchor = model.anchor, sites[anchor.id] != nil {
            // Only origins with a 65+ population enter the fit: patients at an origin without data
            // would otherwise read as patients drawn from nobody.
            let observed = Dictionary(uniqueKeysWithValues: areas.filter { $0.population["aged65"] != nil }.map { ($0.id, Double($0.patients ?? 0)) })
            do { fit = try model_.fit(anchorID: anchor.id, observedPatients: observed) } catch { problem = "\(error)" }
        } else {
            problem = "the anchor is not one of the destinations (kind \(kinds.joined(separator: ", ")) with \(attractiveness) > 0)"
        }
        let huff = try model_.evaluate(alpha: fit?.alpha ?? 1, beta: fit?.beta ?? 2)
        var serviceAreas: ServiceAreas? = nil
        if !model.flows.isEmpty {
            serviceAreas = ServiceAreas(flows: model.flows, originIDs: areas.map(\.id))
        }
        var result = HospitalCatchments(fit: fit, fitProblem: problem.map { "\($0); probabilities use α = 1, β = 2" }, huff: huff,
                                        attractivenessField: attractiveness, level: level, serviceAreas: serviceAreas)
        result.originsWithoutData = areas.filter { $0.population["aged65"] == nil }.map(\.id)
        return result
    }
}
