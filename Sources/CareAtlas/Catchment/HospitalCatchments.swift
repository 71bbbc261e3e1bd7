import CareGeometry
import Foundation

/// The Huff model and plurality service areas applied to a study: origins are the areas of a
/// level (weight: population aged 65+), destinations the institutions of the chosen kinds with a
/// positive attractiveness field (beds by default), distances straight lines from the areas'
/// population-weighted centroids, in km.
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

    /// - Parameters:
    ///   - attractiveness: capacity field of the destinations (e.g. `beds`, `pcu_beds`).
    ///   - kinds: institution kinds that are destinations (default `hospital`).
    public static func analyse(
        _ model: StudyModel, level: AreaLevel = .municipality, attractiveness: String = "beds", kinds: [String] = ["hospital"],
        decay: HuffDecay = .power
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
                       // The mean distance from a point of a disc of the area's size to its centre.
                       minimumDistanceKm: max(0.1, 2.0 / 3.0 * ($0.areaKm2 / Double.pi).squareRoot()))
        }
        let sites = Dictionary(uniqueKeysWithValues: destinations.map { ($0.id, $0.position) })
        // One row per area (the origins, in the same order), one column per destination: km.
        let distancesKm = areas.map { area in
            destinations.map { d in hypot(area.weightedCentroid.x - d.position.x, area.weightedCentroid.y - d.position.y) / 1000 }
        }
        let model_ = try HuffModel(
            origins: origins, destinations: destinations.map { HuffDestination(id: $0.id, attractiveness: $0.capacity[attractiveness] ?? 0) },
            distancesKm: distancesKm, decay: decay)
        var fit: HuffFit? = nil
        var problem: String? = nil
        if let anchor = model.anchor, sites[anchor.id] != nil {
            let observed = Dictionary(uniqueKeysWithValues: areas.map { ($0.id, Double($0.patients ?? 0)) })
            do { fit = try model_.fit(anchorID: anchor.id, observedPatients: observed) } catch { problem = "\(error)" }
        } else {
            problem = "the anchor is not one of the destinations (kind \(kinds.joined(separator: ", ")) with \(attractiveness) > 0)"
        }
        let huff = try model_.evaluate(alpha: fit?.alpha ?? 1, beta: fit?.beta ?? 2)
        var serviceAreas: ServiceAreas? = nil
        if !model.flows.isEmpty {
            serviceAreas = ServiceAreas(flows: model.flows, originIDs: areas.map(\.id))
        }
        return HospitalCatchments(fit: fit, fitProblem: problem.map { "\($0); probabilities use α = 1, β = 2" }, huff: huff,
                                  attractivenessField: attractiveness, level: level, serviceAreas: serviceAreas)
    }
}
