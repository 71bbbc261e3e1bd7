import CareAtlas
import CareFormats
import CarePrivacy
import Foundation

/// A finite number, or null (JSON has no NaN or infinity).
package func jsonNumber(_ v: Double?) -> JSONValue {
    guard let v, v.isFinite else { return .null }
    return .number(v)
}

/// The one JSON object a folder-writing command prints with `--json` (documented in geodata/README.md,
/// "Machine-readable output"): the command's own members plus `command`, `study`, `out`, `files`
/// (every file written, sorted), `min_cell` and `suppressed`.
package func commandJSON(_ command: String, study: String, policy: SmallCellPolicy, folder: OutputFolder, _ members: JSONObject) -> String {
    var object = members
    object["command"] = .string(command)
    object["study"] = .string(study)
    object["out"] = .string(folder.url.path)
    object["files"] = .array(Set(folder.written).sorted().map(JSONValue.string))
    object["min_cell"] = .number(Double(policy.minCell))
    object["suppressed"] = .bool(policy.isSuppressing)
    // Every number above is finite (jsonNumber), so encoding cannot fail.
    return (try? JSONValue.object(object).jsonString()) ?? "{}"
}

/// What a folder-writing command (`access STUDY`, `gaps`) writes when its own analysis is not
/// available because the study lacks data its default settings need (e.g. no 65+ population): the
/// folder holds `not_available.csv` (analysis, reason) instead of the tables, stdout one line
/// `ANALYSIS: not available: REASON`, `--json` the command's object with `available: false` and
/// `reason`. The command exits 0: the study is valid, the analysis has nothing to compute with.
public enum NotAvailable {
    /// `not_available.csv`.
    public static func write(_ analysis: String, reason: String, excel: Bool = false, to folder: inout OutputFolder) throws {
        var t = Table(title: "Not available", header: ["analysis", "reason"])
        t.rows.append([analysis, reason])
        try folder.write("not_available.csv", t.csv(excel: excel))
    }

    /// The terminal line.
    public static func text(_ analysis: String, reason: String) -> String { "\(analysis): not available: \(reason)" }

    /// The `--json` object (``commandJSON(_:study:policy:folder:_:)``).
    package static func json(_ command: String, reason: String, study: String, policy: SmallCellPolicy, folder: OutputFolder) -> String {
        commandJSON(command, study: study, policy: policy, folder: folder, ["available": .bool(false), "reason": .string(reason)])
    }
}
