import CareFormats
import Foundation

/// Problems reading the geocoder's reference tables (gazetteer, postal table), each naming the
/// file and, where there is one, the record or line, with the fix.
public struct GeocodingDataError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The whole message.
    public let description: String

    init(_ description: String) { self.description = description }
    init(source: String, line: Int? = nil, _ detail: String, fix: String? = nil) {
        description = ProblemText.format(source: source, line: line, detail, fix: fix)
    }
}

/// The 町丁・字 (census small areas) of one or more prefectures, with names, centroids and
/// population: what addresses are matched against.
///
/// Built from the attribute tables (`.dbf`) of e-Stat's small-area boundaries (平成27年 or 令和2年
/// 国勢調査 小地域): `KEY_CODE` (11 digits: municipality 5 + 町・大字 4 + 丁目 2; 9 digits where the
/// area has no 丁目 level), `KEN_NAME`, `GST_NAME` (市 or 郡; the city of a designated-city ward),
/// `CSS_NAME` (the ward, or the 町村 of a 郡), `MOJI` (the 町丁・字 name, `南小岩１丁目`),
/// `JINKO`, `X_CODE`/`Y_CODE` (the centroid, longitude and latitude) and `HCODE` (8154 = water).
///
/// Rows sharing a `KEY_CODE` (one area drawn in several parts) are merged: population summed,
/// centroid from the largest part (`AREA_MAX_F` = `M`) or the first. Rows with a code shorter than
/// 9 digits (unnamed fragments of a prefecture, no population) are skipped and counted in
/// ``skippedRows``; water areas and areas without a name are kept but never matched by name.
///
/// Each name is indexed in the form ``AddressNormalizer`` gives, with a leading `大字` removed,
/// bracketed notes removed (`下大多喜（台）` → `下大多喜`) and a trailing `N丁目` split off as the 丁目
/// number. A town (町・大字) is the set of areas sharing that base name in one municipality.
///
/// Thread safety: immutable once built; share it freely.
public struct Gazetteer: Sendable {
    /// One census small area (町丁・字).
    public struct SmallArea: Sendable, Hashable {
        /// `KEY_CODE`, 9 or 11 digits; its first 5 digits are the municipality code.
        public let code: String
        /// The 5-digit municipality code (全国地方公共団体コード without check digit).
        public let municipalityCode: String
        /// The name as published (`MOJI`), e.g. `南小岩１丁目`.
        public let name: String
        /// Census population (`JINKO`), nil when the table has none.
        public let population: Int?
        /// Centroid longitude and latitude (degrees).
        public let longitude: Double
        public let latitude: Double
        /// Whether the area is water (`HCODE` 8154).
        public let isWater: Bool
    }

    /// One municipality, a ward of a designated city counting as one.
    public struct Municipality: Sendable, Hashable {
        /// The 5-digit code (`13105`, `14104` for 横浜市中区).
        public let code: String
        /// The prefecture's name (`東京都`).
        public let prefecture: String
        /// The full name as addresses write it after the prefecture: `文京区`, `横浜市中区`, `宮代町`.
        public let name: String
        /// The 郡 of a town or village (`南埼玉郡`), nil otherwise.
        public let county: String?
        /// The designated city of a ward (`横浜市`), nil otherwise.
        public let city: String?
        /// Sum of the areas' populations (nil when none has one).
        public let population: Int?
        /// Population-weighted centroid of its small areas (degrees).
        public let longitude: Double
        public let latitude: Double
    }

    /// One input row of a gazetteer (a record of the e-Stat attribute table).
    public struct Row: Sendable, Hashable {
        public var code: String
        public var prefecture: String
        public var gstName: String
        public var cssName: String
        public var name: String
        public var population: Int?
        public var longitude: Double
        public var latitude: Double
        public var isWater: Bool
        public var isLargestPart: Bool

        public init(code: String, prefecture: String, gstName: String, cssName: String, name: String,
                    population: Int?, longitude: Double, latitude: Double, isWater: Bool = false, isLargestPart: Bool = true) {
            self.code = code
            self.prefecture = prefecture
            self.gstName = gstName
            self.cssName = cssName
            self.name = name
            self.population = population
            self.longitude = longitude
            self.latitude = latitude
            self.isWater = isWater
            self.isLargestPart = isLargestPart
        }
    }

