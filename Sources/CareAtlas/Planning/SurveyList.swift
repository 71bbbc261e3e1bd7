import CareRegistries
import Foundation

/// The mailing list of a questionnaire (アンケート調査): every institution of the chosen kinds
/// inside a region, from all the study's institution tables (registries included), each once.
///
/// Registry rows of one institution named by two sources are already merged when the study loads
/// (same 医療機関コード, or same name and municipality). What remains is de-duplicated here by the
/// normalised name (``CareRegistries/RegistryMerge/normalized(_:)``) and the area: the first row by
/// id is kept, with the roles of both, and every merge is counted in ``merged``.
public struct SurveyList: Sendable {
    public struct Entry: Sendable, Hashable {
        public let id: String
        public let name: String
        public let kind: String
        /// Filed roles (在宅療養支援診療所1・緩和ケア病棟 …), empty when the source does not say.
        public let roles: String
        /// Address and postal code as the source gives them, empty when it does not.
        public let address: String
        public let postalCode: String
        public let areaID: String
        public let areaName: String
        /// The table it came from.
        public let source: String
    }

    public let spec: SurveySpec
    public let regionAreaIDs: [String]
    /// By area code, kind, name and id.
    public let entries: [Entry]
    /// Rows dropped as duplicates (id kept ← id dropped).
    public let merged: [String]

    public static func build(_ model: StudyModel, spec: SurveySpec, scenarios: ScenarioAnalysis?) throws -> SurveyList {
        let level: AreaLevel = model.areas[.municipality] != nil ? .municipality : (model.levels.last ?? .municipality)
        let region = try spec.region.areaIDs(model, scenarios: scenarios, level: level)
        let inside = Set(region)
        var kept: [String: Entry] = [:]
        var order: [String] = []
        var merged: [String] = []
        for inst in model.institutions where spec.kinds.isEmpty || spec.kinds.contains(inst.kind) {
            guard let area = inst.areaIDs[level], inside.contains(area) else { continue }
            let key = RegistryMerge.normalized(inst.name) + "|" + area
            let entry = Entry(id: inst.id, name: inst.name, kind: inst.kind, roles: inst.attributes["roles"] ?? "",
                              address: inst.attributes["address"] ?? "", postalCode: inst.attributes["postal_code"] ?? "",
                              areaID: area, areaName: model.area(area, at: level)?.name ?? area, source: inst.source)
            if let first = kept[key] {
                let roles = Set((first.roles + "・" + entry.roles).split(separator: "・").map(String.init)).sorted().joined(separator: "・")
                kept[key] = Entry(id: first.id, name: first.name, kind: first.kind, roles: roles,
                                  address: first.address.isEmpty ? entry.address : first.address,
                                  postalCode: first.postalCode.isEmpty ? entry.postalCode : first.postalCode,
                                  areaID: first.areaID, areaName: first.areaName, source: first.source)
                merged.append("\(first.id) ← \(entry.id) \(entry.name)")
            } else {
                kept[key] = entry
                order.append(key)
            }
        }
        let entries = order.map { kept[$0]! }.sorted { ($0.areaID, $0.kind, $0.name, $0.id) < ($1.areaID, $1.kind, $1.name, $1.id) }
        return SurveyList(spec: spec, regionAreaIDs: region, entries: entries, merged: merged)
    }
}
