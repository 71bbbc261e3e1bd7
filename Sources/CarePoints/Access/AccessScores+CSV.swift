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
        // Rows are formatted in fixed chunks on all cores, then joined in order.
        let chunkSize = 4096
        var chunks = [[UInt8]](repeating: [], count: (scores.count + chunkSize - 1) / chunkSize)
        if !chunks.isEmpty {
            chunks.withUnsafeMutableBufferPointer { buffer in
                let out = SharedBuffer(buffer)
                ParallelChunks.forEach(count: scores.count, chunkSize: chunkSize) { range in
                    var bytes: [UInt8] = []
                    bytes.reserveCapacity(32 * range.count)
                    for i in range {
                        bytes.append(contentsOf: Self.csvField(ids[i]).utf8)
                        bytes.append(UInt8(ascii: ","))
                        Self.appendScore(scores[i], to: &bytes)
                        bytes.append(UInt8(ascii: "\n"))
                    }
                    out[range.lowerBound / chunkSize] = bytes
                }
            }
        }
        var bytes = Array("id,score\n".utf8)
        bytes.reserveCapacity(chunks.reduce(bytes.count) { $0 + $1.count })
        for chunk in chunks { bytes.append(contentsOf: chunk) }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// `%.17g`, `nan` for any NaN (whatever its sign bit), `inf` / `-inf` for infinities.
    public static func formatScore(_ value: Double) -> String {
        var bytes: [UInt8] = []
        appendScore(value, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Appends ``formatScore(_:)`` of `value`: C's `%.17g` bytes, by ``SeventeenDigits`` (exact,
    /// without `snprintf` on the common path).
    static func appendScore(_ value: Double, to bytes: inout [UInt8]) {
        SeventeenDigits.append(value, to: &bytes)
    }

    static func csvField(_ text: String) -> String {
        let special: (UInt8) -> Bool = { $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\n") || $0 == UInt8(ascii: "\r") }
        guard text.utf8.contains(where: special) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
