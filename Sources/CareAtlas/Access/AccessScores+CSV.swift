import Foundation

extension AccessScores {
    /// The scores as CSV: the header `id,score`, then one row per demand point in input order.
    ///
    /// Scores are written with 17 significant digits (`%.17g`, enough to read back the same
    /// double), `nan` where undefined, `inf` where PySAL's arithmetic gives +∞ (see
    /// ``scores``). Ids holding a comma, a double quote or a line break are quoted as RFC 4180
    /// asks. Lines end with LF.
    ///
    /// - Parameter ids: the demand ids, one per score.
    public func csv(ids: [String]) -> String {
        precondition(ids.count == scores.count, "one id per score")
        var text = "id,score\n"
        text.reserveCapacity(32 * (scores.count + 1))
        for (id, score) in zip(ids, scores) {
            text += Self.csvField(id)
            text += ","
            text += Self.formatScore(score)
            text += "\n"
        }
        return text
    }

    /// `%.17g`, `nan` for any NaN (whatever its sign bit), `inf` / `-inf` for infinities.
    public static func formatScore(_ value: Double) -> String {
        if value.isNaN { return "nan" }
        if value.isInfinite { return value > 0 ? "inf" : "-inf" }
        return String(format: "%.17g", value)
    }

    static func csvField(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
