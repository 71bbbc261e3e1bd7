import Foundation

/// How precisely an address was placed.
public enum MatchLevel: String, Sendable, Hashable, CaseIterable, Comparable {
    /// The 町丁・字 the address names: one census small area (its `KEY_CODE` is known), or the
    /// parts the census divides that 町丁・字 into under the very same name (their union).
    case chome = "町丁"
    /// A town (町・大字) made of several small areas, without telling which.
    case town = "大字・町"
    /// Only the municipality (from the address or the postal code).
    case municipality = "市区町村"
    /// Not placed.
    case unmatched = "unmatched"

    private var rank: Int { Self.allCases.firstIndex(of: self)! }
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
    /// A note on a 町丁 match: the census divides the 町丁・字 the address names into several small
    /// areas that share that very name (伊奈町大字小室 ×10, 小平市小川町１丁目 ×5). Nothing in an
    /// address or the census table tells the parts apart, so the record is placed on their union
    /// (``GeocodeResult/chomeAreaCodes``, population-weighted centroid) and has no single `KEY_CODE`.
    case townSplitSameName = "census divides the named chome/aza into same-named small areas"
    /// A note: the address writes the former municipality before the town (いすみ市岬町桑田), the
    /// census table only the town (桑田); the town is the table's name that ends the written one.
    case townNameWithPrefix = "town written after its former municipality, which the census table omits"
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
    /// The census small area's `KEY_CODE` when the matched 町丁・字 is one small area (level
    /// ``MatchLevel/chome``; nil when the census divides it into same-named parts).
    public let smallAreaCode: String?
    /// The `KEY_CODE`s of the matched 町丁・字 (level ``MatchLevel/chome``): one, or the parts the
    /// census divides it into under the same name (note ``MatchReason/townSplitSameName``). Empty
    /// at the other levels.
    public let chomeAreaCodes: [String]
    /// The `KEY_CODE`s of the matched town's areas (levels 町丁 and 大字・町).
    public let townAreaCodes: [String]
    /// The town's name as published (levels 町丁 and 大字・町).
    public let townName: String?
    /// Longitude and latitude of the matched unit's centroid (small area; a 町丁・字 in same-named
    /// parts, a town: population-weighted mean of its areas; municipality: of all its areas); nil
    /// when unmatched.
    public let longitude: Double?
    public let latitude: Double?
    /// Why the record is not placed more precisely, and notes (a postal code that disagrees with
    /// the address), most important first; empty for a clean 町丁 match.
    public let reasons: [MatchReason]
    /// Municipality codes among which the record could not decide (ambiguous cases).
    public let candidates: [String]

