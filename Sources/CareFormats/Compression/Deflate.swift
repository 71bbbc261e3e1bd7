import CZlib
import Foundation

/// DEFLATE compression through zlib (RFC 1950 zlib streams), with the level and strategy chosen
/// for the use: PNG slides want speed on long runs of one colour (``Strategy/runLength``), files
/// kept for long want size.
///
/// Thread-safety: every call uses its own `z_stream`; the functions may run concurrently.
public enum Deflate {
    /// zlib's match-finding strategy.
    public enum Strategy: Sendable {
        /// Full LZ77 matching (`Z_DEFAULT_STRATEGY`).
        case standard
        /// Runs only (`Z_RLE`): matches at distance 1, nearly as small as `standard` on filtered
        /// images with large flat areas and several times faster.
        case runLength
    }

    /// `input` as one zlib stream at `level` (0 … 9).
    public static func compress(_ input: UnsafeRawBufferPointer, level: Int32, strategy: Strategy = .standard) -> Data {
        var stream = z_stream()
        let zStrategy = strategy == .runLength ? Z_RLE : Z_DEFAULT_STRATEGY
        // deflateInit2_ fails only without memory or with invalid parameters (a programming error).
        guard deflateInit2_(&stream, max(0, min(9, level)), Z_DEFLATED, 15, 8, zStrategy, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            fatalError("zlib could not start a deflate stream (out of memory)")
        }
        defer { deflateEnd(&stream) }
        // Out through a small buffer: room for deflateBound (the input's size for an image)
        // would be zeroed and faulted in for output a tenth of it.
        var output = Data()
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        stream.next_in = UnsafeMutablePointer(mutating: input.bindMemory(to: Bytef.self).baseAddress)
        stream.avail_in = uInt(input.count)
        var status = Z_OK
        while status != Z_STREAM_END {
            chunk.withUnsafeMutableBufferPointer { out in
                stream.next_out = out.baseAddress
                stream.avail_out = uInt(out.count)
                status = deflate(&stream, Z_FINISH)
                precondition(status == Z_OK || status == Z_STREAM_END, "deflate failed (\(status))")
                output.append(out.baseAddress!, count: out.count - Int(stream.avail_out))
            }
        }
        return output
    }

    /// The CRC-32 of `bytes` (ISO 3309, as PNG chunks and zip members use), continuing `crc`.
    public static func crc32(_ bytes: UnsafeRawBufferPointer, continuing crc: UInt32 = 0) -> UInt32 {
        UInt32(CZlib.crc32(uLong(crc), bytes.bindMemory(to: Bytef.self).baseAddress, uInt(bytes.count)))
    }
}
