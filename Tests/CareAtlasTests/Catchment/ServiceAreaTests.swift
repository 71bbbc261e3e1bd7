import CareAtlas
import Testing

@Suite struct ServiceAreaTests {
    /// The hand-made table (patients living in the origin, treated at the hospital):
    ///
    ///            H1   H2   H3  |  Tᵢ
    ///     A      10    5    1  |  16   → H1, R = 10/16
    ///     B       4    4    2  |  10   → tie H1/H2 at 4: H2 has the larger total (17 > 14), R = 4/10
    ///     C       .    8    3  |  11   → H2, R = 8/11
    ///     D       0    .    .  |   0   → unassigned (a row of zero patients)
    ///     E       .    .    .  |   0   → unassigned (listed, no rows)
    ///     Nₕ     14   17    6  |  37
    ///
    /// H1: S = {A}: Rs = 16, L = 10 → LI = 10/16, MSI = 10/14, NI = (14 − 10)/(16 − 10) = 4/6
    /// H2: S = {B, C}: Rs = 21, L = 4 + 8 = 12 → LI = 12/21, MSI = 12/17, NI = (17 − 12)/(21 − 12) = 5/9
    /// H3: S = {}: LI nil, MSI = 0/6 = 0, NI nil
    /// H4: listed, no rows: everything 0, LI, MSI and NI nil
    /// Overall: (10 + 12) / 37.
    static let flows = [
        PatientFlow(originID: "A", hospitalID: "H1", patients: 10),
        PatientFlow(originID: "A", hospitalID: "H2", patients: 5),
        PatientFlow(originID: "A", hospitalID: "H3", patients: 1),
        PatientFlow(originID: "B", hospitalID: "H3", patients: 2),
        PatientFlow(originID: "B", hospitalID: "H1", patients: 4),
        PatientFlow(originID: "B", hospitalID: "H2", patients: 4),
        PatientFlow(originID: "C", hospitalID: "H2", patients: 8),
        PatientFlow(originID: "C", hospitalID: "H3", patients: 3),
        PatientFlow(originID: "D", hospitalID: "H1", patients: 0),
    ]

    @Test func handComputedTable() throws {
        let s = ServiceAreas(flows: Self.flows, originIDs: ["A", "B", "C", "D", "E"], hospitalIDs: ["H1", "H2", "H3", "H4"])
        #expect(s.diagnostics.isEmpty)
        #expect(s.totalPatients == 37)
        #expect(s.origins.map(\.id) == ["A", "B", "C", "D", "E"])
        #expect(s.origins.map(\.hospitalID) == ["H1", "H2", "H2", nil, nil])
        #expect(s.origins.map(\.patients) == [16, 10, 11, 0, 0])
        #expect(s.origins.map(\.patientsAtHospital) == [10, 4, 8, 0, 0])
        let relevance: [Double?] = [10.0 / 16, 4.0 / 10, 8.0 / 11, nil, nil]
        #expect(s.origins.map(\.relevanceIndex) == relevance)
        #expect(s.origins.map(\.tiedHospitalIDs) == [[], ["H1"], [], [], []])
        #expect(s.unassignedOriginIDs == ["D", "E"])

        #expect(s.areas.map(\.hospitalID) == ["H1", "H2", "H3", "H4"])
        #expect(s.areas.map(\.originIDs) == [["A"], ["B", "C"], [], []])
        #expect(s.areas.map(\.residentPatients) == [16, 21, 0, 0])
        #expect(s.areas.map(\.localPatients) == [10, 12, 0, 0])
        #expect(s.areas.map(\.hospitalPatients) == [14, 17, 6, 0])
        let localization: [Double?] = [10.0 / 16, 12.0 / 21, nil, nil]
        let marketShare: [Double?] = [10.0 / 14, 12.0 / 17, 0, nil]
        let net: [Double?] = [4.0 / 6, 5.0 / 9, nil, nil]
        #expect(s.areas.map(\.localizationIndex) == localization)
        #expect(s.areas.map(\.marketShareIndex) == marketShare)
        #expect(s.areas.map(\.netIndex) == net)
        #expect(s.overallLocalizationIndex == 22.0 / 37)
        #expect(s.area("H2")?.originIDs == ["B", "C"])
        #expect(s.origin("B")?.hospitalID == "H2")
        #expect(s.origin("Z") == nil)
    }

