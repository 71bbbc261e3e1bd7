import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Progress of long steps (issue 14): one line per step on stderr, only when stderr is a terminal
/// and not silenced (`--quiet`), never on stdout, so that piped and logged runs carry results only.
///
/// Library code takes progress as a closure of short English phrases (`(String) -> Void`, e.g.
/// ``StudyLoader``'s); the command line makes the closure with ``callback``. Steps over many items
/// (features, points, frontier budgets, disclosure rounds, maps) count them with a
/// ``ProgressCounter``, which reports at most eleven times per step whatever the number of items.
///
/// Thread safety: lines are written whole, one `write` each; a reporter may be shared between threads.
public struct ProgressReporter: Sendable {
    /// Whether lines are written: false with `--quiet` or when stderr is not a terminal.
    public let isEnabled: Bool
    private let write: @Sendable (String) -> Void

    /// A reporter that writes each line with `write` when `enabled` (tests capture the lines).
    public init(enabled: Bool, write: @escaping @Sendable (String) -> Void) {
        isEnabled = enabled
        self.write = write
    }

    /// The command line's reporter: stderr when it is a terminal, nothing with `quiet`.
    public static func standardError(quiet: Bool) -> ProgressReporter {
        ProgressReporter(enabled: !quiet && isatty(STDERR_FILENO) == 1) { line in
            FileHandle.standardError.write(Data(line.utf8))
        }
    }

    /// Writes nothing.
    public static let silent = ProgressReporter(enabled: false) { _ in }

    /// Reports that `message` (a short phrase, e.g. "reading area layers") starts.
    public func callAsFunction(_ message: String) {
        if isEnabled { write(Self.line(message)) }
    }

    /// The closure library code takes.
    public var callback: @Sendable (String) -> Void {
        let reporter = self
        return { reporter($0) }
    }

    /// The line of a step: `careatlas: reading area layers…`.
    public static func line(_ message: String) -> String { "careatlas: \(message)…\n" }
}

/// Counts the items of a long step and reports through a progress closure at the first item, at
/// each further tenth of the total and at the last: `frontier: budget 3 of 9 (33 %)`. A step of
/// fewer than `minimumTotal` items is quick and reports nothing.
public struct ProgressCounter {
    public let what: String
    public let total: Int
    private let report: (String) -> Void
    /// The last tenth reported (-1 before the first report).
    private var shownTenth = -1

    /// `what` names the step and its items ("projecting areas", "frontier: budget").
    public init(_ what: String, total: Int, minimumTotal: Int = 1, report: @escaping (String) -> Void) {
        self.what = what
        self.total = total
        self.report = total >= max(1, minimumTotal) ? report : { _ in }
    }

    /// Records that `done` items of ``total`` are finished (call it with 0 before the first item
    /// and with ``total`` after the last); reports when a new tenth is reached.
    public mutating func advance(to done: Int) {
        guard total > 0 else { return }
        let tenth = done >= total ? 10 : min(9, max(0, done) * 10 / total)
        guard tenth > shownTenth else { return }
        shownTenth = tenth
        report(Self.message(what, done: done, total: total))
    }

    /// `what 1,234 of 5,000 (24 %)`: counts grouped by thousands, the percentage rounded down.
    public static func message(_ what: String, done: Int, total: Int) -> String {
        let percent = total > 0 ? min(100, max(0, done) * 100 / total) : 100
        return "\(what) \(groupedThousands(done)) of \(groupedThousands(total)) (\(percent) %)"
    }
}

/// `1234567` as `1,234,567` (messages and progress lines).
public func groupedThousands(_ n: Int) -> String {
    let digits = String(n.magnitude)
    var out = ""
    for (i, c) in digits.enumerated() {
        if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
        out.append(c)
    }
    return n < 0 ? "-" + out : out
}
