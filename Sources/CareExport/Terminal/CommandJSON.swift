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
