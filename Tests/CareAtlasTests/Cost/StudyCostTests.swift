import CareGeometry
import Foundation
import Testing
import TestSupport

@testable import CareAtlas

/// A hand-made study on a hand-made road network, every answer computed here from the geometry:
///
///     lat 35.008   E ←──────────────── D     (one-way west: the loop back from F to A)
///                  ↓                   ↑
///     lat 35.005   A ──────→ B ──────→ F ─── C        I1 ──── I2
///               139.005   139.015  139.017 139.025  139.032  139.038
///
/// Five 0.01° squares in a row (areas 90001 … 90005, centroids at lon 139.005 … 139.045, lat
/// 35.005). All roads `primary` with `maxspeed=36` (10 m/s). A→B→F and F→D→E→A are one-way, F–C is
/// two-way; I1–I2 is an island (area 90004 reaches nothing); area 90005 is farther than 300 m from
/// every road (no data). H1 (the anchor, a hospital) stands at A; the home-care clinics K1 and K2
/// both at C (a tie); the visiting-nurse station X in area 90005, off the network.
@Suite struct StudyCostTests {
    static let v = 10.0  // m/s
    static let a = (lon: 139.005, lat: 35.005), b = (lon: 139.015, lat: 35.005), c = (lon: 139.025, lat: 35.005)
    static let d = (lon: 139.017, lat: 35.008), e = (lon: 139.005, lat: 35.008), f = (lon: 139.017, lat: 35.005)

    /// Haversine metres (R = 6,371,008.8 m), written out here.
    static func metres(_ p: (lon: Double, lat: Double), _ q: (lon: Double, lat: Double)) -> Double {
        let r = 6_371_008.8, rad = Double.pi / 180
        let dLat = (q.lat - p.lat) * rad, dLon = (q.lon - p.lon) * rad
        let h = sin(dLat / 2) * sin(dLat / 2) + cos(p.lat * rad) * cos(q.lat * rad) * sin(dLon / 2) * sin(dLon / 2)
        return 2 * r * asin(min(1, sqrt(h)))
    }
    static var ab: Double { metres(a, b) }
    static var bc: Double { metres(b, f) + metres(f, c) }
    static var back: Double { metres(f, d) + metres(d, e) + metres(e, a) }  // F → D → E → A
    static var loop: Double { metres(b, f) + back }  // B → F → D → E → A

    /// Writes the study into a new temporary folder; `cost` is the study's `cost:` block.
    static func writeStudy(cost: String, gaps: String = "{kinds: [homecare_clinic], capacity: slots, threshold_minutes: 2.5, within_minutes: 4}",
                           extraFiles: [String: String] = [:]) throws -> URL {
        let folder = try ScratchFolder.make("careatlas-cost")
        var features: [String] = []
        for k in 0..<5 {
            let x0 = 139.0 + 0.01 * Double(k), x1 = x0 + 0.01
            features.append("""
                {"type":"Feature","properties":{"code":"9000\(k + 1)","name":"区\(k + 1)"},"geometry":{"type":"Polygon","coordinates":[[[\(x0),35.0],[\(x1),35.0],[\(x1),35.01],[\(x0),35.01],[\(x0),35.0]]]}}
                """)
        }
        let files: [String: String] = [
            "areas.geojson": "{\"type\":\"FeatureCollection\",\"features\":[\(features.joined(separator: ","))]}",
            "population.csv": "code,total,aged65\n" + (1...5).map { "9000\($0),\($0 * 1000),\($0 * 100)" }.joined(separator: "\n") + "\n",
            "patients.csv": "code,count\n" + (1...5).map { "9000\($0),\($0 * 10)" }.joined(separator: "\n") + "\n",
            "institutions.csv": """
                id,name,kind,lon,lat,slots
                H1,病院,hospital,\(a.lon),\(a.lat),
                K1,診療所一,homecare_clinic,\(c.lon),\(c.lat),10
                K2,診療所二,homecare_clinic,\(c.lon),\(c.lat),10
                X,訪問看護,visiting_nurse,139.045,35.002,5

                """,
            "study.yaml": """
                study: {name: 道路網テスト, period: test, report_date: "2026-04-01"}
                crs: auto
                areas:
                  - {name: areas, file: areas.geojson, level: municipality, id: code, label: name}
                population:
                  - {file: population.csv, level: municipality, id: code, columns: {total: total, aged65: aged65}}
                patients: {file: patients.csv, code: code, count: count}
                institutions:
                  - {file: institutions.csv, id: id, name: name, kind: kind, lon: lon, lat: lat, capacity: {slots: slots}}
                anchor: H1
                \(cost)
                scenarios:
                  level: municipality
                  gaps: \(gaps)
                  plans:
                    - name: time
                      stages:
                        - {name: three, within_minutes: 3.5}

                """,
        ].merging(extraFiles) { _, new in new }
        for (name, text) in files { try Data(text.utf8).write(to: folder.appendingPathComponent(name)) }
        let nodes = [(1, a), (2, b), (3, c), (4, d), (5, e), (6, (lon: 139.032, lat: 35.005)), (7, (lon: 139.038, lat: 35.005)), (8, f)]
            .map { TestPBF.Node(id: Int64($0.0), lat: $0.1.lat, lon: $0.1.lon) }
        let road = ["highway": "primary", "maxspeed": "36"]
        let oneWay = road.merging(["oneway": "yes"]) { _, new in new }
        let ways = [TestPBF.Way(id: 1, refs: [1, 2, 8], tags: oneWay), TestPBF.Way(id: 2, refs: [8, 3], tags: road),
                    TestPBF.Way(id: 3, refs: [8, 4, 5, 1], tags: oneWay), TestPBF.Way(id: 4, refs: [6, 7], tags: road)]
        try TestPBF.encode(nodes: nodes, ways: ways).write(to: folder.appendingPathComponent("roads.osm.pbf"))
        return folder
    }

