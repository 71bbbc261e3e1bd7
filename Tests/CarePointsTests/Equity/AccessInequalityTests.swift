import CarePoints
import Foundation
import Testing

/// Known answers: a two-area case by hand, and a twelve-area case against an independent reference
/// (`inequality_reference.py` beside this file: the pairwise mean-difference Gini, the Theil T by
/// definition, and PySAL inequality's formulas with equal weights).
@Suite struct AccessInequalityTests {
    static let scores = [0.0, 0.0125, 0.0031, 0.0208, 0.0125, 0.0477, 0.0009, 0.0333, 0.0071, 0.0208, 0.0154, 0.0402]
    static let weights: [Double] = [1200, 830, 15400, 2210, 640, 9100, 3300, 480, 7020, 1990, 5600, 260]

    @Test func twoAreasByHand() {
        // μ = 2; Lorenz (0, 0), (½, ¼), (1, 1); area (0 + ¼)·½/2 + (¼ + 1)·½/2 = 0.375, so G = 0.25;
        // T = ½ (½ ln ½ + 3⁄2 ln 3⁄2).
        let r = AccessInequality(scores: [3, 1], population: [10, 10])
        #expect(abs(r.gini - 0.25) < 1e-15)
        #expect(abs(r.theil - 0.5 * (0.5 * log(0.5) + 1.5 * log(1.5))) < 1e-15)
        #expect(r.lorenz.map(\.populationShare) == [0, 0.5, 1])
        #expect(r.lorenz.map(\.accessShare) == [0, 0.25, 1])
        #expect(r.weightedMean == 2)
    }

    @Test func weightedAgainstIndependentReference() {
        let r = AccessInequality(scores: Self.scores, population: Self.weights)
        #expect(abs(r.gini - 0.54841479686172012) <= 1e-12 * 0.55)
        #expect(abs(r.theil - 0.5291702598306639) <= 1e-12 * 0.53)
        #expect(r.includedAreas == 12 && r.excludedAreas == 0)
    }

    @Test func equalWeightsAgainstPySALFormulas() {
        let r = AccessInequality(scores: Self.scores, population: Array(repeating: 1, count: 12))
        #expect(abs(r.gini - 0.46123036242028298) <= 1e-12 * 0.47)
        #expect(abs(r.theil - 0.37661260905081823) <= 1e-12 * 0.38)
    }

    @Test func equalAccessIsZero() {
        let r = AccessInequality(scores: [0.02, 0.02, 0.02], population: [5, 100, 7])
        #expect(abs(r.gini) < 1e-15)
        #expect(abs(r.theil) < 1e-15)
    }

    @Test func noDataIsLeftOutNotZero() {
        // A NaN score (no data) and an area without people are counted as excluded; the indices
        // equal those of the two remaining areas.
        let r = AccessInequality(scores: [3, .nan, 1, 7], population: [10, 50, 10, 0])
        #expect(r.includedAreas == 2 && r.excludedAreas == 2)
        #expect(abs(r.gini - 0.25) < 1e-15)
    }

    @Test func allZeroOrEmptyIsUndefined() {
        #expect(AccessInequality(scores: [0, 0], population: [1, 2]).gini.isNaN)
        #expect(AccessInequality(scores: [], population: []).theil.isNaN)
    }

    @Test func inputOrderDoesNotMatter() {
        let forward = AccessInequality(scores: Self.scores, population: Self.weights)
        let backward = AccessInequality(scores: Self.scores.reversed(), population: Self.weights.reversed())
        #expect(abs(forward.gini - backward.gini) < 1e-15)
        #expect(abs(forward.theil - backward.theil) < 1e-15)
    }
}
