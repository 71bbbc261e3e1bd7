import Foundation

/// How precisely an address was placed.
public enum MatchLevel: String, Sendable, Hashable, CaseIterable, Comparable {
    /// A single census small area (町丁・字): its `KEY_CODE` is known.
    case chome = "町丁"
    /// A town (町・大字) made of several small areas, without telling which.
    case town = "大字・町"
    /// Only the municipality (from the address or the postal code).
    case municipality = "市区町村"
    /// Not placed.
    case unmatched = "unmatched"

    private var rank: Int {
        switch self {
        case .chome: 0
        case .town: 1
        case .municipality: 2
        case .unmatched: 3
        }
    }
    public static func < (a: MatchLevel, b: MatchLevel) -> Bool { a.rank < b.rank }

    /// The English label used in messages and tables.
    public var englishName: String {
        switch self {
        case .chome: return "small area (chome)"
        case .town: return "town (oaza/machi)"
        case .municipality: return "municipality"
        case .unmatched: return "unmatched"
        }
    }
}

/// Why a record was not placed more precisely (or a note on how it was placed).
public enum MatchReason: String, Sendable, Hashable, CaseIterable, Comparable {
    /// Neither an address nor a postal code was given.
    case noInput = "no address and no postal code"
    /// The address names a prefecture that the gazetteer does not cover.
    case prefectureNotCovered = "prefecture not in the gazetteer"
    /// No municipality name of the gazetteer begins the address.
    case municipalityNotFound = "municipality not recognised in the address"
    /// The address names a municipality that several of the gazetteer share (`南区` alone).
    case municipalityAmbiguous = "municipality name shared by several municipalities"
    /// The municipality is known but no 町・大字 of it begins the rest of the address.
    case townNotFound = "town (machi/oaza) not found in the municipality"
    /// The town has 丁目 but the address gives none.
    case chomeMissing = "no chome number in the address"
    /// The address gives a 丁目 the census table of the town does not have.
    case chomeNotFound = "chome not in the census table of the town"
    /// The town is split into several census small areas with different names (字) and the address
    /// does not say which.
    case townSplit = "town split into several small areas"
    /// The census divides the 町丁・字 the address names into several small areas that share that
    /// very name (伊奈町大字小室 ×10, 小平市小川町１丁目 ×5): nothing in an address or the census
    /// table tells them apart, so the record stays at the town level.
    case townSplitSameName = "census divides the named chome/aza into same-named small areas"
    /// A note: the town was taken from the postal code's 町域 (the address did not name one the
    /// gazetteer has, or there was no address).
    case townFromPostalCode = "town from the postal code's 町域"
    /// The postal code is not 7 digits.
    case postalCodeInvalid = "postal code is not 7 digits"
    /// The postal code is not in the postal table (a business code, or a mistyped one).
    case postalCodeUnknown = "postal code not in the postal table"
    /// The postal code names several municipalities and nothing decides between them.
    case postalCodeAmbiguous = "postal code shared by several municipalities"
    /// The municipality of the postal code differs from that of the address (the address is used).
    case postalAddressDisagree = "postal code and address name different municipalities"
    /// The postal code's municipality is not in the gazetteer.
    case postalMunicipalityNotCovered = "postal code's municipality not in the gazetteer"

    public static func < (a: MatchReason, b: MatchReason) -> Bool { a.rawValue < b.rawValue }
}

/// Where a municipality came from.
public enum MatchBasis: String, Sendable, Hashable, CaseIterable {
    case address
    case postalCode = "postal code"
    case none
}

/// The outcome of geocoding one record.
public struct GeocodeResult: Sendable, Hashable {
    /// How precisely the record was placed.
    public let level: MatchLevel
    /// Whether the municipality came from the address or the postal code.
    public let basis: MatchBasis
    /// The 5-digit municipality code (nil when unmatched).
    public let municipalityCode: String?
    /// The census small area's `KEY_CODE` (level ``MatchLevel/chome`` only).
    public let smallAreaCode: String?
    /// The `KEY_CODE`s of the matched town's areas (levels 町丁 and 大字・町).
    public let townAreaCodes: [String]
    /// The town's name as published (levels 町丁 and 大字・町).
    public let townName: String?
    /// Longitude and latitude of the matched unit's centroid (small area, town: population-weighted
    /// mean of its areas, municipality: of all its areas); nil when unmatched.
    public let longitude: Double?
    public let latitude: Double?
    /// Why the record is not placed more precisely, and notes (a postal code that disagrees with
    /// the address), most important first; empty for a clean 町丁 match.
    public let reasons: [MatchReason]
    /// Municipality codes among which the record could not decide (ambiguous cases).
    public let candidates: [String]
}

