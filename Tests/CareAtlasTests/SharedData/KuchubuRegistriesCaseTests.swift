import CareAtlas
import Foundation
import Testing
import TestSupport

/// geodata/cases/kuchubu_registries.yaml: the 区中央部 case read from the official downloads
/// (医療情報ネット zip, SSDSE-A, N03 of four prefectures, e-Stat Shapefiles).
@Suite(.enabled(if: SharedData.root != nil, "\(SharedData.skipMessage)"))
struct KuchubuRegistriesCaseTests {
    static let study = repositoryRoot.appendingPathComponent("geodata/cases/kuchubu_registries.yaml")
    static let model = Result { try StudyLoader.load(study) }

    @Test func loadsWithoutErrors() throws {
        let m = try Self.model.get()
        #expect(!m.diagnostics.contains { $0.severity == .error })
        #expect(m.anchor?.name == "東京科学大学病院")
    }

    /// The e-Stat Shapefiles read directly give the areas of the GeoJSON: 687 features, 661 KEY_CODEs.
    @Test func smallAreasFromShapefiles() throws {
        let m = try Self.model.get()
        let small = try #require(m.areas[.smallArea])
        #expect(small.count == 661)
        #expect(small.first { $0.id == "13101001001" }?.name == "丸の内一丁目")
        let total = small.compactMap { $0.population["total"] }.reduce(0, +)
        let reference = try StudyLoader.load(repositoryRoot.appendingPathComponent("geodata/cases/kuchubu.yaml"))
        let referenceSmall = try #require(reference.areas[.smallArea])
        #expect(total == referenceSmall.compactMap { $0.population["total"] }.reduce(0, +))
        #expect(small.map(\.id) == referenceSmall.map(\.id))
        let km2 = small.map(\.areaKm2).reduce(0, +), referenceKm2 = referenceSmall.map(\.areaKm2).reduce(0, +)
        #expect(abs(km2 - referenceKm2) < 1e-6 * referenceKm2)
    }

    /// SSDSE-A population for every municipality of the four prefectures; designated cities allocated.
    @Test func populationFromSSDSEA() throws {
        let m = try Self.model.get()
        let bunkyo = try #require(m.area("13105", at: .municipality))
        #expect(bunkyo.population["total"] == 240_069)
        #expect(bunkyo.population["aged65"] == 42_020)
        let municipalities = try #require(m.areas[.municipality])
        #expect(municipalities.allSatisfy { $0.population["total"] != nil })
        let yokohama = municipalities.filter { ("14101"..."14118").contains($0.id) }
        #expect(yokohama.count == 18)
        #expect(yokohama.compactMap { $0.population["total"] }.reduce(0, +) == 3_777_491)
        #expect(m.diagnostics.contains { $0.message.contains("横浜市 (14100): total 3777491 allocated to wards 14101–14118") })
    }

    /// Hospitals straight from the 医療情報ネット zip: 583 in Tokyo less one at 0/0, 45 in 区中央部,
    /// and validate's notes say what was read, kept and left out.
    @Test func hospitalsFromIryojoho() throws {
        let m = try Self.model.get()
        let hospitals = m.institutions.filter { $0.source.hasSuffix(".zip") }
        #expect(hospitals.count == 327 + 266 + 583 + 307 - 6)
        #expect(hospitals.filter { $0.areaIDs[.municipality]?.hasPrefix("13") == true }.count == 582)
        let kuchubu = Set(["13101", "13102", "13103", "13105", "13106"])
        #expect(hospitals.filter { kuchubu.contains($0.areaIDs[.municipality] ?? "") }.count == 45)
        let notes = m.diagnostics.map(\.message)
        #expect(notes.contains("iryojoho: read 7587 rows, kept 1477"))
        #expect(notes.contains { $0.hasPrefix("left out 6 (no coordinates (0/0 in the file); no geocoder)") })
        #expect(notes.contains("6104 rows of prefectures other than 11, 12, 13, 14 not read"))
    }
}
