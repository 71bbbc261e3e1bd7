import Foundation

/// Joins the same institution across registries and says, for every pair, why it was joined.
///
/// - 厚生局 files among themselves (the 届出受理 名簿 and the コード内容別 list): by the 9-digit
///   医療機関コード (都道府県コード + 医療機関番号), which both carry.
/// - 医療情報ネット against a 厚生局 file (no shared code: 医療情報ネット's `ID` is its own): by
///   the name and the municipality of the address, both normalised (white space removed, full-width
///   ASCII to half-width, the prefecture dropped from the address). A name that occurs twice in
///   one municipality is not joined, and is reported as ambiguous.
public enum RegistryMerge {
    /// One joined pair.
    public struct Match: Hashable, Sendable {
        /// The 医療情報ネット `ID`, or the 医療機関コード of the first registry.
        public let first: String
        /// The 医療機関コード in the second registry.
        public let second: String
        public let name: String
        /// Why: `same 医療機関コード` or `same name and municipality (…)`.
        public let reason: String
    }

    /// Matches, plus the keys that could not be joined because they were ambiguous.
    public struct Result: Hashable, Sendable {
        public var matches: [Match] = []
        public var ambiguous: [String] = []
        /// One line for a report: `joined 1,234 (…); 5 ambiguous`.
        public var summary: String {
            "joined \(matches.count) institutions" + (ambiguous.isEmpty ? "" : "; \(ambiguous.count) names ambiguous, not joined (e.g. \(ambiguous.prefix(3).joined(separator: "; ")))")
        }
    }

    /// 届出受理 × list (or any two 厚生局 files) by 医療機関コード; the first keeps its roles.
    public static func byCode(_ a: [RegisteredInstitution], _ b: [RegisteredInstitution]) -> Result {
        let index = Dictionary(b.map { ($0.code, $0) }, uniquingKeysWith: { x, _ in x })
        var r = Result()
        for i in a { if let j = index[i.code] { r.matches.append(Match(first: i.code, second: j.code, name: i.name, reason: "same 医療機関コード")) } }
        return r
    }

    /// 医療情報ネット × a 厚生局 file, by normalised name and municipality.
    public static func byNameAndAddress(_ facilities: [IryojohoFacility], _ registered: [RegisteredInstitution]) -> Result {
        func key(_ name: String, _ address: String) -> String { normalized(name) + "|" + municipality(address) }
        let groups = Dictionary(grouping: registered, by: { key($0.name, $0.address) })
        var r = Result()
        var usedFacilityKeys: [String: Int] = [:]
        for f in facilities { usedFacilityKeys[key(f.name, f.address), default: 0] += 1 }
        for f in facilities.sorted(by: { $0.id < $1.id }) {
            let k = key(f.name, f.address)
            guard let candidates = groups[k] else { continue }
            guard candidates.count == 1, usedFacilityKeys[k] == 1 else {
                r.ambiguous.append("\(f.name) (\(municipality(f.address)))")
                continue
            }
            r.matches.append(Match(first: f.id, second: candidates[0].code, name: f.name,
                                   reason: "same name and municipality (\(municipality(f.address)))"))
        }
        return r
    }

    /// White space removed, full-width ASCII (U+FF01–FF5E) to ASCII; kana and kanji unchanged.
    public static func normalized(_ s: String) -> String {
        var out = String.UnicodeScalarView()
        for u in s.unicodeScalars {
            if u.properties.isWhitespace { continue }
            if (0xFF01...0xFF5E).contains(u.value), let a = Unicode.Scalar(u.value - 0xFEE0) { out.append(a) } else { out.append(u) }
        }
        return String(out)
    }

    /// The municipality part of an address, without the prefecture: `さいたま市`, `千代田区`,
    /// `入間郡三芳町` (up to the first 市, 区, 町 or 村; a designated city keeps its ward: `さいたま市南区`).
    public static func municipality(_ address: String) -> String {
        var a = Substring(normalized(address))
        for suffix in ["都", "道", "府", "県"] {
            // A prefecture is 2–3 characters before its suffix, with no 市区町村 inside (not 横浜市都筑区).
            if let r = a.prefix(4).range(of: suffix), a[..<r.lowerBound].count >= 2,
                !a[..<r.lowerBound].contains(where: { "市区町村".contains($0) })
            {
                a = a[r.upperBound...]
                break
            }
        }
        // From the second character: 市川市, 町田市 and 市原市 start with a suffix character. (Names
        // such as 東村山市 are cut early, 東村, the same way in both registries, so keys still agree.)
        guard a.count > 1, let end = a.dropFirst().firstIndex(where: { "市区町村".contains($0) }) else { return String(a) }
        var result = String(a[...end])
        let rest = a[a.index(after: end)...]
        if a[end] == "市", let ward = rest.prefix(5).firstIndex(of: "区") { result += rest[...ward] }
        return result
    }
}
