import CareAtlas
import CarePrivacy
import CareFormats
import CareGeometry
import Foundation

/// Writes the Huff model (fit and hospital shares) and the plurality service areas.
///
/// Files: `huff_fit.csv` (parameter, value), `huff_hospitals.csv`, `huff_areas.csv` (probability of
/// each hospital per area), and, with a flow table, `service_areas.csv`, `service_area_origins.csv`,
/// `service_areas.geojson`. When the Huff model could not run (a single hospital), `huff_fit.csv`
/// says why and the other Huff files are left out; the service areas are written all the same.
public enum HospitalCatchmentExport {
    /// The Huff files and the service areas of a run.
    public static func write(run: StudyRun, excel: Bool, to folder: inout OutputFolder) throws {
        switch run.huff {
        case let .available(h)?: try writeHuff(model: run.model, hospitals: h, excel: excel, to: &folder)
        case let .unavailable(reason, _)?:
            var fit = Table(title: "Huff model fit", header: ["parameter", "value"])
            if let h = run.options.huff {
                fit.rows += [["decay", h.decay.rawValue], ["attractiveness", h.attractiveness]]
            }
            fit.rows += [["level", run.level.rawValue], ["status", "not available: \(reason)"]]
            try folder.write("huff_fit.csv", fit.csv(excel: excel))
        case nil: break
        }
        if let sa = run.serviceAreas, let d = run.serviceAreaDisclosure {
            try writeServiceAreas(model: run.model, sa, disclosure: d, level: run.level, excel: excel, to: &folder)
        }
    }

    static func writeHuff(model: StudyModel, hospitals h: HospitalCatchments, excel: Bool, to folder: inout OutputFolder) throws {
        let huff = h.huff
        var fit = Table(title: "Huff model fit", header: ["parameter", "value"])
        func row(_ name: String, _ value: String) { fit.rows.append([name, value]) }
        row("decay", huff.decay.rawValue)
        row("attractiveness", h.attractivenessField)
        row("level", h.level.rawValue)
        row("origins_without_aged65", String(h.originsWithoutData.count))
        if let f = h.fit {
            row("alpha", Format.number(f.alpha, decimals: 6))
            row("alpha_se", Format.number(f.standardErrorAlpha, decimals: 6))
            row("alpha_fixed", f.alphaFixed ? "yes" : "no")
            row("beta", Format.number(f.beta, decimals: 6))
            row("beta_se", Format.number(f.standardErrorBeta, decimals: 6))
            row("kappa", Format.number(f.kappa, decimals: 9))
            row("log_likelihood", Format.number(f.logLikelihood, decimals: 6))
            row("null_log_likelihood", Format.number(f.nullLogLikelihood, decimals: 6))
            row("mcfadden_r2", Format.number(f.mcFaddenR2, decimals: 6))
            row("origins", String(f.origins))
            row("origins_with_patients", String(f.originsWithPatients))
            row("status", f.status.rawValue)
            row("iterations", String(f.iterations))
        } else {
            row("alpha", Format.number(huff.alpha, decimals: 6))
            row("beta", Format.number(huff.beta, decimals: 6))
            row("status", "not fitted: \(h.fitProblem ?? "")")
        }
        try folder.write("huff_fit.csv", fit.csv(excel: excel))

        let names = Dictionary(uniqueKeysWithValues: model.institutions.map { ($0.id, $0.name) })
        // Expected patients: κ̂ Σᵢ wᵢ Pᵢⱼ, every hospital drawing patients at the anchor's fitted rate
        // (for the anchor this equals its observed patients in the study areas).
        var hospitals = Table(title: "Huff market shares",
                              header: ["institution_id", "name", h.attractivenessField, "expected_aged65_share_percent", "expected_patients"])
        for d in huff.destinations {
            hospitals.rows.append([d.id, names[d.id] ?? "", Format.number(d.attractiveness, decimals: 1), Format.percent(d.marketShare),
                                   Format.number(h.fit.map { $0.kappa * d.expectedPatients }, decimals: 1)])
        }
        try folder.write("huff_hospitals.csv", hospitals.csv(excel: excel))

        var areas = Table(title: "Huff probabilities", header: ["area_code", "area_name"] + huff.destinations.map { "p_\($0.id)" })
        for (i, id) in huff.originIDs.enumerated() {
            areas.rows.append([id, model.area(id, at: h.level)?.name ?? ""] + huff.row(i).map { Format.number($0, decimals: 6) })
        }
        try folder.write("huff_areas.csv", areas.csv(excel: excel))
    }

    /// The plurality service areas, hidden as `disclosure` says: small counts, what a shown total
    /// would give back, and every index made of a hidden count.
    static func writeServiceAreas(
        model: StudyModel, _ sa: ServiceAreas, disclosure: ServiceAreaDisclosure, level: AreaLevel, excel: Bool, to folder: inout OutputFolder
    ) throws {
        let policy = disclosure.policy
        let names = Dictionary(uniqueKeysWithValues: model.institutions.map { ($0.id, $0.name) })
        func count(_ n: Int, _ hidden: Bool) -> String { policy.label(n, secondary: hidden) }
        var table = Table(title: "Plurality service areas",
                          header: ["institution_id", "name", "origins", "resident_patients", "local_patients", "hospital_patients",
                                   "localization_index", "market_share_index", "origin_codes"])
        for (a, m) in zip(sa.areas, disclosure.areas) {
            let shown = m.indicesShown && ![a.residentPatients, a.localPatients, a.hospitalPatients].contains(where: policy.isSmall)
            table.rows.append([a.hospitalID, names[a.hospitalID] ?? "", String(m.publishedOriginIDs.count), count(a.residentPatients, m.residentHidden),
                               count(a.localPatients, m.localHidden), count(a.hospitalPatients, m.hospitalHidden),
                               shown ? Format.number(a.localizationIndex, decimals: 4) : "", shown ? Format.number(a.marketShareIndex, decimals: 4) : "",
                               m.publishedOriginIDs.joined(separator: " ")])
        }
        try folder.write("service_areas.csv", table.csv(excel: excel))

        var origins = Table(title: "Service-area assignment", header: ["area_code", "area_name", "patients", "institution_id", "patients_at_institution", "relevance_index", "tied_with"])
        for (o, m) in zip(sa.origins, disclosure.origins) {
            let shown = !m.patientsHidden && !m.atHospitalHidden
            // A withheld assignment leaves the hospital, its count, the index and the ties empty.
            let w = m.assignmentWithheld
            origins.rows.append([o.id, model.area(o.id, at: level)?.name ?? "", count(o.patients, m.patientsHidden), w ? "" : o.hospitalID ?? "",
                                 w ? "" : count(o.patientsAtHospital, m.atHospitalHidden), shown && !w ? Format.number(o.relevanceIndex, decimals: 4) : "",
                                 w ? "" : o.tiedHospitalIDs.joined(separator: " ")])
        }
        try folder.write("service_area_origins.csv", origins.csv(excel: excel))

        let features: [(Geometry?, JSONObject)] = try zip(sa.areas, disclosure.areas).compactMap { a, m in
            let members = m.publishedOriginIDs.compactMap { model.area($0, at: level) }
            guard !members.isEmpty else { return nil }
            let geometry = try model.geometryStep("the union of the service area of \(a.hospitalID)", areas: members) {
                try Geometry.union(members.map(\.geometry))
            }
            return (geometry, ["institution_id": .string(a.hospitalID), "name": .string(names[a.hospitalID] ?? ""),
                               "origins": .number(Double(members.count))])
        }
        try folder.write("service_areas.geojson", Layers.geojson("service_areas", crs: model.crs, features))
    }
}