    /// Areas sorted by code.
    public let smallAreas: [SmallArea]
    /// Municipalities sorted by code.
    public let municipalities: [Municipality]
    /// Rows skipped because their code is shorter than 9 digits.
    public let skippedRows: Int

    /// A town: areas sharing a base name in one municipality.
    struct Town: Sendable {
        /// The base name as published (first seen), without 丁目.
        var name: String
        /// 丁目 number → area indices.
        var chome: [Int: [Int]] = [:]
        /// Areas whose name has no 丁目.
        var whole: [Int] = []
        var all: [Int] { (whole + chome.values.flatMap { $0 }).sorted() }
    }

    /// A normalised name as scalar values: hashing it is cheaper than hashing a non-ASCII String
    /// (which normalises it to NFC first).
    struct NameKey: Hashable, Sendable, Comparable {
        let scalars: [UInt32]
        init(_ text: String) { scalars = text.unicodeScalars.map(\.value) }
        init(_ slice: ArraySlice<Unicode.Scalar>) { scalars = slice.map(\.value) }
        static func < (a: NameKey, b: NameKey) -> Bool { a.scalars.lexicographicallyPrecedes(b.scalars) }
    }

    /// Per municipality index: normalised base name → town.
    let towns: [[NameKey: Town]]
    let longestTownName: [Int]
    /// Normalised municipality name variants → (municipality index, strength 3 full, 2 city only, 1 ward only).
    let municipalityNames: [NameKey: [(index: Int, strength: Int)]]
    let longestMunicipalityName: Int
    /// Normalised prefecture names present in the gazetteer, longest first.
    let prefectures: [String]
    /// ``prefectures`` with their scalars, for prefix tests.
    let prefectureScalars: [(String, [Unicode.Scalar])]
    /// The normalised prefecture name of each municipality.
    let normalizedPrefectures: [String]

    /// Reads the e-Stat attribute tables (`.dbf`) of one or more prefectures.
    ///
    /// - Throws: ``DBFError`` for a damaged table, ``GeocodingDataError`` for a missing field or a
    ///   bad code, naming the file and record.
    public init(dbfFiles: [URL]) throws {
        var rows: [Row] = []
        for url in dbfFiles {
            let table = try DBFTable(contentsOf: url)
            let key = try table.fieldIndex("KEY_CODE"), ken = try table.fieldIndex("KEN_NAME")
            let gst = try table.fieldIndex("GST_NAME"), css = try table.fieldIndex("CSS_NAME")
            let moji = try table.fieldIndex("MOJI"), jinko = try table.fieldIndex("JINKO")
            let x = try table.fieldIndex("X_CODE"), y = try table.fieldIndex("Y_CODE")
            let hcode = table.fields.firstIndex { $0.name == "HCODE" }
            let largest = table.fields.firstIndex { $0.name == "AREA_MAX_F" }
            rows.reserveCapacity(rows.count + table.count)
            for r in 0..<table.count where !table.isDeleted(r) {
                guard let lon = try table.number(r, x), let lat = try table.number(r, y) else {
                    throw GeocodingDataError(source: table.source, "record \(r + 1) has no X_CODE/Y_CODE centroid",
                                             fix: "use the attribute table of the census small-area boundaries, which has centroids")
                }
                let population = try table.number(r, jinko).map { Int($0) }
                let water = try hcode.map { try table.number(r, $0) == 8154 } ?? false
                let isLargest = try largest.map { try table.text(r, $0) == "M" } ?? true
                rows.append(Row(code: try table.text(r, key), prefecture: try table.text(r, ken), gstName: try table.text(r, gst),
                                cssName: try table.text(r, css), name: try table.text(r, moji), population: population,
                                longitude: lon, latitude: lat, isWater: water, isLargestPart: isLargest))
            }
        }
        try self.init(rows: rows)
    }

