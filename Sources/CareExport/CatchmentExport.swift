import CareAtlas
import CarePrivacy
import CareFormats
import CareGeometry
import Foundation

/// Writes the catchment analyses (patient-share catchments, penetration, groups, distance rings,
/// nearest-institution cells and nearest distances) as CSV tables and GeoJSON layers.
///
/// Files (documented in geodata/README.md, "Outputs"):
/// `catchment_ranking.csv`, `catchment_summary.csv`, `catchment_groups.csv`, `distance_rings.csv`,
/// `nearest_cells.csv`, `nearest_distances.csv`, and the layers `catchment_areas.geojson`,
/// `catchments.geojson`, `distance_rings.geojson`, `nearest_cells.geojson`, `institutions.geojson`.
public enum CatchmentExport {
    public static func write(
        model: StudyModel, shares: PatientShareAnalysis, distances: DistanceCatchments, disclosure: Disclosure,
        excel: Bool, to folder: inout OutputFolder
    ) throws {
        let policy = disclosure.policy
        let notice = policy.isSuppressing ? nil : SmallCellPolicy.internalNotice
        func table(_ name: String, _ t: Table) throws {
            var t = t
            if let notice { t.rows.append([notice] + Array(repeating: "", count: t.header.count - 1)) }
            try folder.write(name, t.csv(excel: excel))
        }

        // Ranking with penetration.
        var ranking = Table(
            title: "Patient-share ranking (\(shares.level.rawValue))",
            header: ["rank", "area_code", "area_name", "group", "patients", "share_percent", "cumulative_share_percent",
                     "distance_km", "aged65", "penetration_per_10k_aged65", "ci95_lower_per_10k", "ci95_upper_per_10k"])
        // Published order: shown areas by rank, then hidden areas by code without a rank; the
        // cumulative share runs over the shown areas only (see Disclosure.publishedRanking).
        let published = disclosure.publishedRanking(shares.ranking)
        var shownCumulative = 0
        for (r, rank) in published {
            if rank != nil { shownCumulative += r.patients }
            let cumulative = policy.isSuppressing ? Double(shownCumulative) / Double(max(1, shares.totalPatients)) : r.cumulativeShare
            ranking.rows.append([
                rank.map(String.init) ?? "", r.areaID, r.name, r.group ?? "", String(r.patients), Format.percent(r.share),
                Format.percent(cumulative), Format.number(r.distanceKm, decimals: 3),
                Format.count(r.penetration?.population), Format.number(r.penetration?.rate, decimals: 2),
                Format.number(r.penetration?.lower, decimals: 2), Format.number(r.penetration?.upper, decimals: 2),
            ])
        }
        // The outside bucket is a cell of the same line (areas + outside = total).
        ranking.rows.append(["", "", "（対象地域外・不明）outside the study areas", "", String(shares.outsidePatients),
                             Format.percent(Double(shares.outsidePatients) / Double(max(1, shares.totalPatients))), "", "", "", "", "", ""])
        suppress(&ranking, mask: published.map { disclosure.isHidden($0.area.areaID) } + [disclosure.outsideHidden],
                 counts: published.map(\.area.patients) + [shares.outsidePatients], countColumn: 4,
                 dependentColumns: [5, 6, 9, 10, 11], policy: policy)
        ranking.rows.append(["", "", "合計 total", "", policy.label(shares.totalPatients), "100.00", "", "", "", "", "", ""])
        try table("catchment_ranking.csv", ranking)

        // Catchment summary.
        let kinds = Set(model.institutions.map(\.kind)).sorted()
        var summary = Table(
            title: "Patient-share catchments",
            header: ["target_share_percent", "method", "reached", "areas", "patients", "share_percent", "population", "aged65", "area_km2"]
                + kinds.map { "institutions_\($0)" } + ["area_codes"])
        let hiddenCatchments = disclosure.catchmentMask(shares)
        for (c, hidden) in zip(shares.catchments, hiddenCatchments) {
            summary.rows.append([
                Format.percent(c.targetShare, decimals: 0), c.contiguous ? "contiguous" : "unconstrained", c.reached ? "yes" : "no",
                String(c.areaIDs.count), policy.label(c.patients, secondary: hidden), hidden ? "" : Format.percent(c.share),
                Format.count(c.population),
                Format.count(c.aged65), Format.number(c.areaKm2, decimals: 3),
            ] + kinds.map { String(c.institutionsByKind[$0] ?? 0) } + [c.areaIDs.joined(separator: " ")])
        }
        try table("catchment_summary.csv", summary)

        // Groups (二次医療圏).
        var groups = Table(
            title: "Patients by group",
            header: ["grouping", "group", "patients", "share_percent", "aged65", "penetration_per_10k_aged65",
                     "ci95_lower_per_10k", "ci95_upper_per_10k"])
        for g in shares.groups {
            groups.rows.append([g.grouping, g.name, String(g.patients), Format.percent(g.share), Format.count(g.penetration?.population),
                                Format.number(g.penetration?.rate, decimals: 2), Format.number(g.penetration?.lower, decimals: 2),
                                Format.number(g.penetration?.upper, decimals: 2)])
        }
        let groupTotal = shares.groups.reduce(0) { $0 + $1.patients }
        groups.rows.append(["", "（その他・対象地域外）other or outside", String(shares.totalPatients - groupTotal),
                            Format.percent(Double(shares.totalPatients - groupTotal) / Double(max(1, shares.totalPatients))), "", "", "", ""])
        suppress(&groups, mask: disclosure.groupMask(shares), counts: shares.groups.map(\.patients) + [shares.totalPatients - groupTotal],
                 countColumn: 2, dependentColumns: [3, 5, 6, 7], policy: policy)
        try table("catchment_groups.csv", groups)

        // Distance rings.
        let measures = Set(distances.rings.flatMap(\.covered.keys)).sorted()
        var rings = Table(title: "Population within distance of \(distances.kinds.joined(separator: ", "))",
                          header: ["radius_km"] + measures.flatMap { ["\($0)_covered", "\($0)_covered_percent"] })
        for r in distances.rings {
            rings.rows.append([Format.number(r.radiusKm, decimals: 1)]
                + measures.flatMap { [Format.number(r.covered[$0], decimals: 1), Format.percent(r.coveredShare[$0])] })
        }
        try table("distance_rings.csv", rings)

        var cells = Table(title: "Nearest-institution cells",
                          header: ["institution_id", "name", "kind", "area_km2"] + measures.map { "\($0)_covered" })
        for c in distances.cells {
            cells.rows.append([c.institutionID, c.name, c.kind, Format.number(c.areaKm2, decimals: 3)]
                + measures.map { Format.number(c.covered[$0], decimals: 1) })
        }
        try table("nearest_cells.csv", cells)

        let nearestKinds = Set(distances.nearest.flatMap(\.distanceKm.keys)).sorted()
        var nearest = Table(title: "Distance to the nearest institution",
                            header: ["area_code", "area_name"] + nearestKinds.flatMap { ["nearest_\($0)_km", "nearest_\($0)_id"] })
        for n in distances.nearest {
            nearest.rows.append([n.areaID, model.area(n.areaID, at: n.level)?.name ?? ""]
                + nearestKinds.flatMap { [Format.number(n.distanceKm[$0], decimals: 3), n.institutionID[$0] ?? ""] })
        }
        try table("nearest_distances.csv", nearest)

        // Layers.
        let rankByID = Dictionary(uniqueKeysWithValues: shares.ranking.map { ($0.areaID, $0) })
        let publishedRank = Dictionary(uniqueKeysWithValues: published.map { ($0.area.areaID, $0.rank) })
        let nearestByID = Dictionary(uniqueKeysWithValues: distances.nearest.map { ($0.areaID, $0) })
        var areaFeatures: [(Geometry?, JSONObject)] = []
        for a in model.areas[shares.level] ?? [] {
            var o = Layers.areaProperties(a)
            let r = rankByID[a.id]
            let hidden = disclosure.isHidden(a.id)
            Layers.count(r?.patients, hidden: hidden, key: "patients", policy: policy, into: &o)
            o["rank"] = (publishedRank[a.id] ?? nil).map { .number(Double($0)) } ?? .null
            o["share_percent"] = hidden ? .null : Layers.number(r.map { $0.share * 100 }, decimals: 4)
            o["penetration_per_10k_aged65"] = hidden ? .null : Layers.number(r?.penetration?.rate, decimals: 4)
            for k in nearestKinds { o["nearest_\(k)_km"] = Layers.number(nearestByID[a.id]?.distanceKm[k], decimals: 4) }
            for c in shares.catchments {
                o["in_\(Int((c.targetShare * 100).rounded()))_\(c.contiguous ? "contiguous" : "unconstrained")"] = .bool(c.areaIDs.contains(a.id))
            }
            if let notice { o["notice"] = .string(notice) }
            areaFeatures.append((a.geometry, o))
        }
        try folder.write("catchment_areas.geojson", Layers.geojson("catchment_areas", crs: model.crs, areaFeatures))

        try folder.write("catchments.geojson", Layers.geojson("catchments", crs: model.crs, catchmentFeatures(shares, disclosure: disclosure)))

        let ringFeatures: [(Geometry?, JSONObject)] = distances.rings.map { r in
            var o: JSONObject = ["radius_km": .number(r.radiusKm)]
            for m in measures { o["\(m)_covered"] = Layers.number(r.covered[m], decimals: 1) }
            return (r.band, o)
        }
        try folder.write("distance_rings.geojson", Layers.geojson("distance_rings", crs: model.crs, ringFeatures))

        let cellFeatures: [(Geometry?, JSONObject)] = distances.cells.map { c in
            var o: JSONObject = ["institution_id": .string(c.institutionID), "name": .string(c.name), "kind": .string(c.kind),
                                 "area_km2": Layers.number(c.areaKm2, decimals: 4)]
            for m in measures { o["\(m)_covered"] = Layers.number(c.covered[m], decimals: 1) }
            return (c.geometry, o)
        }
        try folder.write("nearest_cells.geojson", Layers.geojson("nearest_cells", crs: model.crs, cellFeatures))
        try folder.write("institutions.geojson", institutionsLayer(model, policy: policy))
    }

