@testable import CareAtlas
import CareExport
@testable import CarePrivacy
import CareGeometry
import Foundation
import Testing
import TestSupport

/// Meeting groups, survey lists and resampling on the demo (geodata/demo/study_planning.yaml),
/// with answers read off make_demo.py's figures.
@Suite struct PlanningDemoTests {
    static let model = Result { try StudyLoader.load(repositoryRoot.appendingPathComponent("geodata/demo/study_planning.yaml")) }
    static let scenarios = Result { try ScenarioAnalysis.run(try model.get()) }

    @Test func parsesThePlanningSection() throws {
        let p = try #require(try Self.model.get().spec.planning)
        #expect(p.roleSharing?.tolerance == 0.2 && p.roleSharing?.capacity == "pcu_beds")
        #expect(p.meetings?.region == .stage("中部医療圏") && p.meetings?.by == .ward)
        #expect(p.survey?.region == .group("中部") && p.survey?.kinds == ["hospital", "homecare_clinic", "visiting_nurse"])
        #expect(p.uncertainty?.draws == 1000 && p.uncertainty?.seed == 1)
    }

    @Test func badPlanningKeysAreNamed() {
        let yaml = try! String(contentsOf: repositoryRoot.appendingPathComponent("geodata/demo/study_planning.yaml"), encoding: .utf8)
            .replacingOccurrences(of: "    tolerance: 0.2", with: "    tolerance: -1\n    colour: red")
            .replacingOccurrences(of: "    by: ward", with: "    by: postcode")
        let (spec, d) = StudyFileParser.parse(yaml: yaml, file: repositoryRoot.appendingPathComponent("geodata/demo/study_planning.yaml"))
        #expect(spec == nil)
        let text = d.items.map(\.description).joined(separator: "\n")
        #expect(text.contains("unknown key \"colour\" in planning.role_sharing"))
        #expect(text.contains("planning.role_sharing.tolerance must be from 0 to 10"))
        #expect(text.contains("unknown grouping \"postcode\" in planning.meetings"))
    }

    /// Stage 中部医療圏 = 柳区, 松区, 竹区. Partners there (homecare.csv, ≥ 1 shared patient):
    /// 柳 C02 (8), N02 (7); 松 C01 (12), N01 (10); 竹 C03 (5). One meeting per ward; the venue of
    /// a two-member meeting is the smaller id (equal summed distances).
    @Test func meetingsByWard() throws {
        let spec = try #require(try Self.model.get().spec.planning?.meetings)
        let m = try MeetingGroups.build(try Self.model.get(), spec: spec, scenarios: try Self.scenarios.get())
        #expect(m.meetings.map(\.venueAreaID) == ["99104", "99105", "99106"])
        #expect(m.meetings.map { $0.invitees.map(\.id) } == [["C02", "N02"], ["C01", "N01"], ["C03"]])
        #expect(m.meetings.map(\.venueInstitutionID) == ["C02", "C01", "C03"])
        // C01 (2500, 3500) and N01 (3500, 2500): √2 km apart.
        #expect(abs(m.meetings[1].radiusKm - 2.0.squareRoot()) < 1e-9)
    }

    /// Two tight triples 14 km apart: k = 2 finds them; with max_size 2 a third meeting appears.
    @Test func clusteringSeparatesDistantGroupsAndKeepsTheSize() {
        func entry(_ id: String) -> LiaisonEntry {
            LiaisonEntry(rank: 1, wardCode: "1", wardName: "w", id: id, name: id, kind: "homecare_clinic", sharedPatients: 3,
                         capacity: [:], attributes: [:], lonLat: Coordinate(x: 0, y: 0))
        }
        let points: [String: Coordinate] = [
            "a1": .init(x: 0, y: 0), "a2": .init(x: 100, y: 0), "a3": .init(x: 0, y: 100),
            "b1": .init(x: 10_000, y: 10_000), "b2": .init(x: 10_100, y: 10_000), "b3": .init(x: 10_000, y: 10_100),
        ]
        let items = points.keys.sorted().map(entry)
        let two = MeetingGroups.cluster(items, k: 2, maxSize: 20, position: points, anchor: Coordinate(x: 0, y: 0))
        #expect(Set(two.map { Set($0.map(\.id)) }) == [["a1", "a2", "a3"], ["b1", "b2", "b3"]])
        let three = MeetingGroups.cluster(items, k: 3, maxSize: 2, position: points, anchor: Coordinate(x: 0, y: 0))
        #expect(three.allSatisfy { $0.count <= 2 } && three.map(\.count).reduce(0, +) == 6)
    }