    /// Without the id lists, origins and hospitals come from the rows: E and H4 are unknown.
    @Test func idsFromTheRowsAlone() {
        let s = ServiceAreas(flows: Self.flows)
        #expect(s.origins.map(\.id) == ["A", "B", "C", "D"])
        #expect(s.areas.map(\.hospitalID) == ["H1", "H2", "H3"])
        #expect(s.unassignedOriginIDs == ["D"])
    }

    /// Equal plurality counts and equal hospital totals: the smaller id wins.
    ///   X: P 2, Q 2; Y: P 1, Q 1 → totals P 3 = Q 3 → X and Y both go to P.
    @Test func tieOnCountAndTotalGoesToTheSmallerID() {
        let s = ServiceAreas(flows: [
            PatientFlow(originID: "Y", hospitalID: "Q", patients: 1),
            PatientFlow(originID: "X", hospitalID: "Q", patients: 2),
            PatientFlow(originID: "X", hospitalID: "P", patients: 2),
            PatientFlow(originID: "Y", hospitalID: "P", patients: 1),
        ])
        #expect(s.origins.map(\.hospitalID) == ["P", "P"])
        #expect(s.origins.map(\.tiedHospitalIDs) == [["Q"], ["Q"]])
        #expect(s.origins.map(\.relevanceIndex) == [0.5, 0.5])
        #expect(s.area("P")?.localizationIndex == 0.5)
        #expect(s.area("Q")?.marketShareIndex == 0)
    }

    /// The result does not depend on the order of the rows.
    @Test func rowOrderDoesNotMatter() {
        let forward = ServiceAreas(flows: Self.flows)
        let backward = ServiceAreas(flows: Self.flows.reversed())
        #expect(forward == backward)
    }

    @Test func badRowsAreReportedAndLeftOut() {
        let s = ServiceAreas(
            flows: Self.flows + [
                PatientFlow(originID: "A", hospitalID: "H1", patients: -3, location: "line 12"),
                PatientFlow(originID: "Q", hospitalID: "H1", patients: 5, location: "line 13"),
                PatientFlow(originID: "A", hospitalID: "H9", patients: 5, location: "line 14"),
                PatientFlow(originID: "", hospitalID: "H1", patients: 5),
                PatientFlow(originID: "C", hospitalID: "H3", patients: 2, location: "line 16"),
            ],
            originIDs: ["A", "B", "C", "D", "E"], hospitalIDs: ["H1", "H2", "H3"], source: "flows.csv")
        #expect(s.diagnostics.map(\.description) == [
            "error: flows.csv, line 12: negative patient count -3 — patient counts must be ≥ 0",
            "error: flows.csv, line 13: unknown origin 'Q' — use a code of the study's areas",
            "error: flows.csv, line 14: unknown hospital 'H9' — use an id of the study's institutions",
            "error: flows.csv, row 13: the origin id is empty — give every row an origin code",
            "note: flows.csv, line 16: origin 'C' → hospital 'H3' repeats row 8; the patients are summed",
        ])
        // Only the repeated C → H3 row counts: C = 8 + 3 + 2 = 13, H3 = 6 + 2 = 8.
        #expect(s.totalPatients == 39)
        #expect(s.origin("C")?.patients == 13)
        #expect(s.area("H3")?.hospitalPatients == 8)
        #expect(s.area("H1")?.hospitalPatients == 14)
    }

    @Test func emptyTable() {
        let s = ServiceAreas(flows: [], originIDs: ["A"])
        #expect(s.origins.map(\.isAssigned) == [false])
        #expect(s.areas.isEmpty)
        #expect(s.totalPatients == 0)
        #expect(s.overallLocalizationIndex == nil)
        #expect(s.diagnostics.isEmpty)
    }
}
