import CareAtlas
import CarePrivacy
import Testing

/// Direct known-answer tests of the small-cell rules: labels, one line with its total, nested totals.
@Suite struct SmallCellSuppressionTests {
    let policy = SmallCellPolicy(minCell: 10)

    @Test func labels() {
        #expect(policy.label(0) == "0")  // a zero reveals no patient
        #expect(policy.label(3) == "<10")
        #expect(policy.label(9) == "<10")
        #expect(policy.label(10) == "10")
        #expect(policy.label(12, secondary: true) == "x")
        #expect(policy.label(3, secondary: true) == "<10")
        #expect(policy.label(12, secondary: false) == "12")
        #expect(SmallCellPolicy(minCell: 0) == SmallCellPolicy.none)
        #expect(!SmallCellPolicy.none.isSuppressing && SmallCellPolicy.none.label(3) == "3")
    }

    /// One small cell under a shown total takes the smallest other non-zero cell with it.
    @Test func oneLine() {
        #expect(policy.suppressionMask([40, 3, 12], totalShown: true) == [false, true, true])
        #expect(policy.suppressionMask([40, 3, 12], totalShown: false) == [false, true, false])
        // Two small cells protect each other: nothing more.
        #expect(policy.suppressionMask([0, 3, 5, 20], totalShown: true) == [false, true, true, false])
        // Zeros are never the complement; ties go to the earliest cell.
        #expect(policy.suppressionMask([0, 3, 50], totalShown: true) == [false, true, true])
        #expect(policy.suppressionMask([3, 12, 12], totalShown: true) == [true, true, false])
        // Nothing small: nothing hidden; no suppression: nothing hidden.
        #expect(policy.suppressionMask([10, 20], totalShown: true) == [false, false])
        #expect(SmallCellPolicy.none.suppressionMask([40, 3, 12], totalShown: true) == [false, false, false])
    }

    /// Nested totals: a value is shown only when it is not small and differs by 0 or by at least
    /// min_cell from every figure already shown.
    @Test func nestedTotals() {
        // 50 is 50 from 0 and from 100: shown; 55 is 5 from 50: hidden; 80 is 30, 20, 80 away: shown.
        #expect(policy.differenceMask([50, 55, 80], alreadyShown: [0, 100]) == [false, true, false])
        #expect(policy.differenceMask([5], alreadyShown: [0]) == [true])
        // Equal totals differ by 0: both shown.
        #expect(policy.differenceMask([50, 50], alreadyShown: [0]) == [false, false])
        // 95 is 5 below the grand total 100: hidden.
        #expect(policy.differenceMask([95], alreadyShown: [0, 100]) == [true])
        #expect(SmallCellPolicy.none.differenceMask([5, 95], alreadyShown: [0, 100]) == [false, false])
    }
}
