import CareGeometry
import Foundation

extension StudyMaps {
    /// The role-sharing map (`planning.role_sharing`): each area of the region coloured by the base
    /// hospital whose district it is (Okabe–Ito colours, in the districts' order), areas outside
    /// the region grey, each base hospital marked with a square in its district's colour and named
    /// in the legend, the anchor with its star. The map shows the region (its areas labelled). Nil
    /// without role sharing at the map's level.
    public static func roleSharingMap(_ data: StudyMapData, options: StudyMapOptions = StudyMapOptions()) -> ThematicMap? {
        guard let rs = data.roleSharing, !rs.districts.isEmpty else { return nil }
        let en = options.language == .en
        let colors = Palette.categorical
        var districtOf: [String: Int] = [:]
        for (k, d) in rs.districts.enumerated() { for id in d.areaIDs { districtOf[id] = k } }
        let categories = rs.districts.enumerated().map { k, d in
            (key: String(k), label: en ? "\(d.hospitalName)" : "\(d.hospitalName)の担当",
             color: colors[k % colors.count].mixed(with: RGBColor(255, 255, 255), 0.45))
        }
        let outside = (key: "outside", label: en ? "outside the region" : "対象地域外", color: Palette.noData)
        let classified = Classifier.categorical(data.rows.map { districtOf[$0.id].map(String.init) ?? outside.key },
                                                categories: categories + [outside], text: options.language.texts)
        var focused = options
        focused.extent = .areas(rs.districts.flatMap(\.areaIDs).sorted())
        focused.kinds = []  // only the base hospitals (below) and the anchor
        var map = baseMap(data, options: focused, title: en ? "Role sharing among base hospitals (proposed districts)" : "拠点病院間の役割分担（担当地域の案）",
                          legend: en ? "District of" : "担当病院", classified: classified)
        map.subtitle += " · " + (rs.optimal ? (en ? "proven optimal" : "最適性を証明済み")
            : String(format: en ? "not proven optimal, gap %.2f %%" : "最適性は未証明（ギャップ %.2f %%）", rs.gap * 100))
        var hospitals = rs.districts.enumerated().map { k, d in
            PointLayer(name: d.hospitalName, positions: [d.position], symbol: .square, color: colors[k % colors.count], size: 9)
        }
        for k in hospitals.indices { hospitals[k].aggregated = false }
        map.points = hospitals + map.points
        return map
    }
}
