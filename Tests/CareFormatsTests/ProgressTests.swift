import Foundation
import Testing

@testable import CareFormats

/// The progress reporter (issue 14): its lines, its counter's tenths, and that a disabled reporter
/// (`--quiet`, or stderr not a terminal) writes nothing.
@Suite struct ProgressTests {
    /// Lines written by a reporter, collected.
    final class Lines: @unchecked Sendable {
        private let lock = NSLock()
        private var values: [String] = []
        func append(_ line: String) { lock.lock(); values.append(line); lock.unlock() }
        var all: [String] { lock.lock(); defer { lock.unlock() }; return values }
    }

    @Test func aStepIsOneLineWithTheProgramName() {
        #expect(ProgressReporter.line("reading area layers") == "careatlas: reading area layers…\n")
    }

    @Test func anEnabledReporterWritesItsLinesAndADisabledOneNothing() {
        let on = Lines(), off = Lines()
        let enabled = ProgressReporter(enabled: true) { on.append($0) }
        let disabled = ProgressReporter(enabled: false) { off.append($0) }
        for reporter in [enabled, disabled] {
            reporter("reading wards.geojson")
            reporter.callback("computing adjacency")
        }
        #expect(on.all == ["careatlas: reading wards.geojson…\n", "careatlas: computing adjacency…\n"])
        #expect(off.all == [])
        #expect(ProgressReporter.silent.isEnabled == false)
    }

    @Test func withStderrNotATerminalTheStandardReporterIsOff() {
        // Under `swift test` stderr is a pipe or a file unless run by hand in a terminal.
        #expect(ProgressReporter.standardError(quiet: false).isEnabled == (isatty(STDERR_FILENO) == 1))
        #expect(ProgressReporter.standardError(quiet: true).isEnabled == false)
    }

    @Test(arguments: [
        ("frontier: budget", 3, 9, "frontier: budget 3 of 9 (33 %)"),
        ("projecting areas: feature", 1234, 5000, "projecting areas: feature 1,234 of 5,000 (24 %)"),
        ("disclosure: published total", 31, 31, "disclosure: published total 31 of 31 (100 %)"),
        ("file", 0, 1_000_000, "file 0 of 1,000,000 (0 %)"),
    ])
    func counterMessages(_ what: String, _ done: Int, _ total: Int, _ expected: String) {
        #expect(ProgressCounter.message(what, done: done, total: total) == expected)
    }

    @Test func aCounterReportsTheFirstItemEachTenthAndTheLast() {
        var shown: [String] = []
        var counter = ProgressCounter("item", total: 25) { shown.append($0) }
        for done in 0...25 { counter.advance(to: done) }
        #expect(shown == [
            "item 0 of 25 (0 %)", "item 3 of 25 (12 %)", "item 5 of 25 (20 %)", "item 8 of 25 (32 %)", "item 10 of 25 (40 %)",
            "item 13 of 25 (52 %)", "item 15 of 25 (60 %)", "item 18 of 25 (72 %)", "item 20 of 25 (80 %)",
            "item 23 of 25 (92 %)", "item 25 of 25 (100 %)",
        ])
    }

    @Test func aMillionItemsGiveElevenLines() {
        var count = 0
        var counter = ProgressCounter("point", total: 1_000_000) { _ in count += 1 }
        for done in 0...1_000_000 { counter.advance(to: done) }
        #expect(count == 11)
    }

    @Test func aStepBelowItsMinimumIsQuiet() {
        var shown: [String] = []
        var small = ProgressCounter("area", total: 9, minimumTotal: 10) { shown.append($0) }
        for done in 0...9 { small.advance(to: done) }
        #expect(shown == [])
        var empty = ProgressCounter("area", total: 0) { shown.append($0) }
        empty.advance(to: 0)
        #expect(shown == [])
    }

    @Test func thousandsAreGrouped() {
        #expect(groupedThousands(0) == "0")
        #expect(groupedThousands(999) == "999")
        #expect(groupedThousands(1000) == "1,000")
        #expect(groupedThousands(-1_234_567) == "-1,234,567")
        #expect(groupedThousands(Int.min) == "-9,223,372,036,854,775,808")
    }
}