    /// The catchment polygons with their figures (small counts and what reveals them hidden).
    public static func catchmentFeatures(_ shares: PatientShareAnalysis, disclosure: Disclosure) -> [(Geometry?, JSONObject)] {
        let policy = disclosure.policy
        let notice = policy.isSuppressing ? nil : SmallCellPolicy.internalNotice
        return zip(shares.catchments, disclosure.catchmentMask(shares)).map { c, hidden in
            var o: JSONObject = ["target_share_percent": .number((c.targetShare * 100).rounded()),
                                 "method": .string(c.contiguous ? "contiguous" : "unconstrained"), "reached": .bool(c.reached),
                                 "areas": .number(Double(c.areaIDs.count)), "share_percent": hidden ? .null : Layers.number(c.share * 100, decimals: 4),
                                 "area_km2": Layers.number(c.areaKm2, decimals: 4)]
            Layers.count(c.patients, hidden: hidden, key: "patients", policy: policy, into: &o)
            if let notice { o["notice"] = .string(notice) }
            return (c.geometry, o)
        }
    }

    /// Institutions as points with their areas and role (anchor, shared patients).
    public static func institutionsLayer(_ model: StudyModel, policy: SmallCellPolicy) throws -> Data {
        try Layers.geojson("institutions", crs: model.crs, institutionFeatures(model, policy: policy))
    }