    static let networkCost = "cost: {network: {pbf: roads.osm.pbf, mode: car, cutoff_minutes: 30, max_snap_m: 300, cache: cache}}"

    static func load(_ folder: URL) throws -> StudyModel { try StudyLoader.load(folder.appendingPathComponent("study.yaml")) }

    /// Snap legs are not added and centroids lie within a metre of the road nodes: 0.5 s.
    static func close(_ minutes: Double?, seconds expected: Double) -> Bool {
        guard let minutes else { return false }
        return abs(minutes * 60 - expected) < 0.5
    }

    @Test func travelTimesOnTheHandNetwork() throws {
        let model = try Self.load(Self.writeStudy(cost: Self.networkCost))
        let costs = try #require(try StudyCosts.build(model))
        let inst = model.institutions.map(\.id)
        #expect(inst == ["H1", "K1", "K2", "X"])
        func t(_ area: Int, _ id: String) -> Double? { costs.minutes(level: .municipality, area: area, institution: inst.firstIndex(of: id)!) }
        // One-way loop: A → B is direct, B → A goes round B → F → D → E → A.
        #expect(Self.close(t(0, "H1"), seconds: 0))
        #expect(Self.close(t(1, "H1"), seconds: Self.loop / Self.v))
        #expect(Self.close(t(2, "H1"), seconds: (Self.metres(Self.c, Self.f) + Self.back) / Self.v))
        #expect(Self.close(t(0, "K1"), seconds: (Self.ab + Self.bc) / Self.v))
        #expect(Self.close(t(3 - 1, "K1"), seconds: 0))
        #expect(Self.close(t(1, "K2"), seconds: Self.bc / Self.v))
        #expect(t(1, "K1") == t(1, "K2"))  // the tie
        // The island reaches nothing: no route (not 0, not ∞); area 5 and X are off the network.
        #expect(inst.indices.allSatisfy { costs.minutes(level: .municipality, area: 3, institution: $0) == nil })
        #expect(costs.areasWithoutData[.municipality] == ["90005"])
        #expect(costs.institutionsWithoutData == ["X"])
        // 4 areas with data × 3 institutions with data = 12 pairs, 3 + 3 + 3 with a route (area 1 → all).
        #expect(costs.pairsWithoutRoute[.municipality] == 12 - 9)
        // The graph was cached in the named folder.
        let cached = try FileManager.default.contentsOfDirectory(atPath: model.spec.file.deletingLastPathComponent().appendingPathComponent("cache").path)
        #expect(cached == ["roads.osm.pbf.car.careatlas-graph"])
    }

