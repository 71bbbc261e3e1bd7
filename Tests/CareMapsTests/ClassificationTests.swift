import CareAtlas
@testable import CareMaps
import Testing
import TestSupport

struct ClassificationTests {
    @Test func quantileLimitsInterpolateBetweenOrderStatistics() throws {
        // n = 10, k = 4: positions 9·p = 2.25, 4.5, 6.75 → 3.25, 5.5, 7.75.
        let b = try ClassBreaks.compute((1...10).map(Double.init), method: .quantile(k: 4))
        #expect(b.edges == [1, 3.25, 5.5, 7.75, 10])
        #expect([1, 3.25, 3.3, 5.5, 7.76, 10].map(b.classIndex) == [0, 0, 1, 1, 3, 3])
    }

    @Test func quantilesMergeRepeatedLimits() throws {
        // [1×8, 2, 9]: positions 1.8, 3.6, 5.4 give 1; 7.2 gives 1 + 0.2·(2 − 1) = 1.2; then 9.
        let b = try ClassBreaks.compute([1, 1, 1, 1, 1, 1, 1, 1, 2, 9], method: .quantile(k: 5))
        #expect(b.edges.count == 3)
        #expect(b.edges[0] == 1 && abs(b.edges[1] - 1.2) < 1e-12 && b.edges[2] == 9)
    }

    @Test func naturalBreaksFindTheObviousGroups() throws {
        let b = try ClassBreaks.compute([30, 1, 12, 2, 11, 3, 10], method: .naturalBreaks(k: 3))
        #expect(b.edges == [1, 3, 12, 30])
    }

    /// Within-class sum of squares of a partition given by class upper limits.
    func ssd(_ sorted: [Double], uppers: [Double]) -> Double {
        var total = 0.0, start = 0
        for u in uppers {
            var end = start
            while end < sorted.count, sorted[end] <= u { end += 1 }
            let part = sorted[start..<end]
            let mean = part.reduce(0, +) / Double(part.count)
            total += part.reduce(0) { $0 + ($1 - mean) * ($1 - mean) }
            start = end
        }
        return total
    }

    /// The least within-class sum of squares over every split of `sorted` into `k` runs.
    func bruteForce(_ sorted: [Double], k: Int) -> Double {
        func best(_ from: Int, _ k: Int) -> Double {
            let rest = sorted[from...]
            if k == 1 {
                let mean = rest.reduce(0, +) / Double(rest.count)
                return rest.reduce(0) { $0 + ($1 - mean) * ($1 - mean) }
            }
            var m = Double.infinity
            for cut in (from + 1)...(sorted.count - k + 1) {
                let part = sorted[from..<cut]
                let mean = part.reduce(0, +) / Double(part.count)
                m = min(m, part.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } + best(cut, k - 1))
            }
            return m
        }
        return best(0, k)
    }

    @Test func naturalBreaksAreOptimalAgainstBruteForce() throws {
        var rng = SplitMix64(state: 20_260_401)
        for trial in 0..<60 {
            let n = rng.int(4...11), k = rng.int(2...min(5, n))
            let values = (0..<n).map { _ in (rng.uniform(0...100) * 10).rounded() / 10 }.sorted()
            guard Set(values).count == n else { continue }  // distinct values: limits identify the split
            let b = try ClassBreaks.compute(values, method: .naturalBreaks(k: k))
            #expect(b.classCount == k, "trial \(trial)")
            let found = ssd(values, uppers: Array(b.edges.dropFirst()))
            let optimum = bruteForce(values, k: k)
            #expect(abs(found - optimum) <= 1e-9 * max(1, optimum), "trial \(trial): \(values) k=\(k)")
        }
    }

    @Test func fixedBreaksKeepTheGivenLimits() throws {
        let b = try ClassBreaks.compute([12, 15, 25, 60], method: .fixed(breaks: [20, 50]))
        #expect(b.edges == [12, 20, 50, 60])
        #expect([12, 20, 20.5, 50, 60].map(b.classIndex) == [0, 0, 1, 1, 2])
        #expect(throws: ClassificationError.self) { try ClassBreaks.compute([1], method: .fixed(breaks: [5, 3])) }
        #expect(throws: ClassificationError.self) { try ClassBreaks.compute([1], method: .quantile(k: 0)) }
    }

    @Test func countClassesStartWithTheSuppressedBinAndRevealNoSmallCount() throws {
        let data: [MapDatum] = [.value(0), .suppressed, .value(12), .value(15), .value(40), .value(100), .noData]
        let c = try Classifier.classify(
            data, method: .quantile(k: 2), ramp: .patients, policy: SmallCellPolicy(minCell: 10), zeroClass: true,
            integers: true, text: .japanese)
        // Shown values 12, 15, 40, 100: median at position 1.5 → 27.5.
        #expect(c.breaks.edges == [12, 27.5, 100])
        #expect(c.classes.map(\.label) == ["<10", "0", "12–27", "28–100", "データなし"])
        #expect(c.classes.map(\.role) == [.suppressed, .zero, .value, .value, .noData])
        #expect(c.classes[0].hatched)
        #expect(c.classIndex == [1, 0, 2, 2, 3, 3, 4])
        for cls in c.classes where cls.role == .value {
            let numbers = cls.label.split(whereSeparator: { !$0.isNumber }).compactMap { Int($0) }
            #expect(numbers.allSatisfy { $0 >= 10 }, "\(cls.label)")
        }
    }

    @Test func rampsRunFromLightToDark() {
        for ramp in [ColorRamp.patients, .penetration, .access] {
            let colors = ramp.colors(5)
            let lightness = colors.map { 0.2126 * Double($0.r) + 0.7152 * Double($0.g) + 0.0722 * Double($0.b) }
            #expect(zip(lightness, lightness.dropFirst()).allSatisfy { $0 > $1 })
            #expect(colors.first == ramp.anchors.first && colors.last == ramp.anchors.last)
        }
        #expect(RGBColor(255, 0, 16).description == "#ff0010")
    }

    @Test func categoricalClassesFollowTheCategoryOrder() {
        let c = Classifier.categorical(
            ["b", nil, "a", "b"], categories: [("a", "A", RGBColor(1, 1, 1)), ("b", "B", RGBColor(2, 2, 2)), ("c", "C", RGBColor(3, 3, 3))],
            text: .english)
        #expect(c.classes.map(\.label) == ["A", "B", "no data"])
        #expect(c.classIndex == [1, 2, 0, 1])
    }
}
