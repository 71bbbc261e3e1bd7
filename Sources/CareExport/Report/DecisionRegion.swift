import CareAtlas
import CarePrivacy
import CareGeometry

/// The region a meeting decides about, whose extent the interactive map opens on and the QGIS
/// project is saved with: the widest stage of the study's first plan; without stages, the
/// catchment that holds most patients; without either, the areas with patients.
enum DecisionRegion {
    /// The extent in the study's metric CRS, grown by 5 % on each side; nil when nothing qualifies.
    static func extent(_ r: StudyResults) -> Envelope? {
        extent(scenarios: r.scenarios, level: r.level, shares: r.shares) {
            r.areas.filter { $0.patients ?? ($0.patientsHidden ? 1 : 0) > 0 }.map(\.geometry)
        }
    }

    /// The extent from the plans and the catchments; `withPatients` gives the areas with patients
    /// (published) where there are neither.
    static func extent(scenarios: ScenarioAnalysis?, level: AreaLevel, shares: PatientShareAnalysis, withPatients: () -> [Geometry]) -> Envelope? {
        var geometries: [Geometry] = []
        if let plan = scenarios.flatMap({ $0.level == level ? $0.plans.first : nil }), let widest = plan.stages.last {
            geometries = [widest.geometry]
        } else if let c = shares.catchments.max(by: { ($0.patients, $0.contiguous ? 1 : 0) < ($1.patients, $1.contiguous ? 1 : 0) }) {
            geometries = [c.geometry]
        } else {
            geometries = withPatients()
        }
        var extent: Envelope?
        for g in geometries {
            guard let b = g.boundingBox else { continue }
            if var e = extent { e.expand(toInclude: b); extent = e } else { extent = b }
        }
        guard var e = extent else { return nil }
        let dx = (e.maxX - e.minX) * 0.05, dy = (e.maxY - e.minY) * 0.05
        e = Envelope(minX: e.minX - dx, minY: e.minY - dy, maxX: e.maxX + dx, maxY: e.maxY + dy)
        return e
    }
}