    /// Builds a gazetteer from rows (e.g. a fixture).
    public init(rows input: [Row]) throws {
        // Merge rows by code.
        var byCode: [String: (row: Row, population: Int?)] = [:]
        var skipped = 0
        for row in input {
            let code = row.code.trimmingCharacters(in: .whitespaces)
            guard code.count >= 9 else { skipped += 1; continue }
            guard code.allSatisfy({ $0.isASCII && $0.isNumber }) else {
                throw GeocodingDataError("gazetteer: KEY_CODE \"\(code)\" of \(row.name) is not 9 or 11 digits; use the census small-area attribute table as published")
            }
            if var existing = byCode[code] {
                if let p = row.population { existing.population = (existing.population ?? 0) + p }
                if row.isLargestPart && !existing.row.isLargestPart { existing.row = row }
                byCode[code] = existing
            } else {
                byCode[code] = (row, row.population)
            }
        }
        var areas: [SmallArea] = []
        areas.reserveCapacity(byCode.count)
        var municipalityRows: [String: Row] = [:]
        for (code, (row, population)) in byCode.sorted(by: { $0.key < $1.key }) {
            let m = String(code.prefix(5))
            areas.append(SmallArea(code: code, municipalityCode: m, name: row.name, population: population,
                                   longitude: row.longitude, latitude: row.latitude, isWater: row.isWater))
            if municipalityRows[m] == nil { municipalityRows[m] = row }
        }
        // Municipalities.
        var municipalities: [Municipality] = []
        var indexOfMunicipality: [String: Int] = [:]
        var sums: [String: (w: Double, x: Double, y: Double, n: Int, p: Int?, sx: Double, sy: Double)] = [:]
        for a in areas where !a.isWater {
            var s = sums[a.municipalityCode] ?? (0, 0, 0, 0, nil, 0, 0)
            let w = Double(a.population ?? 0)
            s.w += w; s.x += w * a.longitude; s.y += w * a.latitude
            s.n += 1; s.sx += a.longitude; s.sy += a.latitude
            if let p = a.population { s.p = (s.p ?? 0) + p }
            sums[a.municipalityCode] = s
        }
        for (code, row) in municipalityRows.sorted(by: { $0.key < $1.key }) {
            let gst = row.gstName, css = row.cssName
            var name = gst + css, county: String? = nil, city: String? = nil
            if gst.hasSuffix("郡") { county = gst; name = css }
            else if gst.hasSuffix("市") && css.hasSuffix("区") { city = gst }
            else if gst.isEmpty { name = css }
            let s = sums[code] ?? (0, 0, 0, 0, nil, 0, 0)
            let lon = s.w > 0 ? s.x / s.w : (s.n > 0 ? s.sx / Double(s.n) : row.longitude)
            let lat = s.w > 0 ? s.y / s.w : (s.n > 0 ? s.sy / Double(s.n) : row.latitude)
            indexOfMunicipality[code] = municipalities.count
            municipalities.append(Municipality(code: code, prefecture: row.prefecture, name: name, county: county, city: city,
                                               population: s.p, longitude: lon, latitude: lat))
        }
        // Town index.
        var towns = [[NameKey: Town]](repeating: [:], count: municipalities.count)
        for (i, a) in areas.enumerated() where !a.isWater && !a.name.isEmpty {
            // Every area's municipality was indexed above (its code is a key of municipalityRows).
            guard let m = indexOfMunicipality[a.municipalityCode] else { continue }
            let (base, chome) = Gazetteer.splitName(a.name)
            for key in Gazetteer.townKeys(base).map(NameKey.init) {
                var town = towns[m][key] ?? Town(name: base.display)
                if let chome { town.chome[chome, default: []].append(i) } else { town.whole.append(i) }
                towns[m][key] = town
            }
        }
        // Municipality names.
        var names: [NameKey: [(index: Int, strength: Int)]] = [:]
        func add(_ text: String, _ index: Int, _ strength: Int) {
            let key = NameKey(AddressNormalizer.normalize(text))
            guard !key.scalars.isEmpty else { return }
            var list = names[key, default: []]
            if let k = list.firstIndex(where: { $0.index == index }) {
                list[k].strength = max(list[k].strength, strength)
            } else {
                list.append((index, strength))
            }
            names[key] = list
        }
        for (i, m) in municipalities.enumerated() {
            add(m.name, i, 3)
            if let county = m.county { add(county + m.name, i, 3) }
            if let city = m.city {
                add(city, i, 2)
                add(String(m.name.dropFirst(city.count)), i, 1)
            }
        }
        self.smallAreas = areas
        self.municipalities = municipalities
        self.skippedRows = skipped
        self.towns = towns
        self.longestTownName = towns.map { $0.keys.map(\.scalars.count).max() ?? 0 }
        self.municipalityNames = names
        self.longestMunicipalityName = names.keys.map(\.scalars.count).max() ?? 0
        self.normalizedPrefectures = municipalities.map { AddressNormalizer.normalize($0.prefecture) }
        self.prefectures = Set(normalizedPrefectures).sorted { ($0.count, $0) > ($1.count, $1) }
        self.prefectureScalars = prefectures.map { ($0, Array($0.unicodeScalars)) }
    }