    @Test func nearestGapsAccessAndStagesInMinutes() throws {
        let model = try Self.load(Self.writeStudy(cost: Self.networkCost))
        let run = try StudyAnalyses.compute(model)
        let costs = try #require(run.costs)
        // Nearest home-care clinic by time: the tie K1 = K2 goes to the lower id.
        let nearest = try run.nearest.get()
        #expect(nearest[1].minutesInstitutionID["homecare_clinic"] == "K1")
        #expect(Self.close(nearest[0].minutes["homecare_clinic"], seconds: (Self.ab + Self.bc) / Self.v))
        #expect(nearest[3].minutes.isEmpty && nearest[4].minutes.isEmpty)
        // 2SFCA at 2.5 min: K1 and K2 (10 each) are reached by areas 2 (91 s) and 3 (0 s), not by
        // area 1 (182 s): R = 10 / (200 + 300), A_2 = A_3 = 2 R = 0.04; the others have no supply.
        let gaps = try #require(try run.studyGaps?.get())
        #expect(gaps.access.cost == "network" && gaps.access.costUnit == "min")
        #expect(abs(gaps.access.score("90002")! - 0.04) < 1e-12 && abs(gaps.access.score("90003")! - 0.04) < 1e-12)
        #expect(gaps.access.score("90001") == nil && gaps.access.score("90004") == nil && gaps.access.score("90005") == nil)
        // Gaps: the island (two reasons, no route), then area 1 (no supply within 2.5 min; its
        // clinic at 3.0 min is within the 4-minute rule); area 5 has no travel times: not judged.
        #expect(gaps.gaps.gaps.map(\.areaID) == ["90004", "90001"])
        #expect(gaps.gaps.gaps[0].reasons == ["no supply within the access threshold", "no homecare_clinic within 4.0 min (no route)"])
        #expect(gaps.gaps.areasWithoutTravelTime == ["90005"])
        // Stage within 3.5 minutes of the anchor: areas 1 (0 s) and 2 (198 s), not 3 (249 s).
        #expect(Self.loop / Self.v < 210 && (Self.metres(Self.c, Self.f) + Self.back) / Self.v > 210)
        let stage = try run.scenarioAnalysis().plans[0].stages[0]
        #expect(stage.areaIDs == ["90001", "90002"])
        #expect(stage.rule == "within 3.5 min of the anchor")
        #expect(stage.notes == ["1 area has no route to the anchor (left out)", "1 area has no travel time (off the network; left out)"])
        _ = costs
    }