/// Places Japanese addresses and postal codes offline, on a ``Gazetteer`` of census small areas
/// and, optionally, a ``PostalTable``.
///
/// ## Method
/// 1. The address is normalised (``AddressNormalizer``: widths, spaces, ヶ/ケ/が, 之/ノ, old kanji,
///    dashes, kanji numerals before 丁目・番・号).
/// 2. A leading prefecture name (any of the 47) is taken off; one the gazetteer does not cover
///    makes the record unmatched (`prefecture not in the gazetteer`). Without a prefecture, every
///    prefecture of the gazetteer is searched.
/// 3. The municipality is the longest name of the gazetteer that begins the rest: the full name
///    (`横浜市南区`, `文京区`, `南埼玉郡宮代町`, `宮代町`), else a designated city alone (`横浜市`:
///    its wards are candidates), else a ward alone (`南区`: every ward so named is a candidate).
///    Candidates are narrowed by the prefecture, then by the postal code's municipalities, then by
///    which of them has the town that follows; several left → `municipality name shared by several
///    municipalities`.
/// 4. The town (町・大字) is the longest base name of the municipality's small areas that begins the
///    rest, after a leading `大字` or `字` is dropped (names are indexed without `大字`, without
///    bracketed notes, and `X字Y` also under `X`).
/// 5. The 丁目: when the town has 丁目, the first number after the town name (`1丁目`, `1-5-45`,
///    `一丁目` → 1) is the 丁目. A 丁目 the table has → level 町丁 (its `KEY_CODE`); one it lacks, or
///    none given → level 大字・町. A town without 丁目 that is one small area → 町丁; split into
///    several → 大字・町: `town split into several small areas` when the parts are different 字
///    the address does not name, `census divides the named chome/aza into same-named small areas`
///    when the census gives every part the very name the address matched (伊奈町大字小室 ×10,
///    小平市小川町１丁目 ×5) — the 2015 attribute tables carry no 番地 ranges, so no part is
///    guessed. `2丁21番` (丁 without 目) gives 丁目 2. Everything after (番地, 号, building names,
///    floors) is ignored.
/// 6. The postal code, when given, is looked up in the postal table. With a placed address it
///    only checks it (a different municipality is noted, `postal code and address name different
///    municipalities`, and the address wins). Without a usable address it gives the municipality
///    (level 市区町村, basis postal code) when it names one; a code naming several is resolved by
///    a municipality name in the address text, otherwise reported ambiguous with its candidates —
///    never guessed. When the code's rows in that municipality all name one 町域 that the gazetteer
///    has as a town, the record is placed in that town (大字・町; 町丁 when the town is one small
///    area), with the note `town from the postal code's 町域`; the same when the address names
///    the municipality but no town the gazetteer has.
///
/// Thread safety: immutable; ``geocode(address:postalCode:)`` may be called from any thread.
public struct Geocoder: Sendable {
    public let gazetteer: Gazetteer
    public let postalTable: PostalTable?

    public init(gazetteer: Gazetteer, postalTable: PostalTable? = nil) {
        self.gazetteer = gazetteer
        self.postalTable = postalTable
    }

