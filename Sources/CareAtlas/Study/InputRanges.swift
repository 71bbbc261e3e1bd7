import CareFormats
import Foundation

/// The documented range of every number a study reads from its files and options
/// (geodata/README.md, *Ranges of numbers*). A value outside its range is an error that names the
/// file, the line and the fix; inside the range, no arithmetic on it can overflow: per-row counts are
/// at most 10⁹ and a table holds at most 5,000,000 rows, so every sum stays below 2⁶³.
public enum InputRanges {
    /// The largest count one row may hold (patients, flows, `shared_patients`).
    public static let maxCountPerRow = 1_000_000_000
    /// The largest total of a count column over the whole table.
    public static let maxTotalCount = 1_000_000_000_000
    /// `privacy.min_cell`: at least 5 (a smaller cell can identify a patient), at most `maxCountPerRow`.
    public static let minCell = 5...maxCountPerRow
    /// `privacy.min_cell` values below this are accepted with a warning.
    public static let minCellWarnBelow = 10
    /// The largest budget limit of a stage (`max_population`, `max_areas`, `max_institutions`).
    public static let maxBudget = 1e12
    /// `scenarios.frontier.up_to`: each step is one exact optimisation, so the frontier has at most
    /// this many; at run time it also stops where the whole level fits the budget.
    public static let frontierUpTo = 1...10_000
    /// Ring radii of `catchment --radii`, km.
    public static let maxRingRadiusKm = 1000.0
    /// `cost.network.cutoff_minutes`: travel times are computed up to this (a day's drive).
    public static let maxCutoffMinutes = 1440.0
    /// `cost.network.max_snap_m`.
    public static let maxSnapMetres = 100_000.0
    /// `scenarios.liaison.min_shared`.
    public static let minShared = 0...maxCountPerRow

    /// Writes 1000000000 as "1,000,000,000".
    static func grouped(_ n: Int) -> String { groupedThousands(n) }

    /// Whether `text` is a calendar date written YYYY-MM-DD (year 1900–2999; 2026-02-30 and
    /// 2026-13-45 are not).
    public static func isCalendarDate(_ text: String) -> Bool {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
            parts.allSatisfy({ $0.allSatisfy { $0.isASCII && $0.isNumber } }),
            let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]),
            (1900...2999).contains(y), (1...12).contains(m)
        else { return false }
        let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
        let days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1]
        return (1...days).contains(d)
    }

    /// The problem with a date as a sentence ("2026-02-30 is not a calendar date: February 2026 has 28 days").
    public static func dateProblem(_ text: String) -> String? {
        guard !isCalendarDate(text) else { return nil }
        let parts = text.split(separator: "-", omittingEmptySubsequences: false).map { Int($0) }
        if parts.count == 3, let y = parts[0], let m = parts[1], let d = parts[2], (1900...2999).contains(y), text.count == 10 {
            if !(1...12).contains(m) { return "\(text) is not a calendar date: there is no month \(m)" }
            let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
            let days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1]
            let month = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
                         "October", "November", "December"][m - 1]
            return "\(text) is not a calendar date: \(month) \(y) has \(days) days, not \(d)"
        }
        return "\(text) is not a date written YYYY-MM-DD (a year from 1900 to 2999)"
    }
}

extension ModelBuilder {
    /// Totals of the count columns: at most ``InputRanges/maxTotalCount`` each.
    mutating func checkCountTotals() {
        let limit = InputRanges.maxTotalCount
        if let p = spec.patients, totalPatients > limit {
            d.error(display(p.file), "", "the patients add up to \(InputRanges.grouped(totalPatients)), more than \(InputRanges.grouped(limit)), the largest total a study may hold",
                    fix: "check the \(p.countField) column for a unit or typing error")
        }
        if let f = spec.flows {
            let total = flows.reduce(0) { $0 + $1.patients }
            if total > limit {
                d.error(display(f.file), "", "the flows add up to \(InputRanges.grouped(total)), more than \(InputRanges.grouped(limit)), the largest total a study may hold",
                        fix: "check the \(f.countField) column for a unit or typing error")
            }
        }
        let shared = institutions.reduce(0) { $0 + ($1.sharedPatients ?? 0) }
        if shared > limit {
            d.error("study", "", "the institutions' shared patients add up to \(InputRanges.grouped(shared)), more than \(InputRanges.grouped(limit)), the largest total a study may hold",
                    fix: "check the shared_patients columns for a unit or typing error")
        }
    }
}

extension AreaCodes {
    /// A count within ``InputRanges/maxCountPerRow``: larger ones are invalid.
    static func boundedCount(_ s: String) -> Parsed<Int> {
        let parsed = count(s)
        if case .value(let n) = parsed, n > InputRanges.maxCountPerRow {
            return .invalid("\(InputRanges.grouped(n)) is more than \(InputRanges.grouped(InputRanges.maxCountPerRow)), the largest count one row may hold; check for a unit or typing error")
        }
        return parsed
    }
}

extension ModelBuilder {
    /// "line 12" or "lines 12–40" when the table ends in rows whose every field is blank (what Excel
    /// writes when rows below the data were once used); nil otherwise.
    func blankRowsAtTheEnd(_ table: CSVTable) -> String? {
        var first: Int? = nil
        var position = table.endIndex - 1
        while position >= table.startIndex,
            table[position].fields.allSatisfy({ AreaCodes.normalizedText($0).isEmpty })
        {
            first = position
            position -= 1
        }
        guard let first else { return nil }
        let from = table[first].lineNumber, to = table[table.endIndex - 1].lineNumber
        return from == to ? "line \(from)" : "lines \(from)–\(to)"
    }
}

/// A number as a study file writes it: whole numbers without a fraction, others as Swift prints them.
func numberText(_ v: Double) -> String {
    v == v.rounded() && abs(v) < 1e15 ? String(Int(v)) : "\(v)"
}
