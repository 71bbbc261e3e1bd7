import CareAtlas
import CareFormats

/// The text and JSON forms of a study's diagnostics (what `careatlas validate` prints).
public enum ValidationReport {
    public static func text(_ diagnostics: [Diagnostic]) -> String {
        let counts = Dictionary(grouping: diagnostics, by: \.severity).mapValues(\.count)
        let e = counts[.error] ?? 0, w = counts[.warning] ?? 0, n = counts[.note] ?? 0
        var out = e == 0 ? "OK: the study loads" : "FAILED: the study cannot be loaded"
        out += " (\(e) error\(e == 1 ? "" : "s"), \(w) warning\(w == 1 ? "" : "s"), \(n) note\(n == 1 ? "" : "s"))\n"
        for d in diagnostics { out += "\(d)\n" }
        return out
    }

    public static func json(_ diagnostics: [Diagnostic]) -> String {
        let items: [JSONValue] = diagnostics.map {
            .object(["severity": .string($0.severity.rawValue), "file": .string($0.file), "location": .string($0.location),
                     "message": .string($0.message), "fix": .string($0.fix)])
        }
        let ok = !diagnostics.contains { $0.severity == .error }
        let value: JSONValue = .object(["ok": .bool(ok), "diagnostics": .array(items)])
        return ((try? value.jsonString()) ?? "{}") + "\n"
    }
}