    /// Geocodes one record. Either argument may be nil or empty.
    public func geocode(address: String?, postalCode: String? = nil) -> GeocodeResult {
        let addressText = address.map(AddressNormalizer.normalize) ?? ""
        let postalText = postalCode ?? ""
        var postalReasons: [MatchReason] = []
        var postalMunicipalities: [String]? = nil
        if postalText.unicodeScalars.contains(where: { $0.value > 0x20 && $0.value != 0x3000 }) {
            if PostalTable.normalizePostalCode(postalText) == nil {
                postalReasons.append(.postalCodeInvalid)
            } else if let table = postalTable {
                let codes = table.municipalityCodes(for: postalText)
                if codes.isEmpty { postalReasons.append(.postalCodeUnknown) } else { postalMunicipalities = codes }
            }
        }
        if addressText.isEmpty {
            guard postalMunicipalities != nil || !postalReasons.isEmpty else {
                return unmatched([.noInput])
            }
            return fromPostal(postalMunicipalities, postalCode: postalText, reasons: postalReasons, addressHint: nil)
        }
        let placed = matchAddress(addressText, hint: postalMunicipalities)
        if placed.level == .unmatched {
            // Fall back on the postal code.
            if postalMunicipalities != nil {
                let r = fromPostal(postalMunicipalities, postalCode: postalText, reasons: placed.reasons + postalReasons, addressHint: addressText)
                return r
            }
            return with(placed, extra: postalReasons)
        }
        if let codes = postalMunicipalities, let m = placed.municipalityCode, !codes.contains(m) {
            return with(placed, extra: [.postalAddressDisagree] + postalReasons)
        }
        // The address gave the municipality only: the postal code's 町域 may name the town.
        if placed.level == .municipality, let m = placed.municipalityCode,
           let town = postalTown(postalText, municipalityCode: m, basis: .address, reasons: placed.reasons + postalReasons) {
            return town
        }
        return with(placed, extra: postalReasons)
    }

    /// Geocodes many records, in parallel on all cores; results in input order (deterministic:
    /// each record's result depends on that record only).
    public func geocode(_ records: [(address: String?, postalCode: String?)]) -> [GeocodeResult] {
        let chunk = 2048
        let chunks = (records.count + chunk - 1) / chunk
        let results = UnsafeMutableBufferPointer<GeocodeResult?>.allocate(capacity: records.count)
        results.initialize(repeating: nil)
        defer { results.deallocate() }
        nonisolated(unsafe) let shared = results
        DispatchQueue.concurrentPerform(iterations: chunks) { c in
            for i in (c * chunk)..<min(records.count, (c + 1) * chunk) {
                shared[i] = geocode(address: records[i].address, postalCode: records[i].postalCode)
            }
        }
        return results.map { $0! }
    }

    /// The town named by the postal code's 町域 in municipality `municipalityCode`, when every row of
    /// the code in that municipality names the same 町域 and the gazetteer has a town of that name
    /// there: level 町丁 when the 町域 is one small area (or names a 丁目 that is one), 大字・町
    /// otherwise. Nil when the 町域 is absent (`以下に掲載がない場合`), several, or not in the gazetteer.
    func postalTown(_ postalCode: String, municipalityCode: String, basis: MatchBasis, reasons: [MatchReason]) -> GeocodeResult? {
        guard let table = postalTable, let mi = gazetteer.municipalityIndex(municipalityCode) else { return nil }
        let entries = table.entries(for: postalCode).filter { $0.municipalityCode == municipalityCode }
        guard !entries.isEmpty, entries.allSatisfy({ $0.town != nil }), Set(entries.compactMap(\.town)).count == 1,
              let name = entries[0].town
        else { return nil }
        let (base, chome) = Gazetteer.splitName(name)
        guard let town = gazetteer.towns[mi][Gazetteer.NameKey(base.key)] else { return nil }
        let m = gazetteer.municipalities[mi]
        let all = town.all
        let codes = all.map { gazetteer.smallAreas[$0].code }
        var one: Int? = all.count == 1 ? all[0] : nil
        if let chome, let areas = town.chome[chome], areas.count == 1 { one = areas[0] }
        if let one {
            let a = gazetteer.smallAreas[one]
            return GeocodeResult(level: .chome, basis: basis, municipalityCode: m.code, smallAreaCode: a.code, townAreaCodes: codes,
                                 townName: town.name, longitude: a.longitude, latitude: a.latitude,
                                 reasons: reasons.filter { $0 != .townNotFound } + [.townFromPostalCode], candidates: [])
        }
        let (lon, lat) = centroid(all)
        let why: MatchReason = town.whole.isEmpty ? .chomeMissing
            : (Set(all.map { gazetteer.smallAreas[$0].name }).count == 1 ? .townSplitSameName : .townSplit)
        return GeocodeResult(level: .town, basis: basis, municipalityCode: m.code, smallAreaCode: nil, townAreaCodes: codes,
                             townName: town.name, longitude: lon, latitude: lat,
                             reasons: [why] + reasons.filter { $0 != .townNotFound } + [.townFromPostalCode], candidates: [])
    }

