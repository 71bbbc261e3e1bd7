/// One problem found while loading a study: where it is, what is wrong, and how to fix it.
///
/// Loading never stops at the first problem: every input is checked and every problem is listed.
/// Errors stop the run (non-zero exit); warnings and notes do not.
public struct Diagnostic: Hashable, Sendable, CustomStringConvertible, Comparable {
    public enum Severity: String, Sendable, Comparable, CaseIterable {
        case error, warning, note
        var rank: Int { self == .error ? 0 : self == .warning ? 1 : 2 }
        public static func < (a: Severity, b: Severity) -> Bool { a.rank < b.rank }
    }

    public let severity: Severity
    /// The file the problem is in (as named in the study file), or "study" for the model as a whole.
    public let file: String
    /// "line 12", "feature 3", "row 5" … or empty.
    public let location: String
    public let message: String
    /// What the user should do about it; may be empty.
    public let fix: String

    public init(_ severity: Severity, file: String, location: String = "", _ message: String, fix: String = "") {
        self.severity = severity
        self.file = file
        self.location = location
        self.message = message
        self.fix = fix
    }

    public var description: String {
        var s = "\(severity): \(file)"
        if !location.isEmpty { s += ", \(location)" }
        s += ": \(message)"
        if !fix.isEmpty { s += " — \(fix)" }
        return s
    }

    /// Diagnostics sort by severity, then file, then location (numerically where possible), then message.
    public static func < (a: Diagnostic, b: Diagnostic) -> Bool {
        if a.severity != b.severity { return a.severity < b.severity }
        if a.file != b.file { return a.file < b.file }
        if a.location != b.location { return a.location.localizedStandardLess(b.location) }
        return a.message < b.message
    }
}

/// Collects diagnostics while loading.
public struct Diagnostics: Sendable {
    public private(set) var items: [Diagnostic] = []

    public init() {}

    public mutating func error(_ file: String, _ location: String = "", _ message: String, fix: String = "") {
        items.append(Diagnostic(.error, file: file, location: location, message, fix: fix))
    }

    public mutating func warning(_ file: String, _ location: String = "", _ message: String, fix: String = "") {
        items.append(Diagnostic(.warning, file: file, location: location, message, fix: fix))
    }

    public mutating func note(_ file: String, _ location: String = "", _ message: String, fix: String = "") {
        items.append(Diagnostic(.note, file: file, location: location, message, fix: fix))
    }

    public mutating func append(contentsOf other: Diagnostics) { items += other.items }

    public var errors: [Diagnostic] { items.filter { $0.severity == .error } }
    public var warnings: [Diagnostic] { items.filter { $0.severity == .warning } }
    public var hasErrors: Bool { items.contains { $0.severity == .error } }

    /// Sorted, duplicates removed: the order in which reports list them.
    public var sorted: [Diagnostic] { Array(Set(items)).sorted() }
}

extension String {
    /// Numeric-aware comparison ("line 9" < "line 10") without Foundation's locale machinery.
    func localizedStandardLess(_ other: String) -> Bool {
        let a = Array(self), b = Array(other)
        var i = 0, j = 0
        while i < a.count, j < b.count {
            if a[i].isNumber, b[j].isNumber {
                var x = 0, y = 0
                // Wrapping arithmetic: a location with 20 digits must sort, not trap (issue 14).
                while i < a.count, let d = a[i].wholeNumberValue { x = x &* 10 &+ d; i += 1 }
                while j < b.count, let d = b[j].wholeNumberValue { y = y &* 10 &+ d; j += 1 }
                if x != y { return x < y }
            } else {
                if a[i] != b[j] { return a[i] < b[j] }
                i += 1; j += 1
            }
        }
        return a.count - i < b.count - j
    }
}

/// Raised when a study cannot be loaded: carries every diagnostic, errors first.
public struct StudyLoadError: Error, CustomStringConvertible, Sendable {
    public let diagnostics: [Diagnostic]
    public var description: String {
        let errors = diagnostics.filter { $0.severity == .error }
        return "the study has \(errors.count) error\(errors.count == 1 ? "" : "s"):\n"
            + diagnostics.map { "  \($0)" }.joined(separator: "\n")
    }
}