    /// Institution points: id, name, kind, role (`anchor`, `partner` when it shares patients, else
    /// `other`), the codes of its areas, capacity and attributes, and shared patients (suppressed).
    public static func institutionFeatures(_ model: StudyModel, policy: SmallCellPolicy) throws -> [(Geometry?, JSONObject)] {
        try model.institutions.enumerated().map { k, inst in
            var o: JSONObject = ["id": .string(inst.id), "name": .string(inst.name), "kind": .string(inst.kind),
                                 "role": .string(k == model.anchorIndex ? "anchor" : (inst.sharedPatients ?? 0) > 0 ? "partner" : "other")]
            for level in model.levels { o["\(level.rawValue)_code"] = inst.areaIDs[level].map(JSONValue.string) ?? .null }
            for (name, value) in inst.capacity.sorted(by: { $0.key < $1.key }) { o[name] = Layers.number(value, decimals: 3) }
            for (name, value) in inst.attributes.sorted(by: { $0.key < $1.key }) { o[name] = .string(value) }
            Layers.count(inst.sharedPatients, hidden: inst.sharedPatients.map(policy.isSmall) ?? false, key: "shared_patients",
                         policy: policy, into: &o)
            if !policy.isSuppressing { o["notice"] = .string(SmallCellPolicy.internalNotice) }
            return (.point(try Point(inst.position)), o)
        }
    }
}
