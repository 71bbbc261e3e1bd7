import CareFormats
import Foundation

/// A problem with an official file that stops it being read, naming the file and, where known, the
/// line or row, with what to do.
public struct RegistryError: Error, Hashable, Sendable, CustomStringConvertible {
    public let file: String
    public let line: Int?
    public let message: String
    public let fix: String?

    public init(file: String, line: Int? = nil, _ message: String, fix: String? = nil) {
        self.file = file
        self.line = line
        self.message = message
        self.fix = fix
    }

    public var description: String { ProblemText.format(source: file, line: line, message, fix: fix) }
}

/// What an importer did with the rows of one file: how many it read and kept, and every row it
/// left out, grouped by reason, with examples. Nothing is dropped without being counted here.
public struct SourceReport: Hashable, Sendable {
    /// One reason for leaving rows out.
    public struct Dropped: Hashable, Sendable {
        public let reason: String
        public let count: Int
        /// Up to ten examples (`line 12: 所沢白翔会病院`).
        public let examples: [String]
    }

    /// The file name as shown to the user.
    public var file: String
    /// The registry, e.g. `iryojoho`.
    public var source: String
    /// Data rows read from the file.
    public var rowsRead: Int = 0
    /// Rows (or institutions, or municipalities) handed on.
    public var kept: Int = 0
    public var dropped: [Dropped] = []
    /// Other facts worth stating (an allocation method, merges).
    public var notes: [String] = []

    public init(file: String, source: String) {
        self.file = file
        self.source = source
    }

    /// One note with the rows placed by address, per match level (`placed by address …: 町丁 3
    /// (line 12: …), 市区町村 1 (…)`), in the order 町丁, 大字・町, 市区町村.
    mutating func noteGeocoded(_ byLevel: [String: [String]], what: String) {
        guard !byLevel.isEmpty else { return }
        let order = ["町丁", "大字・町", "市区町村"]
        let levels = byLevel.keys.sorted { (order.firstIndex(of: $0) ?? 9, $0) < (order.firstIndex(of: $1) ?? 9, $1) }
        let total = byLevel.values.map(\.count).reduce(0, +)
        notes.append("\(total) \(what) placed by address (geocoded; the level is the institution's match_level): "
            + levels.map { "\($0) \(byLevel[$0]!.count) (e.g. \(byLevel[$0]!.prefix(2).joined(separator: "; ")))" }.joined(separator: ", "))
    }

    mutating func drop(_ reason: String, _ examples: [String]) {
        guard !examples.isEmpty else { return }
        dropped.append(Dropped(reason: reason, count: examples.count, examples: Array(examples.prefix(10))))
    }

    /// One line per fact: `read 7587 rows, kept 1483`, then each reason.
    public var lines: [String] {
        var out = ["\(source): read \(rowsRead) rows, kept \(kept)"]
        for d in dropped {
            out.append("left out \(d.count) (\(d.reason)), e.g. \(d.examples.joined(separator: "; "))")
        }
        return out + notes
    }
}

/// Whole numbers as official tables write them: `240069`, `240,069`, full-width digits. Empty,
/// `-`, `…`, `***` and `X` (秘匿) are no data (nil), never 0.
func officialCount(_ text: String) -> Int? {
    let t = AreaCodes.normalizedText(text).replacingOccurrences(of: ",", with: "")
    guard !t.isEmpty, let v = Int(t) else { return nil }
    return v
}

enum AreaCodes {
    /// NFKC-like normalisation of what matters here (codes and numbers): full-width digits, letters
    /// and signs to ASCII, trimmed.
    static func normalizedText(_ s: String) -> String {
        TextCleaning.trimmed(TextCleaning.asciiWidth(s))
    }
}