    /// The municipality named by a postal code alone (and its town, when the 町域 names one).
    private func fromPostal(_ codes: [String]?, postalCode: String, reasons: [MatchReason], addressHint: String?) -> GeocodeResult {
        guard var codes else { return unmatched(reasons) }
        if codes.count > 1, let hint = addressHint {
            let named = codes.filter { code in
                guard let m = gazetteer.municipality(code) else { return false }
                return hint.contains(AddressNormalizer.normalize(m.name))
            }
            if named.count == 1 { codes = named }
        }
        guard codes.count == 1 else {
            return GeocodeResult(level: .unmatched, basis: .none, municipalityCode: nil, smallAreaCode: nil, townAreaCodes: [],
                                 townName: nil, longitude: nil, latitude: nil, reasons: reasons + [.postalCodeAmbiguous],
                                 candidates: codes)
        }
        guard let m = gazetteer.municipality(codes[0]) else {
            return GeocodeResult(level: .unmatched, basis: .none, municipalityCode: nil, smallAreaCode: nil, townAreaCodes: [],
                                 townName: nil, longitude: nil, latitude: nil, reasons: reasons + [.postalMunicipalityNotCovered],
                                 candidates: codes)
        }
        if let town = postalTown(postalCode, municipalityCode: m.code, basis: .postalCode, reasons: reasons) { return town }
        return GeocodeResult(level: .municipality, basis: .postalCode, municipalityCode: m.code, smallAreaCode: nil,
                             townAreaCodes: [], townName: nil, longitude: m.longitude, latitude: m.latitude,
                             reasons: reasons, candidates: [])
    }

    private func unmatched(_ reasons: [MatchReason], candidates: [String] = []) -> GeocodeResult {
        GeocodeResult(level: .unmatched, basis: .none, municipalityCode: nil, smallAreaCode: nil, townAreaCodes: [], townName: nil,
                      longitude: nil, latitude: nil, reasons: reasons, candidates: candidates)
    }

    private func with(_ r: GeocodeResult, extra: [MatchReason]) -> GeocodeResult {
        guard !extra.isEmpty else { return r }
        return GeocodeResult(level: r.level, basis: r.basis, municipalityCode: r.municipalityCode, smallAreaCode: r.smallAreaCode,
                             townAreaCodes: r.townAreaCodes, townName: r.townName, longitude: r.longitude, latitude: r.latitude,
                             reasons: r.reasons + extra, candidates: r.candidates)
    }

    // MARK: - Address

