import CarePoints
import Foundation
import Testing
import TestSupport

/// The decay functions against the examples in PySAL `access/weights.py`'s docstrings.
@Suite struct AccessDistanceDecayTests {
    /// `step_fn({20: 1, 40: 0.68, 60: 0.22})` → {0: 1, 10: 1, 20: 1, 30: 0.68, 40: 0.68, 50: 0.22, 60: 0.22, 70: 0}.
    @Test func stepsAsPySAL() throws {
        let decay = DistanceDecay.steps(try DistanceDecay.parseBands("20:1, 40:0.68, 60:0.22"))
        #expect(stride(from: 0.0, through: 70, by: 10).map(decay.weight) == [1, 1, 1, 0.68, 0.68, 0.22, 0.22, 0])
        #expect(decay.weight(20.000000000000004) == 0.68)  // limits are inclusive, nothing more
    }

    /// `gaussian(sigma=20)` → {0: 1.0, 20: 0.6065306597126334, 40: 0.1353352832366127, 60: 0.011108996538242306}.
    @Test func gaussianAsPySAL() {
        let decay = DistanceDecay.gaussian(sigma: 20)
        let expected = [1.0, 0.6065306597126334, 0.1353352832366127, 0.011108996538242306]
        for (x, e) in zip([0.0, 20, 40, 60], expected) {
            #expect(relativeDifference(decay.weight(x), e) < 1e-15, "f(\(x))")
        }
    }

    /// `gravity(scale=20, alpha=-2, min_dist=1)` → {0: 400, 1: 400, 2: 100, 20: 1, 40: 0.25, 60: 0.11}
    /// (rounded to 2 decimals). Without the scale the weights are 20² times smaller.
    @Test func gravityAsPySALUpToItsScale() {
        let decay = DistanceDecay.gravity(beta: 2, minimumCost: 1)
        let pysal = [0.0: 400.0, 1: 400, 2: 100, 20: 1, 40: 0.25, 60: 0.11]
        for (x, e) in pysal {
            #expect(abs((decay.weight(x) * 400 * 100).rounded() / 100 - e) < 1e-12, "f(\(x))")
        }
        #expect(DistanceDecay.gravity(beta: 1, minimumCost: 0).weight(0) == .infinity)
    }

    @Test func parseBandsReportsEveryBadBand() {
        #expect {
            try DistanceDecay.parseBands("1000:1,2000,x:0.5,3000:0.2:1")
        } throws: { error in
            (error as! AccessError).description == """
                band 2 "2000" is not limit:weight; write bands as limit:weight separated by commas, e.g. 1000:1,2000:0.68,3000:0.22
                band 3 "x:0.5" is not limit:weight; write bands as limit:weight separated by commas, e.g. 1000:1,2000:0.68,3000:0.22
                band 4 "3000:0.2:1" is not limit:weight; write bands as limit:weight separated by commas, e.g. 1000:1,2000:0.68,3000:0.22
                """
        }
        #expect {
            try DistanceDecay.parseBands("2000:1,1000:0.5,3000:-0.2")
        } throws: { error in
            (error as! AccessError).description == """
                band 2: the limit 1000 does not exceed the previous limit 2000; list the bands in increasing order of their limits
                band 3: the weight must be a finite number ≥ 0, got -0.2
                """
        }
    }

    @Test func invalidParameters() {
        for decay in [DistanceDecay.gaussian(sigma: 0), .gaussian(sigma: -5), .gaussian(sigma: .nan), .gravity(beta: -1, minimumCost: 0),
                      .gravity(beta: 1, minimumCost: .infinity), .steps([])] {
            #expect(throws: AccessError.self, "\(decay)") { try decay.validate() }
        }
        #expect(throws: Never.self) { try DistanceDecay.gravity(beta: 0, minimumCost: 0).validate() }
    }

    @Test func defaultBandsScaleThePySALDefaults() {
        #expect(FloatingCatchmentModel.defaultEnhancedBands(maximumCost: 6000).map(\.description)
            == ["2000:1", "4000:0.68", "6000:0.22"])
        #expect(FloatingCatchmentModel.defaultThreeStepBands(maximumCost: 60).map(\.description)
            == ["10:0.962", "20:0.704", "30:0.377", "60:0.042"])
    }
}
