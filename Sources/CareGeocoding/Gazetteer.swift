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
        /// The normalised base name (the index key).
        var key: [UInt32]
        /// The municipality's index.
        var municipality: Int
        /// 丁目 number → area indices.
        var chome: [Int: [Int]] = [:]
        /// Areas whose name has no 丁目.
        var whole: [Int] = []
        /// Every area, sorted; their codes; their population-weighted centroid (set when the index is built).
        var all: [Int] = []
        var codes: [String] = []
        var centroid: (longitude: Double, latitude: Double) = (0, 0)
    }

    /// Every town; ``townTrie`` under ``townRoots``[municipality] maps a normalised base name to its index here.
    let towns: [Town]
    let townTrie: NameTrie
    let townRoots: [Int32]
    /// The towns of each municipality (indices into ``towns``).
    let townsOfMunicipality: [[Int]]
    /// Normalised municipality name variants (root 1) → index into ``municipalityNameEntries``.
    let municipalityTrie: NameTrie
    /// For each name variant: (municipality index, strength 3 full, 2 city only, 1 ward only).
    let municipalityNameEntries: [[(index: Int, strength: Int)]]
    /// The normalised prefecture names present in the gazetteer.
    let prefectureScalars: [[UInt32]]
    /// Each municipality's prefecture, an index into ``prefectureScalars``.
    let municipalityPrefecture: [Int]
    /// Each municipality's normalised name (``Municipality/name``).
    let normalizedMunicipalityNames: [[UInt32]]
    /// Each area's name as an identifier: areas share one when their published names are the same
    /// once normalised and stripped of the census's part numbers (`（１）`, `（番２）`, `（番）`: 新磯野（１）２丁目
    /// and 新磯野（３）２丁目 are both 新磯野２丁目). Other bracketed notes (`下大多喜（台）`, a 字) and a
    /// leading 大字 (大字鰭ケ崎 beside 鰭ケ崎, two different 町字) keep names apart.
    let partNames: [Int32]

    /// Reads the e-Stat attribute tables (`.dbf`) of one or more prefectures.
    ///
    /// - Throws: ``DBFError`` for a damaged table, ``GeocodingDataError`` for a missing field or a
    ///   bad code, naming the file and record.
    public init(dbfFiles: [URL]) throws {
        try self.init(tables: dbfFiles.map { url throws(DBFError) in try DBFTable(contentsOf: url) })
    }

    /// Builds a gazetteer from e-Stat attribute tables already read (e.g. shared with the ward
    /// allocation of population, so that each file is read once per study load).
    ///
    /// - Throws: as ``init(dbfFiles:)``.
    public init(tables: [DBFTable]) throws {
        var rows: [Row] = []
        for table in tables {
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
            var code = row.code
            if code.utf8.first == 0x20 || code.utf8.last == 0x20 { code = code.trimmingCharacters(in: .whitespaces) }
            guard code.unicodeScalars.count >= 9 else { skipped += 1; continue }
            guard code.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else {
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
        var trie = NameTrie.Builder()
        var townRoots: [Int32] = []
        for _ in municipalities { townRoots.append(trie.root()) }
        var towns: [Town] = []
        var townsOfMunicipality = [[Int]](repeating: [], count: municipalities.count)
        for (i, a) in areas.enumerated() where !a.isWater && !a.name.isEmpty {
            // Every area's municipality was indexed above (its row is the municipality's first).
            guard let m = indexOfMunicipality[a.municipalityCode] else { continue }
            let (key, display, chome) = Gazetteer.splitName(a.name)
            for k in Gazetteer.townKeys(key) {
                let node = trie.node(k, root: townRoots[m])
                var t = Int(trie.values[Int(node)])
                if t < 0 {
                    t = towns.count
                    towns.append(Town(name: display, key: k, municipality: m))
                    townsOfMunicipality[m].append(t)
                    trie.setValue(Int32(t), at: node)
                }
                if let chome { towns[t].chome[chome, default: []].append(i) } else { towns[t].whole.append(i) }
            }
        }
        for t in towns.indices {
            let all = Array(Set(towns[t].whole + towns[t].chome.values.flatMap { $0 })).sorted()
            towns[t].all = all
            towns[t].codes = all.map { areas[$0].code }
            towns[t].centroid = Gazetteer.centroid(of: all, in: areas)
        }
        // Municipality names.
        var nameTrie = NameTrie.Builder()
        let nameRoot = nameTrie.root()
        var entries: [[(index: Int, strength: Int)]] = []
        func add(_ text: String, _ index: Int, _ strength: Int) {
            let key = AddressNormalizer.scalars(text)
            guard !key.isEmpty else { return }
            let node = nameTrie.node(key, root: nameRoot)
            var e = Int(nameTrie.values[Int(node)])
            if e < 0 {
                e = entries.count
                entries.append([])
                nameTrie.setValue(Int32(e), at: node)
            }
            if let k = entries[e].firstIndex(where: { $0.index == index }) {
                entries[e][k].strength = max(entries[e][k].strength, strength)
            } else {
                entries[e].append((index, strength))
            }
        }
        for (i, m) in municipalities.enumerated() {
            add(m.name, i, 3)
            if let county = m.county { add(county + m.name, i, 3) }
            if let city = m.city {
                add(city, i, 2)
                add(String(m.name.dropFirst(city.count)), i, 1)
            }
        }
        var prefectureScalars: [[UInt32]] = []
        var municipalityPrefecture: [Int] = []
        for m in municipalities {
            let p = AddressNormalizer.scalars(m.prefecture)
            if let k = prefectureScalars.firstIndex(of: p) {
                municipalityPrefecture.append(k)
            } else {
                municipalityPrefecture.append(prefectureScalars.count)
                prefectureScalars.append(p)
            }
        }
        self.smallAreas = areas
        self.municipalities = municipalities
        self.skippedRows = skipped
        self.towns = towns
        self.townTrie = trie.build()
        self.townRoots = townRoots
        self.townsOfMunicipality = townsOfMunicipality
        self.municipalityTrie = nameTrie.build()
        self.municipalityNameEntries = entries
        self.prefectureScalars = prefectureScalars
        self.municipalityPrefecture = municipalityPrefecture
        self.normalizedMunicipalityNames = municipalities.map { AddressNormalizer.scalars($0.name) }
        var partIDs: [[UInt32]: Int32] = [:]
        self.partNames = areas.map { area in
            let key = Gazetteer.withoutPartNumbers(AddressNormalizer.scalars(area.name))
            if let id = partIDs[key] { return id }
            let id = Int32(partIDs.count)
            partIDs[key] = id
            return id
        }
    }

    /// The root of every municipality name in ``municipalityTrie``.
    static let municipalityRoot: Int32 = 1

    /// Population-weighted centroid of areas (plain mean when none has people).
    static func centroid(of indices: [Int], in areas: [SmallArea]) -> (longitude: Double, latitude: Double) {
        var w = 0.0, x = 0.0, y = 0.0, sx = 0.0, sy = 0.0
        for i in indices {
            let a = areas[i]
            let p = Double(a.population ?? 0)
            w += p; x += p * a.longitude; y += p * a.latitude; sx += a.longitude; sy += a.latitude
        }
        return w > 0 ? (x / w, y / w) : (sx / Double(indices.count), sy / Double(indices.count))
    }

    /// The town named `key` (normalised) in municipality `municipality`.
    func town<C: Collection>(named key: C, in municipality: Int) -> Int? where C.Element == UInt32 {
        townTrie.value(of: key, root: townRoots[municipality]).map(Int.init)
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

    /// A published name split into its base (normalised, without 大字 and bracketed notes; and as
    /// published, without 大字 and the 丁目) and its 丁目 number: `大曽根二丁目` → (`大曽根`, 2);
    /// `八丁目` (a town so named) → (`8丁目`, nil).
    static func splitName(_ name: String) -> (key: [UInt32], display: String, chome: Int?) {
        var text = AddressNormalizer.scalars(name)
        // Drop bracketed notes: 下大多喜（峯之越） → 下大多喜 (full-width brackets are ASCII by now).
        while let open = text.firstIndex(of: 0x28) {
            let close = text[open...].firstIndex(of: 0x29).map { $0 + 1 } ?? text.endIndex
            text.removeSubrange(open..<close)
        }
        let oaza: [UInt32] = [0x5927, 0x5B57]  // 大字
        if text.starts(with: oaza) { text.removeFirst(2) }
        var display = Array(name.unicodeScalars)
        if display.starts(with: "大字".unicodeScalars) { display.removeFirst(2) }
        let n = text.count
        if n > 2, text[n - 2] == 0x4E01, text[n - 1] == 0x76EE {  // 丁目
            var start = n - 2
            while start > 0, text[start - 1] >= 0x30, text[start - 1] <= 0x39 { start -= 1 }
            if start < n - 2, start > 0, n - 2 - start <= 4 {
                let number = text[start..<(n - 2)].reduce(0) { $0 * 10 + Int($1 - 0x30) }
                if let cut = Gazetteer.lastRange(of: [0x4E01, 0x76EE], in: display) {
                    display.removeSubrange(cut...)
                    while let last = display.last,
                          last.properties.numericType != nil || AddressNormalizer.isKanjiNumeral(last.value) {
                        display.removeLast()
                    }
                }
                return (Array(text[0..<start]), String(String.UnicodeScalarView(display)), number)
            }
        }
        return (text, String(String.UnicodeScalarView(display)), nil)
    }

    /// Where `needle` last occurs in `scalars`.
    private static func lastRange(of needle: [UInt32], in scalars: [Unicode.Scalar]) -> Int? {
        guard scalars.count >= needle.count else { return nil }
        for start in stride(from: scalars.count - needle.count, through: 0, by: -1)
        where zip(scalars[start...], needle).allSatisfy({ $0.value == $1 }) {
            return start
        }
        return nil
    }

    /// A normalised name without the census's part numbers in brackets: `(1)`, `(番2)`, `(番)`.
    static func withoutPartNumbers(_ name: [UInt32]) -> [UInt32] {
        var text = name
        var search = text.startIndex
        while let open = text[search...].firstIndex(of: 0x28) {
            guard let close = text[open...].firstIndex(of: 0x29) else { break }
            let inside = text[(open + 1)..<close]
            let digits = inside.first == 0x756A ? inside.dropFirst() : inside[...]  // 番
            if digits.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) {
                text.removeSubrange(open...close)
                search = open
            } else {
                search = close + 1
            }
        }
        return text
    }

    /// The index keys of a base name: itself, and, for `X字Y`, also `X` (addresses often omit the 字).
    static func townKeys(_ key: [UInt32]) -> [[UInt32]] {
        if let ji = key.firstIndex(of: 0x5B57), ji != 0 { return [key, Array(key[..<ji])] }
        return [key]
    }
}