    init(level: MatchLevel, basis: MatchBasis, municipalityCode: String?, smallAreaCode: String? = nil, chomeAreaCodes: [String] = [],
         townAreaCodes: [String] = [], townName: String? = nil, longitude: Double?, latitude: Double?, reasons: [MatchReason],
         candidates: [String] = []) {
        self.level = level
        self.basis = basis
        self.municipalityCode = municipalityCode
        self.smallAreaCode = smallAreaCode
        self.chomeAreaCodes = chomeAreaCodes
        self.townAreaCodes = townAreaCodes
        self.townName = townName
        self.longitude = longitude
        self.latitude = latitude
        self.reasons = reasons
        self.candidates = candidates
    }
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
///    none given → level 大字・町. A town without 丁目 that is one small area → 町丁. When the census
///    gives several small areas the very name the address matched (伊奈町大字小室 ×10,
///    小平市小川町１丁目 ×5: the census divides one 町丁・字 into numbered parts), the address has
///    named its 町丁・字 completely: level 町丁 on the union of the parts (``GeocodeResult/chomeAreaCodes``,
///    population-weighted centroid, no single `KEY_CODE`; note `census divides the named chome/aza
///    into same-named small areas`) — the 2015 attribute tables carry no 番地 ranges, so no part is
///    guessed. Several parts with different names (字 the address does not name) → 大字・町, `town
///    split into several small areas`. `2丁21番` (丁 without 目) gives 丁目 2. Everything after
///    (番地, 号, building names, floors) is ignored.
/// 6. The postal code, when given, is looked up in the postal table. With a placed address it
///    only checks it (a different municipality is noted, `postal code and address name different
///    municipalities`, and the address wins). Without a usable address it gives the municipality
///    (level 市区町村, basis postal code) when it names one; a code naming several is resolved by
///    a municipality name in the address text, otherwise reported ambiguous with its candidates —
///    never guessed. When the code's rows in that municipality all name one 町域 that the gazetteer
///    has as a town, the record is placed in that town (大字・町; 町丁 when the town is one
///    町丁・字), with the note `town from the postal code's 町域`; the same when the address names
///    the municipality but no town the gazetteer has.
///
/// The matching works on the normalised address as Unicode scalar values, with the names in tries
/// (``NameTrie``): one pass over the address per lookup, no string built per record.
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
        let addressText = address.map(AddressNormalizer.scalars) ?? []
        let postalText = postalCode ?? ""
        var postalReasons: [MatchReason] = []
        var postalMunicipalities: [String]? = nil
        var postalKey: Int32? = nil
        if postalText.unicodeScalars.contains(where: { $0.value > 0x20 && $0.value != 0x3000 }) {
            if let key = PostalTable.key(postalText) {
                postalKey = key
                if let table = postalTable {
                    let codes = table.municipalityCodes(key: key)
                    if codes.isEmpty { postalReasons.append(.postalCodeUnknown) } else { postalMunicipalities = codes }
                }
            } else {
                postalReasons.append(.postalCodeInvalid)
            }
        }
        if addressText.isEmpty {
            guard postalMunicipalities != nil || !postalReasons.isEmpty else {
                return unmatched([.noInput])
            }
            return fromPostal(postalMunicipalities, postalKey: postalKey, reasons: postalReasons, addressHint: nil)
        }
        let placed = matchAddress(addressText, hint: postalMunicipalities)
        if placed.level == .unmatched {
            // Fall back on the postal code.
            if postalMunicipalities != nil {
                return fromPostal(postalMunicipalities, postalKey: postalKey, reasons: placed.reasons + postalReasons, addressHint: addressText)
            }
            return with(placed, extra: postalReasons)
        }
        if let codes = postalMunicipalities, let m = placed.municipalityCode, !codes.contains(m) {
            return with(placed, extra: [.postalAddressDisagree] + postalReasons)
        }
        // The address gave the municipality only: the postal code's 町域 may name the town.
        if placed.level == .municipality, let m = placed.municipalityCode, let postalKey,
           let town = postalTown(postalKey, municipalityCode: m, basis: .address, reasons: placed.reasons + postalReasons) {
            return town
        }
        return with(placed, extra: postalReasons)
    }

    /// Geocodes many records, in parallel on all cores; results in input order (deterministic:
    /// each record's result depends on that record only, and chunks write disjoint slots).
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
    /// there: level 町丁 when the 町域 is one 町丁・字 (or names a 丁目 that is one), 大字・町
    /// otherwise. Nil when the 町域 is absent (`以下に掲載がない場合`), several, or not in the gazetteer.
    func postalTown(_ postalKey: Int32, municipalityCode: String, basis: MatchBasis, reasons: [MatchReason]) -> GeocodeResult? {
        guard let table = postalTable, let mi = gazetteer.municipalityIndex(municipalityCode) else { return nil }
        let entries = table.entries(key: postalKey).filter { $0.municipalityCode == municipalityCode }
        guard !entries.isEmpty, entries.allSatisfy({ $0.town != nil }), Set(entries.compactMap(\.town)).count == 1,
              let name = entries[0].town
        else { return nil }
        let (key, _, chome) = Gazetteer.splitName(name)
        guard let t = gazetteer.town(named: key, in: mi) else { return nil }
        let town = gazetteer.towns[t]
        let notes = reasons.filter { $0 != .townNotFound }
        var parts: [Int]? = nil
        if let chome, let areas = town.chome[chome] { parts = areas } else if town.chome.isEmpty || town.all.count == 1 { parts = town.all }
        if let parts, let result = chomeMatch(parts, town: town, basis: basis, notes: notes + [.townFromPostalCode]) { return result }
        let why: MatchReason = town.whole.isEmpty ? .chomeMissing : .townSplit
        return townLevel(town, basis: basis, reasons: [why] + notes + [.townFromPostalCode])
    }

    /// The municipality named by a postal code alone (and its town, when the 町域 names one).
    private func fromPostal(_ codes: [String]?, postalKey: Int32?, reasons: [MatchReason], addressHint: [UInt32]?) -> GeocodeResult {
        guard var codes else { return unmatched(reasons) }
        if codes.count > 1, let hint = addressHint {
            let named = codes.filter { code in
                guard let m = gazetteer.municipalityIndex(code) else { return false }
                return Geocoder.contains(hint, gazetteer.normalizedMunicipalityNames[m])
            }
            if named.count == 1 { codes = named }
        }
        guard codes.count == 1 else {
            return unmatched(reasons + [.postalCodeAmbiguous], candidates: codes)
        }
        guard let m = gazetteer.municipality(codes[0]) else {
            return unmatched(reasons + [.postalMunicipalityNotCovered], candidates: codes)
        }
        if let postalKey, let town = postalTown(postalKey, municipalityCode: m.code, basis: .postalCode, reasons: reasons) { return town }
        return GeocodeResult(level: .municipality, basis: .postalCode, municipalityCode: m.code,
                             longitude: m.longitude, latitude: m.latitude, reasons: reasons)
    }

    private func unmatched(_ reasons: [MatchReason], candidates: [String] = []) -> GeocodeResult {
        GeocodeResult(level: .unmatched, basis: .none, municipalityCode: nil, longitude: nil, latitude: nil, reasons: reasons,
                      candidates: candidates)
    }

    private func with(_ r: GeocodeResult, extra: [MatchReason]) -> GeocodeResult {
        guard !extra.isEmpty else { return r }
        return GeocodeResult(level: r.level, basis: r.basis, municipalityCode: r.municipalityCode, smallAreaCode: r.smallAreaCode,
                             chomeAreaCodes: r.chomeAreaCodes, townAreaCodes: r.townAreaCodes, townName: r.townName,
                             longitude: r.longitude, latitude: r.latitude, reasons: r.reasons + extra, candidates: r.candidates)
    }

    /// Whether `needle` occurs in `haystack`.
    static func contains(_ haystack: [UInt32], _ needle: [UInt32]) -> Bool {
        guard !needle.isEmpty, haystack.count >= needle.count else { return needle.isEmpty }
        for start in 0...(haystack.count - needle.count) where haystack[start] == needle[0] {
            if haystack[start..<(start + needle.count)].elementsEqual(needle) { return true }
        }
        return false
    }

    // MARK: - Address

    /// The level-町丁 result for the small areas `parts` of one 町丁・字 of `town`: one area, or
    /// several that all carry the same published name (the census's numbered parts of one
    /// 町丁・字). Nil when the parts have different names (different 字 the address does not name).
    private func chomeMatch(_ parts: [Int], town: Gazetteer.Town, basis: MatchBasis, notes: [MatchReason]) -> GeocodeResult? {
        let m = gazetteer.municipalities[town.municipality]
        if parts.count == 1 {
            let a = gazetteer.smallAreas[parts[0]]
            return GeocodeResult(level: .chome, basis: basis, municipalityCode: m.code, smallAreaCode: a.code, chomeAreaCodes: [a.code],
                                 townAreaCodes: town.codes, townName: town.name, longitude: a.longitude, latitude: a.latitude,
                                 reasons: notes)
        }
        guard let first = parts.first else { return nil }
        let name = gazetteer.partNames[first]
        guard parts.allSatisfy({ gazetteer.partNames[$0] == name }) else { return nil }
        let sorted = parts.sorted()
        let (lon, lat) = Gazetteer.centroid(of: sorted, in: gazetteer.smallAreas)
        return GeocodeResult(level: .chome, basis: basis, municipalityCode: m.code, chomeAreaCodes: sorted.map { gazetteer.smallAreas[$0].code },
                             townAreaCodes: town.codes, townName: town.name, longitude: lon, latitude: lat,
                             reasons: [.townSplitSameName] + notes)
    }

    private func townLevel(_ town: Gazetteer.Town, basis: MatchBasis, reasons: [MatchReason]) -> GeocodeResult {
        GeocodeResult(level: .town, basis: basis, municipalityCode: gazetteer.municipalities[town.municipality].code,
                      townAreaCodes: town.codes, townName: town.name, longitude: town.centroid.longitude,
                      latitude: town.centroid.latitude, reasons: reasons)
    }

    /// Matches a normalised address.
    func matchAddress(_ input: [UInt32], hint: [String]?) -> GeocodeResult {
        var prefecture: Int? = nil
        var start = 0
        if let (p, length) = prefix(of: input) {
            guard let index = p else { return unmatched([.prefectureNotCovered]) }
            prefecture = index
            start = length
        }
        // Municipality: the longest name variant that begins the rest.
        var scalars = input[start...]
        var candidates = municipalityCandidates(scalars, prefecture: prefecture)
        // Tokyo's islands are written with the island first: 八丈島八丈町, 三宅島三宅村.
        if candidates.isEmpty, let island = scalars.prefix(4).firstIndex(of: 0x5CF6), island > scalars.startIndex {  // 島
            let skipped = scalars[(island + 1)...]
            candidates = municipalityCandidates(skipped, prefecture: prefecture)
            if !candidates.isEmpty { scalars = skipped }
        }
        guard !candidates.isEmpty else { return unmatched([.municipalityNotFound]) }
        var remainder = scalars.dropFirst(candidates[0].length)
        // The municipality written twice (藤沢市藤沢市高倉), as some registries do: the rest after the
        // second copy is used when it begins with a town (a town named like its municipality, 空町空町1, still matches).
        let written = scalars.prefix(candidates[0].length)
        if let hint, candidates.count > 1 {
            let narrowed = candidates.filter { hint.contains(gazetteer.municipalities[$0.index].code) }
            if !narrowed.isEmpty { candidates = narrowed }
        }
        // Town: strip 大字 / 字.
        if remainder.starts(with: [0x5927, 0x5B57]) { remainder = remainder.dropFirst(2) }  // 大字
        else if remainder.first == 0x5B57 { remainder = remainder.dropFirst() }  // 字

        var townMatches = townsBeginning(remainder, candidates.map(\.index))
        if remainder.starts(with: written) {
            let stripped = remainder.dropFirst(written.count)
            let again = townsBeginning(stripped, candidates.map(\.index))
            if !again.isEmpty { remainder = stripped; townMatches = again }
        }

        if townMatches.isEmpty, candidates.count == 1 {
            if let found = townsStartingWith(remainder, municipality: candidates[0].index) { return found }
            if let (t, length) = townEndingName(remainder, municipality: candidates[0].index) {
                return place(in: gazetteer.towns[t], after: remainder.dropFirst(length), notes: [.townNameWithPrefix])
            }
        }
        if townMatches.isEmpty {
            guard candidates.count == 1 else {
                return unmatched([.municipalityAmbiguous], candidates: candidates.map { gazetteer.municipalities[$0.index].code }.sorted())
            }
            let m = gazetteer.municipalities[candidates[0].index]
            return GeocodeResult(level: .municipality, basis: .address, municipalityCode: m.code,
                                 longitude: m.longitude, latitude: m.latitude, reasons: [.townNotFound])
        }
        guard townMatches.count == 1 else {
            return unmatched([.municipalityAmbiguous],
                             candidates: townMatches.map { gazetteer.municipalities[gazetteer.towns[$0.town].municipality].code }.sorted())
        }
        let match = townMatches[0]
        return place(in: gazetteer.towns[match.town], after: remainder.dropFirst(match.length), notes: [])
    }

    /// The result for an address whose town is `town`, `after` being the rest of the address.
    private func place(in town: Gazetteer.Town, after: ArraySlice<UInt32>, notes: [MatchReason]) -> GeocodeResult {
        // 丁目: the first number after the town name.
        var chome: Int? = nil
        if !town.chome.isEmpty {
            var digits = 0
            var value = 0
            var k = after.startIndex
            while k < after.endIndex, after[k] >= 0x30, after[k] <= 0x39, digits < 4 {
                value = value * 10 + Int(after[k] - 0x30)
                digits += 1
                k += 1
            }
            if digits > 0 {
                let next: UInt32 = k < after.endIndex ? after[k] : 0x20
                let nextNext: UInt32 = k + 1 < after.endIndex ? after[k + 1] : 0x20
                // "1丁目", "2丁21番" (丁 without 目), "1-…", or a number ending the address; "12番" in
                // a 丁目 town is not a 丁目.
                let nextIsDigit = nextNext >= 0x30 && nextNext <= 0x39
                if (next == 0x4E01 && (nextNext == 0x76EE || nextIsDigit)) || next == 0x2D || k == after.endIndex { chome = value }
            }
        }
        if let chome {
            if let areas = town.chome[chome] {
                return chomeMatch(areas, town: town, basis: .address, notes: notes) ?? townLevel(town, basis: .address, reasons: [.townSplit] + notes)
            }
            // Not a 丁目 of the town: a 番地 of the part not (yet) divided into 丁目 (大字黒須 1369 beside 黒須1–3丁目).
            if !town.whole.isEmpty, let result = chomeMatch(town.whole, town: town, basis: .address, notes: notes) { return result }
            return townLevel(town, basis: .address, reasons: [town.whole.isEmpty ? .chomeNotFound : .townSplit] + notes)
        }
        if town.whole.isEmpty { return townLevel(town, basis: .address, reasons: [.chomeMissing] + notes) }
        return chomeMatch(town.whole, town: town, basis: .address, notes: notes) ?? townLevel(town, basis: .address, reasons: [.townSplit] + notes)
    }

    /// A town the census table names without the former municipality that addresses write before
    /// it since a merger (いすみ市岬町桑田 for the table's 桑田, 岬町 being the town merged in 2005).
    /// The written name runs to the first digit (or the end) and must be the census name after a
    /// prefix of two or three characters ending in 町 or 村; the census name has at least two.
    /// Other prefixes are not dropped: 東野川, 本前川, 武蔵高萩 are towns of their own, newer than the
    /// 2015 table, not 野川, 前川, 高萩.
    private func townEndingName(_ remainder: ArraySlice<UInt32>, municipality: Int) -> (town: Int, length: Int)? {
        let lead = remainder.prefix { !($0 >= 0x30 && $0 <= 0x39) }
        for drop in 2...3 where lead.count - drop >= 2 {
            let last = lead[lead.startIndex + drop - 1]
            guard last == 0x753A || last == 0x6751 else { continue }  // 町 村
            if let t = gazetteer.town(named: lead.dropFirst(drop), in: municipality) { return (t, lead.count) }
        }
        return nil
    }

    /// An 大字 whose census areas are named 大字+字 without the 字 (大久野 → 大字大久野落合,
    /// 大字大久野岩井…): the towns of the municipality whose name begins with the rest of the address
    /// up to its first number.
    private func townsStartingWith(_ remainder: ArraySlice<UInt32>, municipality: Int) -> GeocodeResult? {
        let lead = remainder.prefix { !($0 >= 0x30 && $0 <= 0x39) && $0 != 0x2D }
        guard lead.count >= 2 else { return nil }
        let found = gazetteer.townsOfMunicipality[municipality].map { gazetteer.towns[$0] }
            .filter { $0.key.starts(with: lead) }
            .sorted { $0.key.lexicographicallyPrecedes($1.key) }
        guard !found.isEmpty else { return nil }
        let m = gazetteer.municipalities[municipality]
        let all = Array(Set(found.flatMap(\.all))).sorted()
        if all.count == 1 {
            let a = gazetteer.smallAreas[all[0]]
            return GeocodeResult(level: .chome, basis: .address, municipalityCode: m.code, smallAreaCode: a.code, chomeAreaCodes: [a.code],
                                 townAreaCodes: [a.code], townName: found[0].name, longitude: a.longitude, latitude: a.latitude,
                                 reasons: [])
        }
        let (lon, lat) = Gazetteer.centroid(of: all, in: gazetteer.smallAreas)
        var view = String.UnicodeScalarView()
        for v in lead { view.append(Unicode.Scalar(v)!) }
        return GeocodeResult(level: .town, basis: .address, municipalityCode: m.code, townAreaCodes: all.map { gazetteer.smallAreas[$0].code },
                             townName: String(view), longitude: lon, latitude: lat, reasons: [.townSplit])
    }

    /// The towns of the candidate municipalities whose base name is the longest prefix of `remainder`.
    private func townsBeginning(_ remainder: ArraySlice<UInt32>, _ candidates: [Int]) -> [(town: Int, length: Int)] {
        var matches: [(town: Int, length: Int)] = []
        for c in candidates {
            guard let found = gazetteer.townTrie.longestPrefix(of: remainder, root: gazetteer.townRoots[c]) else { continue }
            if let best = matches.first?.length {
                if found.length < best { continue }
                if found.length > best { matches.removeAll() }
            }
            matches.append((Int(found.value), found.length))
        }
        return matches
    }

    /// The municipalities whose name variant of the greatest strength is the longest prefix of
    /// `scalars` (in the prefecture, when one was written).
    private func municipalityCandidates(_ scalars: ArraySlice<UInt32>, prefecture: Int?) -> [(index: Int, strength: Int, length: Int)] {
        for (entry, length) in gazetteer.municipalityTrie.prefixes(of: scalars, root: Gazetteer.municipalityRoot) {
            var list = gazetteer.municipalityNameEntries[Int(entry)]
            if let prefecture { list = list.filter { gazetteer.municipalityPrefecture[$0.index] == prefecture } }
            guard !list.isEmpty else { continue }
            let best = list.map(\.strength).max()!
            return list.filter { $0.strength == best }.map { ($0.index, $0.strength, length) }
        }
        return []
    }

    /// The prefecture that begins `input` and its length: the index of a prefecture of the
    /// gazetteer, or nil for one of the 47 it does not cover. Nil when none begins it.
    private func prefix(of input: [UInt32]) -> (Int?, Int)? {
        for (k, p) in gazetteer.prefectureScalars.enumerated() where input.starts(with: p) { return (k, p.count) }
        for p in Geocoder.prefectureScalars where input.starts(with: p) { return (nil, p.count) }
        return nil
    }

    /// The 47 prefectures, normalised.
    static let prefectureScalars: [[UInt32]] = [
        "北海道", "青森県", "岩手県", "宮城県", "秋田県", "山形県", "福島県", "茨城県", "栃木県", "群馬県", "埼玉県", "千葉県",
        "東京都", "神奈川県", "新潟県", "富山県", "石川県", "福井県", "山梨県", "長野県", "岐阜県", "静岡県", "愛知県", "三重県",
        "滋賀県", "京都府", "大阪府", "兵庫県", "奈良県", "和歌山県", "鳥取県", "島根県", "岡山県", "広島県", "山口県", "徳島県",
        "香川県", "愛媛県", "高知県", "福岡県", "佐賀県", "長崎県", "熊本県", "大分県", "宮崎県", "鹿児島県", "沖縄県",
    ].map(AddressNormalizer.scalars)
}