    /// Matches a normalised address.
    func matchAddress(_ text: String, hint: [String]?) -> GeocodeResult {
        let input = Array(text.unicodeScalars)
        var prefecture: String? = nil
        var start = 0
        for (name, scalars) in gazetteer.prefectureScalars + Geocoder.prefectureScalars where input.starts(with: scalars) {
            prefecture = name
            start = scalars.count
            break
        }
        if let prefecture, !gazetteer.prefectures.contains(prefecture) {
            return unmatched([.prefectureNotCovered])
        }
        // Municipality: the longest name variant that begins the rest.
        var scalars = Array(input[start...])
        var candidates = municipalityCandidates(scalars, prefecture: prefecture)
        // Tokyo's islands are written with the island first: 八丈島八丈町, 三宅島三宅村.
        if candidates.isEmpty, let island = scalars.prefix(4).firstIndex(of: "島"), island > 0 {
            let skipped = Array(scalars[(island + 1)...])
            candidates = municipalityCandidates(skipped, prefecture: prefecture)
            if !candidates.isEmpty { scalars = skipped }
        }
        guard !candidates.isEmpty else { return unmatched([.municipalityNotFound]) }
        var remainder = Array(scalars[candidates[0].length...])
        // The municipality written twice (藤沢市藤沢市高倉), as some registries do: the rest after the
        // second copy is used when it begins with a town (a town named like its municipality, 空町空町1, still matches).
        let written = Array(scalars[0..<candidates[0].length])
        // "横浜市" followed by "南区": the full variant is longer and wins above; a ward name after a
        // city-only match is skipped here when the city-only match was chosen (e.g. "横浜市 南区" typed oddly).
        if let hint, candidates.count > 1 {
            let narrowed = candidates.filter { hint.contains(gazetteer.municipalities[$0.index].code) }
            if !narrowed.isEmpty { candidates = narrowed }
        }
        // Town: strip 大字 / 字.
        if remainder.starts(with: "大字".unicodeScalars) { remainder.removeFirst(2) }
        else if remainder.first == "字" { remainder.removeFirst() }

        var townMatches = townsBeginning(remainder, candidates.map(\.index))
        if remainder.starts(with: written) {
            let stripped = Array(remainder.dropFirst(written.count))
            let again = townsBeginning(stripped, candidates.map(\.index))
            if !again.isEmpty { remainder = stripped; townMatches = again }
        }

        if townMatches.isEmpty, candidates.count == 1 {
            // An 大字 whose census areas are named 大字+字 without the 字 (大久野 → 大字大久野落合, 大字大久野岩井…).
            let lead = String(String.UnicodeScalarView(remainder.prefix { !($0.value >= 0x30 && $0.value <= 0x39) && $0 != "-" }))
            if lead.unicodeScalars.count >= 2 {
                let leadKey = Gazetteer.NameKey(lead)
                let keys = gazetteer.towns[candidates[0].index].keys.filter { $0.scalars.starts(with: leadKey.scalars) }.sorted()
                if !keys.isEmpty {
                    let m = gazetteer.municipalities[candidates[0].index]
                    let towns = keys.compactMap { gazetteer.towns[candidates[0].index][$0] }  // keys of that dictionary
                    let all = Array(Set(towns.flatMap(\.all))).sorted()
                    let (lon, lat) = centroid(all)
                    if all.count == 1 {
                        let a = gazetteer.smallAreas[all[0]]
                        return GeocodeResult(level: .chome, basis: .address, municipalityCode: m.code, smallAreaCode: a.code,
                                             townAreaCodes: [a.code], townName: towns[0].name, longitude: a.longitude,
                                             latitude: a.latitude, reasons: [], candidates: [])
                    }
                    return GeocodeResult(level: .town, basis: .address, municipalityCode: m.code, smallAreaCode: nil,
                                         townAreaCodes: all.map { gazetteer.smallAreas[$0].code }, townName: lead,
                                         longitude: lon, latitude: lat, reasons: [.townSplit], candidates: [])
                }
            }
        }
        if townMatches.isEmpty {
            guard candidates.count == 1 else {
                return unmatched([.municipalityAmbiguous], candidates: candidates.map { gazetteer.municipalities[$0.index].code }.sorted())
            }
            let m = gazetteer.municipalities[candidates[0].index]
            return GeocodeResult(level: .municipality, basis: .address, municipalityCode: m.code, smallAreaCode: nil, townAreaCodes: [],
                                 townName: nil, longitude: m.longitude, latitude: m.latitude, reasons: [.townNotFound], candidates: [])
        }
        guard townMatches.count == 1 else {
            return unmatched([.municipalityAmbiguous],
                             candidates: townMatches.map { gazetteer.municipalities[$0.municipality].code }.sorted())
        }
        let match = townMatches[0]
        let municipality = gazetteer.municipalities[match.municipality]
        let town = match.town
        let after = remainder[match.length...]
        // 丁目: the first number after the town name.
        var chome: Int? = nil
        if !town.chome.isEmpty {
            var digits = 0
            var value = 0
            var k = after.startIndex
            while k < after.endIndex, after[k].value >= 0x30, after[k].value <= 0x39, digits < 4 {
                value = value * 10 + Int(after[k].value - 0x30)
                digits += 1
                k += 1
            }
            if digits > 0 {
                let next = k < after.endIndex ? after[k] : " "
                let nextNext = k + 1 < after.endIndex ? after[k + 1] : " "
                // "1丁目", "2丁21番" (丁 without 目), "1-…", or a number ending the address; "12番" in
                // a 丁目 town is not a 丁目.
                let nextIsDigit = nextNext.value >= 0x30 && nextNext.value <= 0x39
                if (next == "丁" && (nextNext == "目" || nextIsDigit)) || next == "-" || k == after.endIndex { chome = value }
            }
        }
        let all = town.all
        let codes = all.map { gazetteer.smallAreas[$0].code }
        func townLevel(_ reason: MatchReason) -> GeocodeResult {
            let (lon, lat) = centroid(all)
            return GeocodeResult(level: .town, basis: .address, municipalityCode: municipality.code, smallAreaCode: nil,
                                 townAreaCodes: codes, townName: town.name, longitude: lon, latitude: lat, reasons: [reason], candidates: [])
        }
        func single(_ index: Int) -> GeocodeResult {
            let a = gazetteer.smallAreas[index]
            return GeocodeResult(level: .chome, basis: .address, municipalityCode: municipality.code, smallAreaCode: a.code,
                                 townAreaCodes: codes, townName: town.name, longitude: a.longitude, latitude: a.latitude, reasons: [],
                                 candidates: [])
        }
        /// Several areas: the same published name (the census divided one 町丁・字) or different 字.
        func split(_ indices: [Int]) -> MatchReason {
            Set(indices.map { gazetteer.smallAreas[$0].name }).count == 1 ? .townSplitSameName : .townSplit
        }
        if let chome {
            if let areas = town.chome[chome] { return areas.count == 1 ? single(areas[0]) : townLevel(split(areas)) }
            // Not a 丁目 of the town: a 番地 of the part not (yet) divided into 丁目 (大字黒須 1369 beside 黒須1–3丁目).
            if town.whole.count == 1 { return single(town.whole[0]) }
            return townLevel(town.whole.isEmpty ? .chomeNotFound : split(town.whole))
        }
        if town.whole.count == 1 { return single(town.whole[0]) }
        if town.whole.isEmpty { return townLevel(.chomeMissing) }
        return townLevel(split(town.whole))
    }

