import CareAtlas
import Foundation

/// How the shown values of a choropleth are cut into classes.
public enum ClassificationMethod: Sendable, Hashable {
    /// Equal-count classes: the inner limits are the `k`-quantiles of the values (linear
    /// interpolation between order statistics, as numpy's `percentile` and PySAL `mapclassify.Quantiles`).
    case quantile(k: Int)
    /// Fisher's exact optimal one-dimensional classification ("natural breaks", Jenks 1977):
    /// `k` contiguous classes of the sorted values minimising Σ over classes of Σ (xᵢ − x̄_class)²
    /// (Fisher 1958, "On grouping for maximum homogeneity", JASA 53:789–798), by dynamic programming.
    case naturalBreaks(k: Int)
    /// User-given inner limits b₁ < b₂ < …: classes [min, b₁], (b₁, b₂], …, (bₘ, max].
    case fixed(breaks: [Double])
}

/// Raised when values cannot be classified as asked; the message names the option to change.
public struct ClassificationError: Error, Hashable, Sendable, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// Class limits: `edges[0]` is the smallest value, `edges.last` the largest; class `i` holds the
/// values in (`edges[i]`, `edges[i+1]`], the first class also its lower edge (upper limits
/// inclusive, as PySAL `mapclassify`).
public struct ClassBreaks: Sendable, Hashable {
    public let edges: [Double]

    public init(edges: [Double]) { self.edges = edges }

    public var classCount: Int { max(0, edges.count - 1) }

    /// The class of `value`: the first class whose upper limit is ≥ `value` (clamped to the range).
    public func classIndex(of value: Double) -> Int {
        guard classCount > 0 else { return 0 }
        for i in 1..<edges.count where value <= edges[i] { return i - 1 }
        return classCount - 1
    }

    /// Computes class limits of `values` (non-finite values are ignored).
    ///
    /// Fewer classes than asked result when the values have fewer distinct limits (duplicated limits
    /// are merged); no empty class is kept except with fixed breaks.
    public static func compute(_ values: [Double], method: ClassificationMethod) throws -> ClassBreaks {
        let sorted = values.filter(\.isFinite).sorted()
        guard let lo = sorted.first, let hi = sorted.last else { return ClassBreaks(edges: []) }
        switch method {
        case .quantile(let k):
            try checkK(k)
            var edges = [lo]
            for i in 1...k { edges.append(percentile(sorted, Double(i) / Double(k))) }
            return ClassBreaks(edges: deduplicated(edges))
        case .naturalBreaks(let k):
            try checkK(k)
            // A first class of one value has upper limit = lower edge: keep it (unlike quantiles,
            // where a repeated limit means an empty class).
            var uppers: [Double] = []
            for u in fisherJenks(sorted, k: k) where uppers.last != u { uppers.append(u) }
            return ClassBreaks(edges: [lo] + uppers)
        case .fixed(let breaks):
            guard !breaks.isEmpty else {
                throw ClassificationError("fixed classes need at least one break: give --breaks, e.g. --breaks 10,20,50")
            }
            guard zip(breaks, breaks.dropFirst()).allSatisfy({ $0 < $1 }), breaks.allSatisfy(\.isFinite) else {
                throw ClassificationError("fixed breaks must be finite and strictly increasing, got \(breaks.map { formatNumber($0) }.joined(separator: ","))")
            }
            let inner = breaks.filter { $0 > lo && $0 < hi }
            return ClassBreaks(edges: deduplicated([lo] + inner + [hi]))
        }
    }

    static func checkK(_ k: Int) throws {
        guard (1...12).contains(k) else {
            throw ClassificationError("the number of classes must be between 1 and 12, got \(k): change --k")
        }
    }

    static func deduplicated(_ edges: [Double]) -> [Double] {
        var out: [Double] = []
        for e in edges where out.last != e { out.append(e) }
        if out.count == 1 { out.append(out[0]) }  // one distinct value: one class [v, v]
        return out
    }

