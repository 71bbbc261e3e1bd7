/// Area labels that identify: a label shared by several areas of one level (中央区 in Tokyo,
/// Chiba, Saitama and Sagamihara) is made unique by prepending what tells them apart.
///
/// For each area whose label is not unique within its level, in order of preference:
/// 1. the designated city (政令指定都市) of a ward code (14151 → 相模原市), unless the label starts
///    with it already;
/// 2. the prefecture of a five-digit (or longer) code starting with 01–47 (13102 → 東京都);
/// 3. the label of the containing area one level up (first for small areas, whose codes are longer
///    than five digits: 本町一丁目 → 中央区本町一丁目);
///
/// and, when labels still collide, the code in parentheses. Areas whose labels were unique keep
/// them. The rule depends only on the codes and labels, so outputs stay identical across runs.
public enum AreaLabels {
    /// Makes labels unique within each level; returns one note per level that had duplicates.
    static func disambiguate(_ areas: inout [AreaLevel: [Area]]) -> [String] {
        var notes: [String] = []
        for level in AreaLevel.allCases.reversed() {  // coarsest first: parents are final before children use them
            guard var list = areas[level] else { continue }
            let parentLevel = AreaLevel.allCases.drop { $0 != level }.dropFirst().first { areas[$0] != nil }
            let parentNames = Dictionary(uniqueKeysWithValues: (parentLevel.flatMap { areas[$0] } ?? []).map { ($0.id, $0.name) })
            let groups = Dictionary(grouping: list.indices.filter { !list[$0].name.isEmpty }, by: { list[$0].name })
                .filter { $0.value.count > 1 }
            guard !groups.isEmpty else { continue }
            for (_, indices) in groups {
                for i in indices {
                    let a = list[i]
                    let parent = a.parentID.flatMap { parentNames[$0] }
                    // Small areas (codes longer than a municipality's) by their ward, municipalities by
                    // their designated city or prefecture.
                    let qualifier = a.id.count > 5 ? parent ?? designatedCity(of: a.id) ?? prefecture(of: a.id)
                                                   : designatedCity(of: a.id) ?? prefecture(of: a.id) ?? parent
                    if let q = qualifier, !a.name.hasPrefix(q) { list[i].name = q + a.name }
                }
            }
            // Still the same (two wards of one city with one name): the code tells them apart.
            let still = Dictionary(grouping: groups.values.flatMap { $0 }, by: { list[$0].name }).filter { $0.value.count > 1 }
            for (_, indices) in still { for i in indices { list[i].name += " (\(list[i].id))" } }
            let counts = groups.map { (name: $0.key, count: $0.value.count) }
                .sorted { $0.count != $1.count ? $0.count > $1.count : $0.name < $1.name }
            let renamed = groups.values.flatMap { $0 }.sorted { list[$0].id < list[$1].id }.map { list[$0].name }
            let shown = renamed.prefix(12).joined(separator: ", ") + (renamed.count > 12 ? ", … (\(renamed.count - 12) more)" : "")
            notes.append("\(level.rawValue): duplicate labels \(counts.map { "\($0.name) ×\($0.count)" }.joined(separator: ", ")) "
                + "made unique with the prefecture or city: \(shown)")
            areas[level] = list
        }
        return notes
    }

    /// The prefecture of a Japanese area code (5-digit municipality code or longer), else nil.
    public static func prefecture(of code: String) -> String? {
        guard code.count >= 5, code.allSatisfy(\.isASCII), let p = Int(code.prefix(2)), (1...47).contains(p) else { return nil }
        return prefectureNames[p - 1]
    }

    /// The designated city whose ward `code` is (first five digits), else nil.
    public static func designatedCity(of code: String) -> String? {
        guard code.count >= 5, let ward = Int(code.prefix(5)), code.prefix(5).allSatisfy(\.isASCII) else { return nil }
        // The city is the largest designated-city code ≤ the ward's in its prefecture, within 30
        // (大阪市 has wards 27102–27128).
        guard let city = designatedCities.last(where: { $0.code < ward && ward - $0.code < 30 && $0.code / 1000 == ward / 1000 }) else {
            return nil
        }
        return city.name
    }

    /// The 20 designated cities (政令指定都市) with their city codes (without check digit).
    static let designatedCities: [(code: Int, name: String)] = [
        (1100, "札幌市"), (4100, "仙台市"), (11100, "さいたま市"), (12100, "千葉市"), (14100, "横浜市"), (14130, "川崎市"),
        (14150, "相模原市"), (15100, "新潟市"), (22100, "静岡市"), (22130, "浜松市"), (23100, "名古屋市"), (26100, "京都市"),
        (27100, "大阪市"), (27140, "堺市"), (28100, "神戸市"), (33100, "岡山市"), (34100, "広島市"), (40100, "北九州市"),
        (40130, "福岡市"), (43100, "熊本市"),
    ]

    /// The 47 prefectures in the order of their JIS X 0401 codes (01 北海道 … 47 沖縄県).
    public static let prefectureNames = [
        "北海道", "青森県", "岩手県", "宮城県", "秋田県", "山形県", "福島県", "茨城県", "栃木県", "群馬県", "埼玉県", "千葉県",
        "東京都", "神奈川県", "新潟県", "富山県", "石川県", "福井県", "山梨県", "長野県", "岐阜県", "静岡県", "愛知県", "三重県",
        "滋賀県", "京都府", "大阪府", "兵庫県", "奈良県", "和歌山県", "鳥取県", "島根県", "岡山県", "広島県", "山口県", "徳島県",
        "香川県", "愛媛県", "高知県", "福岡県", "佐賀県", "長崎県", "熊本県", "大分県", "宮崎県", "鹿児島県", "沖縄県",
    ]
}
