import CareGeometry
import Foundation
import Testing
import TestSupport

@testable import CareAtlas

/// GEOS and PROJ failures inside analyses name the operation, the layer file and the features
/// (issue 14). GEOS does not fail on the demo, so the failures are given; the culprit search and
/// the message are real.
@Suite struct GeometryFailureTests {
    static let model: StudyModel? = try? StudyLoader.load(repositoryRoot.appendingPathComponent("geodata/demo/study.yaml"))

    @Test func aFailedUnionNamesTheLayerFileAndItsAreas() throws {
        let model = try #require(Self.model)
        let wards = try #require(model.areas[.municipality])
        let error = model.geometryFailure(
            "the union of stage 第1段階 of plan 段階的拡大",
            .geos(operation: "GEOSUnaryUnion_r", message: "TopologyException: side location conflict at 2000 4000"),
            areas: Array(wards.prefix(2)), institutions: [])
        #expect(error.message == "the union of stage 第1段階 of plan 段階的拡大 failed on wards.geojson: areas 99101 桜区, 99102 楓区: GEOS GEOSUnaryUnion_r failed: TopologyException: side location conflict at 2000 4000")
        #expect(error.fix == StudyModel.geometryRepairFix)
    }

    @Test func manyAreasAreCutToFiveAndCounted() throws {
        let model = try #require(Self.model)
        let wards = try #require(model.areas[.municipality])
        let error = model.geometryFailure("the study extent", .geos(operation: "GEOSUnaryUnion_r", message: "std::bad_alloc"),
                                          areas: wards, institutions: [])
        #expect(error.message == "the study extent failed on wards.geojson: areas 99101 桜区, 99102 楓区, 99103 欅区, 99104 柳区, 99105 松区 and 4 more: GEOS GEOSUnaryUnion_r failed: std::bad_alloc")
    }

    @Test func anInvalidAreaIsNamedAsTheCulpritWithGEOSReason() throws {
        let model = try #require(Self.model)
        let wards = try #require(model.areas[.municipality])
        // A bow-tie (self-intersecting at (1000, 5000)) in place of 桜区.
        let bowTie = try Polygon(rings: [[
            Coordinate(x: 0, y: 4000), Coordinate(x: 2000, y: 6000), Coordinate(x: 2000, y: 4000), Coordinate(x: 0, y: 6000), Coordinate(x: 0, y: 4000),
        ]])
        let w = wards[0]
        let broken = Area(
            id: w.id, name: w.name, nameEnglish: w.nameEnglish, level: w.level, layer: w.layer, geometry: .polygon(bowTie),
            areaKm2: w.areaKm2, pointOnSurface: w.pointOnSurface, weightedCentroid: w.weightedCentroid, population: w.population,
            patients: w.patients, patientBreakdown: w.patientBreakdown, parentID: w.parentID, groups: w.groups,
            institutionIndices: w.institutionIndices)
        let error = model.geometryFailure(
            "the union of the 50 % unconstrained catchment", .geos(operation: "GEOSUnaryUnion_r", message: "TopologyException: found non-noded intersection"),
            areas: [broken, wards[1], wards[3]], institutions: [])
        #expect(error.message == "the union of the 50 % unconstrained catchment failed on wards.geojson: area 99101 桜区 (invalid: Self-intersection[1000 5000]): GEOS GEOSUnaryUnion_r failed: TopologyException: found non-noded intersection")
    }

    @Test func aProjFailureNamesTheInstitutionsByFileAndLine() throws {
        let model = try #require(Self.model)
        let clinics = model.institutions.filter { $0.id == "C01" || $0.id == "N01" || $0.id == "H02" }
        let error = model.geometryFailure(
            "the 5 km ring", .proj(operation: "transform EPSG:6677 → EPSG:4326", message: "position 3 could not be transformed (Invalid coordinate)"),
            areas: [], institutions: clinics)
        #expect(error.message == "the 5 km ring failed on homecare.csv: line 2 (C01 松町在宅クリニック), line 7 (N01 松訪問看護ステーション); hospitals.csv: line 3 (H02 柳中央病院): PROJ transform EPSG:6677 → EPSG:4326 failed: position 3 could not be transformed (Invalid coordinate)")
        #expect(error.fix == StudyModel.coordinateFix)
    }

    @Test func geometryStepPassesResultsAndOtherErrorsThrough() throws {
        let model = try #require(Self.model)
        #expect(try model.geometryStep("nothing") { 42 } == 42)
        #expect(throws: AnalysisError("not a geometry error")) {
            try model.geometryStep("nothing") { () throws -> Int in throw AnalysisError("not a geometry error") }
        }
        #expect(throws: AnalysisError.self) {
            try model.geometryStep("the union") { () throws -> Int in throw GeometryError.geos(operation: "GEOSUnaryUnion_r", message: "x") }
        }
    }
}