    /// The `p`-quantile (0 … 1) of sorted values with linear interpolation between order
    /// statistics: position h = (n − 1)·p, value x⌊h⌋ + (h − ⌊h⌋)(x⌊h⌋₊₁ − x⌊h⌋) (Hyndman & Fan 1996, type 7).
    static func percentile(_ sorted: [Double], _ p: Double) -> Double {
        let h = Double(sorted.count - 1) * p
        let i = Int(h.rounded(.down))
        if i >= sorted.count - 1 { return sorted[sorted.count - 1] }
        return sorted[i] + (h - Double(i)) * (sorted[i + 1] - sorted[i])
    }

    /// Upper limits of Fisher's optimal partition of `sorted` into at most `k` classes.
    ///
    /// cost[j][m] is the least within-class sum of squares of the first m values in j classes;
    /// cost[j][m] = min over i of cost[j−1][i] + SSD(x_{i+1…m}), with SSD from prefix sums
    /// (Σx² − (Σx)²/n). O(k·n²) time.
    static func fisherJenks(_ sorted: [Double], k: Int) -> [Double] {
        let n = sorted.count
        let classes = min(k, n)
        var s1 = [Double](repeating: 0, count: n + 1), s2 = s1
        for (i, x) in sorted.enumerated() {
            s1[i + 1] = s1[i] + x
            s2[i + 1] = s2[i] + x * x
        }
        func ssd(_ a: Int, _ b: Int) -> Double {  // values a..<b
            let count = Double(b - a), sum = s1[b] - s1[a]
            return max(0, (s2[b] - s2[a]) - sum * sum / count)
        }
        var cost = [[Double]](repeating: [Double](repeating: .infinity, count: n + 1), count: classes + 1)
        var split = [[Int]](repeating: [Int](repeating: 0, count: n + 1), count: classes + 1)
        for m in 1...n { cost[1][m] = ssd(0, m) }
        if classes >= 2 {
            for j in 2...classes {
                for m in j...n {
                    var best = Double.infinity, arg = j - 1
                    for i in (j - 1)..<m {
                        let c = cost[j - 1][i] + ssd(i, m)
                        if c < best { best = c; arg = i }
                    }
                    cost[j][m] = best
                    split[j][m] = arg
                }
            }
        }
        var uppers: [Double] = []
        var m = n
        for j in stride(from: classes, through: 1, by: -1) {
            uppers.append(sorted[m - 1])
            m = j > 1 ? split[j][m] : 0
        }
        return uppers.reversed()
    }
}

/// The state of one area's value on a choropleth.
public enum MapDatum: Sendable, Hashable {
    /// A value that may be shown.
    case value(Double)
    /// A patient count 1 … min_cell−1 (or a figure derived from one): drawn in the suppressed bin.
    case suppressed
    /// Hidden only to protect another cell (secondary suppression, "x").
    case hidden
    /// No data.
    case noData

    /// The value when it may be shown.
    public var shownValue: Double? {
        if case .value(let v) = self { return v }
        return nil
    }
}

/// One legend class of a map: its label, fill colour and whether it is hatched.
public struct MapClass: Sendable, Hashable {
    public enum Role: String, Sendable, Hashable {
        case suppressed, zero, value, category, hidden, noData
    }
    public let label: String
    public let color: RGBColor
    public let hatched: Bool
    public let role: Role

    public init(label: String, color: RGBColor, hatched: Bool = false, role: Role) {
        self.label = label
        self.color = color
        self.hatched = hatched
        self.role = role
    }
}

/// Classes of a numeric choropleth and the class of every area.
public struct Classified: Sendable, Hashable {
    public let classes: [MapClass]
    /// One class index per datum, parallel to the input.
    public let classIndex: [Int]
    /// The limits of the value classes (empty when no value is shown).
    public let breaks: ClassBreaks
}

