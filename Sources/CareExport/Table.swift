import CareAtlas
import CarePrivacy
import Foundation

/// A table ready for export: a header (units in the names, e.g. `distance_km`) and rows of cells
/// already formatted (fixed decimals), so that every format writes the same text.
public struct Table: Sendable, Hashable {
    public let header: [String]
    public var rows: [[String]]
    /// Printed above Markdown tables and as a comment-free first line nowhere else.
    public var title: String

    public init(title: String, header: [String], rows: [[String]] = []) {
        self.title = title
        self.header = header
        self.rows = rows
    }

    /// CSV (RFC 4180): fields with a comma, quote or line break are quoted; lines end with CRLF when
    /// `excel` is set (with a UTF-8 byte-order mark, so that Japanese Excel opens it as UTF-8),
    /// LF otherwise.
    public func csv(excel: Bool = false) -> Data {
        let newline = excel ? "\r\n" : "\n"
        var text = excel ? "\u{FEFF}" : ""
        for row in [header] + rows {
            text += row.map(Self.quoted).joined(separator: ",") + newline
        }
        return Data(text.utf8)
    }

    static func quoted(_ field: String) -> String {
        guard field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return field }
        return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// A GitHub-flavoured Markdown table (pipes escaped), numbers right-aligned.
    public func markdown() -> String {
        let numeric = header.indices.map { c in
            rows.allSatisfy { $0[c].isEmpty || Double($0[c].utf8.contains(UInt8(ascii: "<")) ? $0[c].replacingOccurrences(of: "<", with: "") : $0[c]) != nil }
        }
        // (Foundation's replacingOccurrences copies every string through NSString: only where needed.)
        func line(_ cells: [String]) -> String {
            "| " + cells.map { $0.utf8.contains(UInt8(ascii: "|")) ? $0.replacingOccurrences(of: "|", with: "\\|") : $0 }.joined(separator: " | ") + " |"
        }
        var out = title.isEmpty ? "" : "### \(title)\n\n"
        out += line(header) + "\n"
        out += "|" + numeric.map { $0 ? " ---: |" : " --- |" }.joined() + "\n"
        for row in rows { out += line(row) + "\n" }
        return out
    }
}

/// Fixed-decimal formatting shared by every export (locale-independent, "-0" never printed).
public enum Format {
    public static func number(_ value: Double?, decimals: Int) -> String {
        guard let value, value.isFinite else { return "" }
        let text = String(format: "%.\(decimals)f", value)
        return text.hasPrefix("-") && Double(text) == 0 ? String(text.dropFirst()) : text
    }

    /// Whole numbers without decimals (population counts), others with `decimals`.
    public static func count(_ value: Double?) -> String {
        guard let value, value.isFinite else { return "" }
        return value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : number(value, decimals: 1)
    }

    public static func percent(_ share: Double?, decimals: Int = 2) -> String {
        number(share.map { $0 * 100 }, decimals: decimals)
    }
}

/// Applies small-cell suppression to a table whose column `countColumn` holds patient counts and
/// whose total is shown elsewhere: suppressed rows show "<k" (or "x" for a secondary suppression) there and blank every column in
/// `dependentColumns` (shares, rates, intervals: each would reveal the count).
public func suppress(_ table: inout Table, counts: [Int], countColumn: Int, dependentColumns: [Int], policy: SmallCellPolicy, totalShown: Bool = true) {
    suppress(&table, mask: policy.suppressionMask(counts, totalShown: totalShown), counts: counts, countColumn: countColumn,
             dependentColumns: dependentColumns, policy: policy)
}

/// The same with the hidden rows decided elsewhere (``Disclosure``).
public func suppress(_ table: inout Table, mask: [Bool], counts: [Int], countColumn: Int, dependentColumns: [Int], policy: SmallCellPolicy) {
    for (r, hidden) in mask.enumerated() where hidden {
        table.rows[r][countColumn] = policy.label(counts[r], secondary: true)
        for c in dependentColumns { table.rows[r][c] = "" }
    }
}