    @Test func driveTimeAreaOfTheAnchor() throws {
        let model = try Self.load(Self.writeStudy(cost: Self.networkCost))
        let costs = try StudyCosts.build(model)
        let areas = try DriveTimeAreas.compute(model, costs: costs, kinds: ["hospital"], minutes: [2])
        // Within 120 s of A: all of E → A (333.6 m, 33.4 s) and the last 86.6 s of D → E; nothing of
        // A → B (one-way away from A) or beyond D: 1,200 m of road, 10 m/s × 120 s. Then the
        // anchor's area for the stage "three" (within_minutes: 3.5), which reaches further.
        let zone = try #require(areas.zones.first)
        #expect(areas.zones.count == 2 && zone.institutionID == "H1" && zone.minutes == 2)
        #expect(areas.zones[1].stage == "three" && areas.zones[1].minutes == 3.5)
        // F is 176 s from A; the 34 s left reach 340 m back along B → F → … and 340 m along C → F.
        #expect(abs(areas.zones[1].roadKm - (Self.back + 2 * (210 * Self.v - Self.back)) / 1000) < 0.01)
        #expect(abs(zone.roadKm - 1.2) < 0.005)  // metres measured in the plane CRS
        let toMetric = try CoordinateTransform(from: .wgs84, to: model.crs)
        let pointA = try toMetric.transform(Coordinate(x: Self.a.lon, y: Self.a.lat))
        let pointB = try toMetric.transform(Coordinate(x: Self.b.lon, y: Self.b.lat))
        let prepared = try PreparedGeometry(zone.geometry)
        #expect(try prepared.covers(Geometry.point(Point(pointA))))
        #expect(try !prepared.covers(Geometry.point(Point(pointB))))
        // A 100 m buffer about an L of 1,200 m: between 2·100·1200 and that plus a disc.
        #expect(zone.areaKm2 > 0.24 && zone.areaKm2 < 0.24 + Double.pi * 0.01)
        // Beyond the cutoff, and without a network, there is no drive-time area.
        #expect(throws: AnalysisError.self) { try DriveTimeAreas.compute(model, costs: costs, minutes: [45]) }
        #expect(throws: AnalysisError("drive-time areas need a road network", fix: "add cost: {network: {pbf: roads.osm.pbf}} to the study")) {
            try DriveTimeAreas.compute(model, costs: nil)
        }
    }

    /// Huff in minutes needs every pair: the island (3 pairs), area 5 off the network (3) and X off
    /// the network (areas 1–3: 3) leave 9 of 5 × 3 without a route: unavailable, never 0 or ∞.
    @Test func huffNeedsEveryPair() throws {
        let model = try Self.load(Self.writeStudy(cost: Self.networkCost))
        let costs = try StudyCosts.build(model)
        #expect(throws: AnalysisError("the Huff model needs a travel time for every area–hospital pair; 9 of 15 have no route",
                                      fix: "raise cost.network.cutoff_minutes (or give the pairs in the table)")) {
            try HospitalCatchments.analyse(model, attractiveness: "slots", kinds: ["homecare_clinic", "visiting_nurse"], costs: costs)
        }
    }

    @Test func importedTable() throws {
        let od = """
            from_id,to_id,travel_time
            90001,H1,0
            90002,H1,12.5
            90001,K1,
            90002,K1,NaN
            90003,K1,1.5
            90003,K2,1.5

            """
        let folder = try Self.writeStudy(cost: "cost: {table: {file: od.csv}}", extraFiles: ["od.csv": od])
        let model = try Self.load(folder)
        let costs = try #require(try StudyCosts.build(model))
        #expect(costs.minutes(level: .municipality, area: 0, institution: 0) == 0)
        #expect(costs.minutes(level: .municipality, area: 1, institution: 0) == 12.5)
        #expect(costs.minutes(level: .municipality, area: 0, institution: 1) == nil)  // empty: no route
        #expect(costs.minutes(level: .municipality, area: 1, institution: 1) == nil)  // NaN: no route
        #expect(costs.areasWithoutData[.municipality] == ["90004", "90005"])
        #expect(costs.institutionsWithoutData == ["X"])
        // 3 areas named × 3 institutions named = 9 pairs; 4 with a time.
        #expect(costs.pairsWithoutRoute[.municipality] == 5)
        // Seconds, as OSRM gives them, with other column names.
        let seconds = try Self.writeStudy(cost: "cost: {table: {file: od.csv, origin: o, destination: d, seconds: duration}}",
                                          extraFiles: ["od.csv": "o,d,duration\n90002,H1,90\n"])
        let inSeconds = try #require(try StudyCosts.build(try Self.load(seconds)))
        #expect(inSeconds.minutes(level: .municipality, area: 1, institution: 0) == 1.5)
    }

    @Test func badTablesAndSettingsAreReported() throws {
        let bad = try Self.writeStudy(cost: "cost: {table: {file: od.csv}}",
                                      extraFiles: ["od.csv": "from_id,to_id,travel_time\n99999,H1,3\n90001,Z9,4\n90001,H1,-1\n90002,H1,2\n90002,H1,3\n"])
        #expect(throws: AnalysisError(
            "cost.table od.csv: line 2: origin \"99999\" is no area of the study; line 3: destination \"Z9\" is no institution of the study; line 4: time \"-1\" is not a number ≥ 0; line 6: the pair 90002 → H1 is given twice",
            fix: "origins are area codes of the study, destinations institution ids; leave a time empty for no route")) {
            try StudyCosts.build(try Self.load(bad))
        }
        // Distance limits with a travel-time cost, a threshold beyond the cutoff, minutes without a network.
        let metres = try Self.load(Self.writeStudy(cost: Self.networkCost, gaps: "{kinds: [homecare_clinic], capacity: slots, threshold_m: 3000}"))
        #expect(try StudyAnalyses.compute(metres).studyGaps?.reason
                == "access gaps not computed: scenarios.gaps gives threshold_m or within_km but the study's cost is travel time — write threshold_minutes and within_minutes instead")
        let far = try Self.load(Self.writeStudy(cost: Self.networkCost, gaps: "{kinds: [homecare_clinic], capacity: slots, threshold_minutes: 45}"))
        #expect(try StudyAnalyses.compute(far).studyGaps?.reason
                == "access gaps not computed: scenarios.gaps.threshold_minutes is 45 minutes, beyond the network's cutoff of 30 minutes — raise cost.network.cutoff_minutes in the study to at least 45")
        let straight = try Self.load(Self.writeStudy(cost: "cost: straight_line", gaps: "{kinds: [homecare_clinic], capacity: slots}"))
        #expect(try StudyAnalyses.compute(straight).scenarios?.reason
                == "staged plans not computed: stage three: within_minutes needs a travel-time cost — add cost: {network: {pbf: …}} or cost: {table: {file: …}} to the study, or use within_km")
        // The study file names the missing extract and the unknown mode.
        let folder = try Self.writeStudy(cost: "cost: {network: {pbf: nowhere.osm.pbf, mode: bicycle}}")
        #expect(throws: StudyLoadError.self) { try Self.load(folder) }
        let (_, diagnostics) = StudyFileParser.parse(contentsOf: folder.appendingPathComponent("study.yaml"))
        let text = diagnostics.items.map(\.description).joined(separator: "\n")
        #expect(text.contains("cost.network.pbf: nowhere.osm.pbf does not exist"))
        #expect(text.contains("unknown mode \"bicycle\" in cost.network"))
    }
}
