import CareAtlas
import CareMaps
import CarePrivacy
import Foundation

/// Numbers and codes as people read them in the report's pages (HTML and PDF): thousands
/// separators, a few significant figures, units, and a name for every code in the report's
/// language. CSV and GeoJSON keep the machine form (``Format``); only the pages use this.
public enum PeopleFormat {
    /// "1,311", "−12"; nil stays empty.
    public static func grouped(_ n: Int) -> String {
        let digits = String(n.magnitude)
        var out = ""
        for (i, ch) in digits.enumerated() {
            if i > 0, (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(ch)
        }
        return (n < 0 ? "-" : "") + out
    }

    /// A machine-formatted number ("1311", "2187.123", "-0.5") with separators in its integer part
    /// ("1,311", "2,187.123"); other text ("<10", "x", "") unchanged.
    public static func separated(_ text: String) -> String {
        guard isDecimal(text) else { return text }
        let negative = text.hasPrefix("-")
        let body = negative ? String(text.dropFirst()) : text
        let parts = body.split(separator: ".", maxSplits: 1).map(String.init)
        guard let whole = Int(parts[0]) else { return text }
        return (negative ? "-" : "") + grouped(whole) + (parts.count > 1 ? "." + parts[1] : "")
    }

    /// Whether the whole text is `-?[0-9]+(\.[0-9]+)?` (ASCII digits; scanned by hand, since a
    /// regex per table cell was a tenth of the report's time).
    static func isDecimal(_ text: String) -> Bool {
        var bytes = Substring(text).utf8[...]
        if bytes.first == UInt8(ascii: "-") { bytes.removeFirst() }
        func digits() -> Int {
            let n = bytes.prefix { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }.count
            bytes.removeFirst(n)
            return n
        }
        guard digits() > 0 else { return false }
        if bytes.first == UInt8(ascii: ".") {
            bytes.removeFirst()
            guard digits() > 0 else { return false }
        }
        return bytes.isEmpty
    }

    /// `value` with `digits` significant figures in plain decimal notation (never exponents):
    /// 0.028347 → "0.0283", 123.456 → "123", 2.08e-05 → "0.0000208".
    public static func significant(_ value: Double, digits: Int = 3) -> String {
        guard value.isFinite else { return "" }
        if value == 0 { return "0" }
        let magnitude = Int(floor(log10(abs(value))))
        let decimals = max(0, digits - 1 - magnitude)
        return separated(Format.number(value, decimals: decimals))
    }

    /// The display of one cell of a report table, by its machine column name.
    public static func cell(_ column: String, _ value: String, language: MapLanguage) -> String {
        let en = language == .en
        guard !value.isEmpty else { return value }
        switch column {
        case "kind":
            return language.texts.kindName(value)
        case "gap_class":
            return GapClass(rawValue: value)?.label(english: en) ?? value
        case "method":
            switch value {
            case "contiguous": return en ? "contiguous" : "連結（基幹病院の地域から）"
            case "unconstrained": return en ? "by rank" : "患者数順"
            default: return value
            }
        case "role":
            switch value {
            case "anchor": return en ? "anchor hospital" : "基幹病院"
            case "partner": return en ? "partner (shares patients)" : "連携先（患者共有あり）"
            case "other": return en ? "other" : "その他"
            default: return value
            }
        case "reached", "optimal", "connected", "contains_anchor", "feasible":
            return value == "yes" ? (en ? "yes" : "はい") : value == "no" ? (en ? "no" : "いいえ") : value
        case "knee":
            return value == "yes" ? "●" : value
        case "access_score":
            // Capacity per person aged 65+: shown per 1,000 aged 65+, three significant figures.
            return Double(value).map { significant($0 * 1000) } ?? value
        case "area_codes":
            return value
        default:
            return separated(value)
        }
    }
}