    /// The area with this `KEY_CODE`, if any.
    public func smallArea(_ code: String) -> SmallArea? {
        var low = 0, high = smallAreas.count
        while low < high {
            let mid = (low + high) / 2
            if smallAreas[mid].code < code { low = mid + 1 } else { high = mid }
        }
        return low < smallAreas.count && smallAreas[low].code == code ? smallAreas[low] : nil
    }

    /// The municipality with this 5-digit code, if any.
    public func municipality(_ code: String) -> Municipality? {
        municipalityIndex(code).map { municipalities[$0] }
    }

    func municipalityIndex(_ code: String) -> Int? {
        var low = 0, high = municipalities.count
        while low < high {
            let mid = (low + high) / 2
            if municipalities[mid].code < code { low = mid + 1 } else { high = mid }
        }
        return low < municipalities.count && municipalities[low].code == code ? low : nil
    }

    /// A published name split into its base (normalised, without 大字 and bracketed notes) and its
    /// 丁目 number: `大曽根二丁目` → (`大曽根`, 2); `八丁目` (a town so named) → (`8丁目`, nil).
    static func splitName(_ name: String) -> (base: (key: String, display: String), chome: Int?) {
        var text = AddressNormalizer.normalize(name)
        // Drop bracketed notes: 下大多喜（峯之越） → 下大多喜.
        while let open = text.firstIndex(where: { $0 == "(" || $0 == "（" }) {
            let close = text[open...].firstIndex(where: { $0 == ")" || $0 == "）" }) ?? text.endIndex
            text.removeSubrange(open..<(close == text.endIndex ? close : text.index(after: close)))
        }
        if text.hasPrefix("大字") { text.removeFirst(2) }
        var display = name
        if display.hasPrefix("大字") { display.removeFirst(2) }
        let scalars = Array(text.unicodeScalars)
        if scalars.count > 2, scalars[scalars.count - 2] == "丁", scalars[scalars.count - 1] == "目" {
            var start = scalars.count - 2
            while start > 0, scalars[start - 1].properties.numericType != nil, scalars[start - 1].isASCII { start -= 1 }
            if start < scalars.count - 2, start > 0, let number = Int(String(String.UnicodeScalarView(scalars[start..<(scalars.count - 2)]))) {
                let base = String(String.UnicodeScalarView(scalars[0..<start]))
                if let cut = display.range(of: "丁目", options: .backwards) {
                    var d = String(display[..<cut.lowerBound])
                    while let last = d.unicodeScalars.last,
                          last.properties.numericType != nil || AddressNormalizer.kanjiDigit[last] != nil || AddressNormalizer.kanjiMultiplier[last] != nil {
                        d.unicodeScalars.removeLast()
                    }
                    display = d
                }
                return ((base, display), number)
            }
        }
        return ((text, display), nil)
    }

    /// The index keys of a base name: itself, and, for `X字Y`, also `X` (addresses often omit the 字).
    static func townKeys(_ base: (key: String, display: String)) -> [String] {
        var keys = [base.key]
        if let ji = base.key.firstIndex(of: "字"), ji != base.key.startIndex {
            keys.append(String(base.key[..<ji]))
        }
        return keys
    }
}