    /// The towns of the candidate municipalities whose base name is the longest prefix of `remainder`.
    private func townsBeginning(_ remainder: [Unicode.Scalar], _ candidates: [Int]) -> [(municipality: Int, key: Gazetteer.NameKey, length: Int, town: Gazetteer.Town)] {
        var townMatches: [(municipality: Int, key: Gazetteer.NameKey, length: Int, town: Gazetteer.Town)] = []
        var bestLength = 0
        for c in candidates {
            let towns = gazetteer.towns[c]
            var l = min(remainder.count, gazetteer.longestTownName[c])
            while l > bestLength - (townMatches.isEmpty ? 0 : 1), l > 0 {
                let key = Gazetteer.NameKey(remainder[0..<l])
                if let town = towns[key] {
                    if l > bestLength { townMatches = []; bestLength = l }
                    townMatches.append((c, key, l, town))
                    break
                }
                l -= 1
            }
        }
        return townMatches
    }

    /// The municipalities whose name variant of the greatest strength is the longest prefix of `scalars`.
    private func municipalityCandidates(_ scalars: [Unicode.Scalar], prefecture: String?) -> [(index: Int, strength: Int, length: Int)] {
        var length = min(scalars.count, gazetteer.longestMunicipalityName)
        while length > 0 {
            let key = Gazetteer.NameKey(scalars[0..<length])
            if let found = gazetteer.municipalityNames[key] {
                var list = found.filter { prefecture == nil || gazetteer.normalizedPrefectures[$0.index] == prefecture }
                if !list.isEmpty {
                    let best = list.map(\.strength).max() ?? 0  // list is not empty here
                    list = list.filter { $0.strength == best }
                    return list.map { ($0.index, $0.strength, length) }
                }
            }
            length -= 1
        }
        return []
    }

    /// Population-weighted centroid of areas (plain mean when none has people).
    func centroid(_ indices: [Int]) -> (Double, Double) {
        var w = 0.0, x = 0.0, y = 0.0, sx = 0.0, sy = 0.0
        for i in indices {
            let a = gazetteer.smallAreas[i]
            let p = Double(a.population ?? 0)
            w += p; x += p * a.longitude; y += p * a.latitude; sx += a.longitude; sy += a.latitude
        }
        return w > 0 ? (x / w, y / w) : (sx / Double(indices.count), sy / Double(indices.count))
    }

    static let prefectureScalars: [(String, [Unicode.Scalar])] = prefectureNames.map { ($0, Array($0.unicodeScalars)) }

    /// The 47 prefectures, normalised.
    static let prefectureNames: [String] = [
        "北海道", "青森県", "岩手県", "宮城県", "秋田県", "山形県", "福島県", "茨城県", "栃木県", "群馬県", "埼玉県", "千葉県",
        "東京都", "神奈川県", "新潟県", "富山県", "石川県", "福井県", "山梨県", "長野県", "岐阜県", "静岡県", "愛知県", "三重県",
        "滋賀県", "京都府", "大阪府", "兵庫県", "奈良県", "和歌山県", "鳥取県", "島根県", "岡山県", "広島県", "山口県", "徳島県",
        "香川県", "愛媛県", "高知県", "福岡県", "佐賀県", "長崎県", "熊本県", "大分県", "宮崎県", "鹿児島県", "沖縄県",
    ].map(AddressNormalizer.normalize)
}
