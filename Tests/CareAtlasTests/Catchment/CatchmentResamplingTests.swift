@testable import CareAtlas
import Foundation
import Testing

@Suite struct CatchmentResamplingTests {
    @Test func sameSeedSameResultOtherSeedOtherDraws() {
        let run = { (seed: UInt64) in
            CatchmentResampling.resample(
                areaIDs: ["a", "b", "c", "d"], patients: [40, 25, 25, 8], outside: 12, shares: [0.5, 0.75],
                regions: [("stage 1", ["a"]), ("stage 2", ["a", "b"])], draws: 400, seed: seed)
        }
        #expect(run(7) == run(7))
        #expect(run(7) != run(8))
    }

    @Test func areaFarAboveTheCutIsAlwaysIn() {
        // 500 of about 900 patients: the area alone reaches 50 % in every plausible draw.
        let r = CatchmentResampling.resample(
            areaIDs: ["big", "mid", "small"], patients: [500, 300, 20], outside: 80, shares: [0.5], draws: 1000, seed: 1)
        #expect(r.areas[0].membership[0] >= 0.99)
    }

    @Test func twoEqualAreasAtTheCutShareIt() {
        // Total 300, 50 % = 150: 100 first, then one of the two 60s reaches it. Which one is a coin
        // toss (ties go to the first listed, worth about P(X = Y)/2 ≈ 0.026 for Poisson(60)).
        let r = CatchmentResampling.resample(
            areaIDs: ["a", "b", "c"], patients: [100, 60, 60], outside: 80, shares: [0.5], draws: 4000, seed: 3)
        let b = r.areas[1].membership[0], c = r.areas[2].membership[0]
        #expect(b > 0.42 && b < 0.64, "b: \(b)")
        #expect(c > 0.38 && c < 0.60, "c: \(c)")
        #expect(b + c >= 1 && b + c < 1.15, "one of them, rarely both: \(b + c)")
    }

    @Test func areaWithoutPatientsIsNeverIn() {
        let r = CatchmentResampling.resample(
            areaIDs: ["a", "z"], patients: [30, 0], outside: 0, shares: [0.9, 1.0], draws: 200, seed: 5)
        #expect(r.areas[1].membership == [0, 0])
        #expect(r.areas[0].membership == [1, 1])
    }

    @Test func multinomialKeepsTheTotal() {
        // No outside bucket: the region of every area covers 100 % in every draw.
        let r = CatchmentResampling.resample(
            areaIDs: ["a", "b"], patients: [7, 3], outside: 0, shares: [0.5],
            regions: [("all", ["a", "b"]), ("a", ["a"])], draws: 2000, seed: 11, model: .multinomial)
        #expect(r.regions[0].lower == 1 && r.regions[0].upper == 1)
        // Share of a ~ Binomial(10, 0.7)/10: P(≤ 0.3) = 1.1 %, P(≤ 0.4) = 4.7 %, P(= 1) = 2.8 %, so
        // the 2.5 % quantile lies in 0.3…0.5 and the 97.5 % one in 0.9…1.0.
        #expect(r.regions[1].observedShare == 0.7)
        #expect(r.regions[1].lower >= 0.3 && r.regions[1].lower <= 0.5, "\(r.regions[1])")
        #expect(r.regions[1].upper >= 0.9 && r.regions[1].upper <= 1.0, "\(r.regions[1])")
    }

    @Test func poissonSamplerHasTheRightMoments() {
        var random = SeededRandom(seed: 42)
        for mean in [0.3, 3.7, 25.0, 250.0] {
            let n = 20_000
            let xs = (0..<n).map { _ in Double(random.poisson(mean)) }
            let m = xs.reduce(0, +) / Double(n)
            let v = xs.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(n - 1)
            // Standard error of the mean √(λ/n); of the variance about λ √(2/n) (plus a kurtosis term).
            #expect(abs(m - mean) < 5 * (mean / Double(n)).squareRoot(), "mean \(m) for \(mean)")
            #expect(abs(v - mean) < 6 * mean * (2 / Double(n)).squareRoot() + 0.02, "variance \(v) for \(mean)")
        }
    }

    @Test func quantileIsType7() {
        #expect(CatchmentResampling.quantile([1, 2, 3, 4], 0.5) == 2.5)
        #expect(CatchmentResampling.quantile([1, 2, 3, 4], 0.025) == 1.075)
        #expect(CatchmentResampling.quantile([5], 0.975) == 5)
    }
}
