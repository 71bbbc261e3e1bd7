import CZlib
import Foundation

/// A failure to decompress: the data is not what its container says it is.
public struct CompressionError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What was being decompressed (an archive member, a PBF blob), for the message.
    public let source: String
    /// zlib's reason, or what did not match.
    public let detail: String

    public var description: String {
        ProblemText.format(source: source, line: nil, "cannot decompress: \(detail)",
                           fix: "the file is damaged or truncated; download it again")
    }
}

/// DEFLATE decompression through zlib (RFC 1950 zlib streams and RFC 1951 raw streams).
///
/// Thread-safety: every call uses its own `z_stream`; the functions may run concurrently.
public enum Inflate {
    /// The container around the deflate data.
    public enum Format: Sendable {
        /// A zlib stream (2-byte header, Adler-32 trailer): OpenStreetMap PBF `zlib_data`.
        case zlib
        /// Raw deflate data: zip archive members (method 8).
        case raw
    }

    /// The largest output accepted (so that a "zip bomb" cannot exhaust memory): 2 GiB.
    public static let maximumOutputBytes = 2 << 30

    /// Decompresses `input`. `expectedSize`, when the container states it, is checked exactly.
    public static func decompress(_ input: Data, format: Format, expectedSize: Int? = nil, source: String) throws(CompressionError) -> Data {
        if let expectedSize, expectedSize < 0 || expectedSize > maximumOutputBytes {
            throw CompressionError(source: source, detail: "stated size \(expectedSize) bytes is out of range")
        }
        var stream = z_stream()
        // inflateInit2_ returns Z_OK on success; windowBits 15 = zlib header, -15 = raw deflate.
        let windowBits: Int32 = format == .zlib ? 15 : -15
        guard inflateInit2_(&stream, windowBits, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw CompressionError(source: source, detail: "zlib could not start (out of memory)")
        }
        defer { inflateEnd(&stream) }
        var output = Data(count: max(expectedSize ?? input.count * 4, 64))
        var produced = 0
        var status: Int32 = Z_OK
        let result: Result<Void, CompressionError> = input.withUnsafeBytes { (inBuffer: UnsafeRawBufferPointer) in
            stream.next_in = UnsafeMutablePointer(mutating: inBuffer.bindMemory(to: Bytef.self).baseAddress)
            stream.avail_in = uInt(inBuffer.count)
            while true {
                if produced == output.count {
                    if let expectedSize, produced >= expectedSize {
                        return .failure(CompressionError(source: source, detail: "more data than the stated \(expectedSize) bytes"))
                    }
                    guard output.count < maximumOutputBytes else {
                        return .failure(CompressionError(source: source, detail: "more than \(maximumOutputBytes) bytes"))
                    }
                    output.count = min(output.count * 2, maximumOutputBytes)
                }
                let room = output.count - produced
                status = output.withUnsafeMutableBytes { (outBuffer: UnsafeMutableRawBufferPointer) -> Int32 in
                    stream.next_out = outBuffer.bindMemory(to: Bytef.self).baseAddress! + produced
                    stream.avail_out = uInt(room)
                    // inflate returns Z_STREAM_END at the end, Z_OK on progress, Z_BUF_ERROR when
                    // it needs more room or input, a negative code on corrupt data.
                    return inflate(&stream, Z_NO_FLUSH)
                }
                produced = Int(stream.total_out)
                if status == Z_STREAM_END { return .success(()) }
                if status == Z_BUF_ERROR && stream.avail_in == 0 {
                    return .failure(CompressionError(source: source, detail: "the compressed data ends early"))
                }
                if status != Z_OK && status != Z_BUF_ERROR {
                    let reason = stream.msg.map { String(cString: $0) } ?? "zlib error \(status)"
                    return .failure(CompressionError(source: source, detail: reason))
                }
            }
        }
        try result.get()
        if let expectedSize, produced != expectedSize {
            throw CompressionError(source: source, detail: "\(produced) bytes where \(expectedSize) were stated")
        }
        output.count = produced
        return output
    }

    /// The CRC-32 (ISO 3309, as in zip archives) of `data`.
    public static func crc32(_ data: Data) -> UInt32 {
        data.withUnsafeBytes { (buffer: UnsafeRawBufferPointer) -> UInt32 in
            var crc: uLong = CZlib.crc32(0, nil, 0)
            var offset = 0
            // zlib takes a uInt length: feed at most 1 GiB at a time.
            while offset < buffer.count {
                let n = min(buffer.count - offset, 1 << 30)
                crc = CZlib.crc32(crc, buffer.bindMemory(to: Bytef.self).baseAddress! + offset, uInt(n))
                offset += n
            }
            return UInt32(truncatingIfNeeded: crc)
        }
    }
}