/// Builds the classes of a numeric choropleth: suppressed bin "<k" first (when any area is
/// suppressed), then an explicit "0" (when zeros occur and `zeroClass`), then the value classes over
/// the shown non-zero values, then "x" and "no data" when they occur.
///
/// No limit can reveal a suppressed count: the value classes are computed from shown values only,
/// and with suppression a shown count is ≥ min_cell, so the lowest shown limit is too.
public enum Classifier {
    /// - Parameters:
    ///   - integers: labels as integer ranges ("10–19") instead of decimals.
    ///   - decimals: fraction digits of decimal labels.
    public static func classify(
        _ data: [MapDatum], method: ClassificationMethod, ramp: ColorRamp, policy: SmallCellPolicy,
        zeroClass: Bool, integers: Bool, decimals: Int = 1, text: MapTexts
    ) throws -> Classified {
        let values = data.compactMap { d -> Double? in
            if case .value(let v) = d, v.isFinite, !(zeroClass && v == 0) { return v }
            return nil
        }
        let breaks = try ClassBreaks.compute(values, method: method)
        var classes: [MapClass] = []
        var suppressedIndex: Int?, zeroIndex: Int?, hiddenIndex: Int?, noDataIndex: Int?
        if data.contains(.suppressed) {
            suppressedIndex = classes.count
            classes.append(MapClass(label: policy.suppressedLabel, color: Palette.suppressed, hatched: true, role: .suppressed))
        }
        if zeroClass, data.contains(.value(0)) {
            zeroIndex = classes.count
            classes.append(MapClass(label: "0", color: Palette.zero, role: .zero))
        }
        let first = classes.count
        let colors = ramp.colors(breaks.classCount)
        for i in 0..<breaks.classCount {
            let label = rangeLabel(breaks, i, integers: integers, decimals: decimals)
            classes.append(MapClass(label: label, color: colors[i], role: .value))
        }
        if data.contains(.hidden) {
            hiddenIndex = classes.count
            classes.append(MapClass(label: "\(SmallCellPolicy.secondaryLabel)（\(text.hidden)）", color: Palette.noData, hatched: true, role: .hidden))
        }
        if data.contains(where: { if case .value(let v) = $0 { return !v.isFinite }; return $0 == .noData }) {
            noDataIndex = classes.count
            classes.append(MapClass(label: text.noData, color: Palette.noDataFill, hatched: true, role: .noData))
        }
        let index = data.map { d -> Int in
            switch d {
            case .suppressed: return suppressedIndex!
            case .hidden: return hiddenIndex!
            case .noData: return noDataIndex!
            case .value(let v):
                if !v.isFinite { return noDataIndex! }
                if zeroClass, v == 0 { return zeroIndex! }
                return first + breaks.classIndex(of: v)
            }
        }
        return Classified(classes: classes, classIndex: index, breaks: breaks)
    }

    /// "a–b" for class i; integer classes start one above the previous upper limit.
    static func rangeLabel(_ breaks: ClassBreaks, _ i: Int, integers: Bool, decimals: Int) -> String {
        let e = breaks.edges
        if integers {
            let lo = i == 0 ? Int(e[0].rounded(.up)) : Int(e[i].rounded(.down)) + 1
            let hi = Int(e[i + 1].rounded(.down))
            return lo >= hi ? String(hi) : "\(lo)–\(hi)"
        }
        let lo = formatNumber(e[i], decimals: decimals), hi = formatNumber(e[i + 1], decimals: decimals)
        return lo == hi ? hi : "\(lo)–\(hi)"
    }

    /// Categorical classes: one per key present in `keys`, in the order of `categories`.
    public static func categorical(
        _ keys: [String?], categories: [(key: String, label: String, color: RGBColor)], text: MapTexts
    ) -> Classified {
        var classes: [MapClass] = []
        var position: [String: Int] = [:]
        for c in categories where keys.contains(c.key) {
            position[c.key] = classes.count
            classes.append(MapClass(label: c.label, color: c.color, role: .category))
        }
        var noData: Int?
        if keys.contains(where: { $0 == nil || position[$0!] == nil }) {
            noData = classes.count
            classes.append(MapClass(label: text.noData, color: Palette.noDataFill, hatched: true, role: .noData))
        }
        let index = keys.map { k in k.flatMap { position[$0] } ?? noData! }
        return Classified(classes: classes, classIndex: index, breaks: ClassBreaks(edges: []))
    }
}

/// A number with at most `decimals` fraction digits, no trailing zeros, "." as decimal point.
func formatNumber(_ v: Double, decimals: Int = 3) -> String {
    if v == v.rounded(), abs(v) < 1e15 { return String(Int(v)) }
    var s = String(format: "%.\(decimals)f", v)
    while s.contains("."), s.hasSuffix("0") { s.removeLast() }
    if s.hasSuffix(".") { s.removeLast() }
    return s == "-0" ? "0" : s
}