    /// Every hospital, clinic and nurse station of 中部 (柳, 松, 竹), by ward, kind and name.
    @Test func surveyListOfTheCentre() throws {
        let spec = try #require(try Self.model.get().spec.planning?.survey)
        let s = try SurveyList.build(try Self.model.get(), spec: spec, scenarios: nil)
        #expect(s.entries.map(\.id) == ["C02", "H02", "N02", "C01", "H01", "N01", "C03", "H03"])
        #expect(s.merged.isEmpty)
        #expect(s.entries[1].name == "柳中央病院" && s.entries[1].areaName == "柳区")
    }

    /// Reference: 200,000 Poisson draws in numpy of the same counts (40, 30, 20, 15, 12, 8, 6, 5, 4;
    /// outside 10), ties by the ranking's order: P(松区 in 50 %) = 1.000; 竹区, the last area the
    /// observed 50 % catchment takes (40 + 30 = 70 < 75), 0.624; 藤区, just outside the observed
    /// 90 % catchment, 0.498.
    @Test func resamplingOnTheDemo() throws {
        let model = try Self.model.get()
        let shares = try PatientShareCatchments.analyse(model, level: .municipality)
        let u = try PlanUncertainty.compute(model, spec: UncertaintySpec(), shares: shares, scenarios: try Self.scenarios.get())
        let p = Dictionary(uniqueKeysWithValues: u.catchments.areas.map { ($0.areaID, $0.membership) })
        #expect(try #require(p["99105"])[0] >= 0.99)
        #expect(abs(try #require(p["99106"])[0] - 0.624) < 0.05)
        #expect(abs(try #require(p["99109"])[2] - 0.498) < 0.05)
        // The budget stages of plan 連携施設数の上限 and each stage's interval bracket the observed share.
        #expect(u.budgetStages.map(\.stage) == ["連携4施設まで", "連携7施設まで"])
        #expect(u.budgetStages.allSatisfy { $0.probability["99105"] == 1 })  // the anchor's area is always in
        for s in u.stages { #expect(s.lower <= s.observedShare && s.observedShare <= s.upper, "\(s)") }
    }

    @Test func seededOutputIsByteIdenticalAndHiddenAreasShowNoProbability() throws {
        let model = try Self.model.get()
        let base = try StudyRun.compute(model).results()
        func tables(_ seed: UInt64) throws -> [String: Data] {
            var r = base
            var spec = UncertaintySpec()
            spec.seed = seed
            let p = try #require(base.planning)
            r.planning = PlanningAnalysis(
                roleSharing: p.roleSharing, meetings: p.meetings, survey: p.survey,
                uncertainty: .available(try PlanUncertainty.compute(model, spec: spec, shares: base.shares, scenarios: base.scenarios)),
                sensitivity: p.sensitivity, equity: p.equity)
            return Dictionary(uniqueKeysWithValues: PlanningExport.tables(r).map { ($0.0, $0.1.csv()) })
        }
        let a = try tables(1), b = try tables(1), c = try tables(2)
        #expect(a == b)
        #expect(a["uncertainty_areas.csv"] != c["uncertainty_areas.csv"])
        #expect(Set(a.keys) == ["role_sharing.csv", "role_sharing_districts.csv", "meetings.csv", "survey.csv", "uncertainty_areas.csv",
                                "uncertainty_stages.csv", "sensitivity.csv", "equity.csv", "lorenz.csv"])
        // 桜区 (8 patients) is hidden: every probability of its row reads x.
        let text = String(decoding: try #require(a["uncertainty_areas.csv"]), as: UTF8.self)
        let sakura = try #require(text.split(separator: "\n").first { $0.hasPrefix("99101,") })
        #expect(sakura.split(separator: ",").dropFirst(3).allSatisfy { $0 == "x" }, "\(sakura)")
        let matsu = try #require(text.split(separator: "\n").first { $0.hasPrefix("99105,") })
        #expect(matsu.split(separator: ",").dropFirst(3).allSatisfy { $0 != "x" }, "\(matsu)")
        // Meetings publish bands: C01 (12) 10+, C02 (8) <10.
        let meetings = String(decoding: try #require(a["meetings.csv"]), as: UTF8.self)
        #expect(meetings.contains(",C01,松町在宅クリニック,homecare_clinic,,10+"))
        #expect(meetings.contains(",C02,柳在宅診療所,homecare_clinic,,<10"))
    }
}
