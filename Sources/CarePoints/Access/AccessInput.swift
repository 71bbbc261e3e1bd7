import CareFormats
import CareGeometry
import Foundation

/// A place where people who need the service live: a census block's centroid, a patient's home,
/// a grid cell.
public struct DemandPoint: Hashable, Sendable {
    /// Unique among the demand points; a cost table's `origin` column refers to it.
    public let id: String
    /// Position in a projected CRS, metres (used only by Euclidean costs).
    public let position: Coordinate
    /// The demand P_i: people, patients or a weighted population; finite and ≥ 0.
    public let population: Double

    /// A demand point; values are checked by ``AccessInput/validate(demand:supply:)``.
    public init(id: String, position: Coordinate, population: Double) {
        self.id = id
        self.position = position
        self.population = population
    }
}

/// A place that offers the service: a clinic, a hospital, a visiting-nurse station.
public struct SupplyPoint: Hashable, Sendable {
    /// Unique among the supply points; a cost table's `destination` column refers to it.
    public let id: String
    /// Position in a projected CRS, metres (used only by Euclidean costs).
    public let position: Coordinate
    /// The supply S_j: doctors, beds, visits per week; finite and ≥ 0.
    public let capacity: Double

    /// A supply point; values are checked by ``AccessInput/validate(demand:supply:)``.
    public init(id: String, position: Coordinate, capacity: Double) {
        self.id = id
        self.position = position
        self.capacity = capacity
    }
}

/// Reading and checking the demand and supply tables of a floating-catchment analysis.
///
/// Thread safety: stateless.
public enum AccessInput {
    /// Reads demand points from a CSV with the columns `id,x,y,population` (other columns are
    /// ignored): positions in projected metres (or longitude/latitude, see
    /// ``projectToMetric(demand:supply:from:)``), population a finite number ≥ 0.
    ///
    /// Every row is checked and every problem reported, each with the file and line.
    ///
    /// - Throws: ``AccessError``: the table cannot be read (`.unreadableTable`), a value is missing
    ///   or invalid (`.invalidValue`), an id repeats (`.duplicateID`), no rows (`.emptyInput`).
    public static func readDemand(contentsOf url: URL) throws(AccessError) -> [DemandPoint] {
        try readPoints(url, valueColumn: "population", what: "demand") {
            DemandPoint(id: $0, position: $1, population: $2)
        }
    }

    /// Reads supply points from a CSV with the columns `id,x,y,capacity`, checked as in
    /// ``readDemand(contentsOf:)``.
    public static func readSupply(contentsOf url: URL) throws(AccessError) -> [SupplyPoint] {
        try readPoints(url, valueColumn: "capacity", what: "supply") {
            SupplyPoint(id: $0, position: $1, capacity: $2)
        }
    }

    /// Checks demand and supply given in code: both non-empty, ids non-empty and unique within
    /// each list, positions finite, population and capacity finite and ≥ 0. Every problem is
    /// reported; points are named by their 1-based position and id.
    public static func validate(demand: [DemandPoint], supply: [SupplyPoint]) throws(AccessError) {
        // Valid input (the usual case, and always after the readers) is recognised in one pass
        // without String hashing; anything else is checked by the loop below, which names every problem.
        if allValid(demand.count, { demand[$0].id }, { demand[$0].position }, { demand[$0].population }),
            allValid(supply.count, { supply[$0].id }, { supply[$0].position }, { supply[$0].capacity })
        {
            return
        }
        var problems = AccessProblems()
        check(demand.map { ($0.id, $0.position, $0.population) }, what: "demand", valueName: "population", into: &problems)
        check(supply.map { ($0.id, $0.position, $0.capacity) }, what: "supply", valueName: "capacity", into: &problems)
        try problems.throwIfAny()
    }

    /// Whether `check` would find no problem: points present, ids non-empty and distinct
    /// (``DuplicateKeys``), positions finite and within the projected limit, values finite and
    /// ≥ 0. False also when ids cannot be compared fast (then `check` decides).
    private static func allValid(
        _ count: Int, _ id: (Int) -> String, _ position: (Int) -> Coordinate, _ value: (Int) -> Double
    ) -> Bool {
        guard count > 0 else { return false }
        for i in 0..<count {
            let p = position(i), v = value(i)
            guard !id(i).isEmpty, p.isFinite, max(abs(p.x), abs(p.y)) <= Coordinate.projectedLimit, v.isFinite, v >= 0
            else { return false }
        }
        return DuplicateKeys.allDistinct(count, id) == true
    }

    private static func check(
        _ points: [(id: String, position: Coordinate, value: Double)], what: String, valueName: String,
        into problems: inout AccessProblems
    ) {
        guard !points.isEmpty else {
            problems.add(.emptyInput, "there are no \(what) points", fix: "give at least one \(what) point")
            return
        }
        var firstIndex: [String: Int] = [:]
        for (index, point) in points.enumerated() {
            let name = "\(what) point \(index + 1) (id \"\(point.id)\")"
            if point.id.isEmpty {
                problems.add(.invalidValue, "\(what) point \(index + 1) has an empty id")
            } else if let first = firstIndex[point.id] {
                problems.add(.duplicateID, "\(name) repeats the id of \(what) point \(first + 1)", fix: "ids must be unique")
            } else {
                firstIndex[point.id] = index
            }
            if !point.position.isFinite {
                problems.add(.invalidValue, "\(name) has a non-finite position \(point.position)")
            } else if max(abs(point.position.x), abs(point.position.y)) > Coordinate.projectedLimit {
                problems.add(.invalidValue, "\(name) has the position \(point.position), beyond any projected CRS (|x|, |y| ≤ 1e8 m)",
                             fix: "check the x and y columns and their unit (metres)")
            }
            if !(point.value.isFinite && point.value >= 0) {
                problems.add(.invalidValue, "\(name): \(valueName) must be a finite number ≥ 0, got \(point.value)")
            }
        }
    }

    /// The rows of a point table, each made into a point by `make(id, position, value)`.
    private static func readPoints<Point>(
        _ url: URL, valueColumn: String, what: String, _ make: (String, Coordinate, Double) -> Point
    ) throws(AccessError) -> [Point] {
        // The size and kind checks of every input (InputFile); a refused file goes to the general
        // reader, which reports why.
        if let data = try? InputFile.read(url, kind: .csv),
            let points = readPlainPoints(data, valueColumn: valueColumn, make)
        {
            return points
        }
        let table: CSVTable
        let columns: [CSVTable.Column]
        do {
            table = try CSVTable(contentsOf: url)
            columns = try table.columns(["id", "x", "y", valueColumn])
        } catch {
            throw AccessError(.unreadableTable, error.description)
        }
        let source = table.source
        guard !table.isEmpty else {
            throw AccessError(
                .emptyInput, source: source, "there are no \(what) rows below the header",
                fix: "give at least one \(what) point")
        }
        var problems = AccessProblems()
        var points: [Point] = []
        points.reserveCapacity(table.count)
        var firstLine: [String: Int] = [:]
        for row in table {
            let line = row.lineNumber
            let id = row[columns[0]].trimmingCharacters(in: .whitespaces)
            if id.isEmpty {
                problems.add(.invalidValue, source: source, line: line, column: "id", "the id is empty", fix: "every \(what) point needs an id")
            } else if let first = firstLine[id] {
                problems.add(.duplicateID, source: source, line: line, column: "id", "\"\(id)\" repeats line \(first)", fix: "ids must be unique")
            } else {
                firstLine[id] = line
            }
            func measure(_ column: CSVTable.Column, nonNegative: Bool) -> Double? {
                let parsed: ParsedNumber<Double>
                do {
                    parsed = try row.parseMeasure(column)
                } catch {
                    problems.add(.invalidValue, error.description)
                    return nil
                }
                guard let value = parsed.value else {
                    problems.add(.invalidValue, source: source, line: line, column: column.name,
                                 "a number is required, found \(parsed.missingDescription)")
                    return nil
                }
                if nonNegative && value < 0 {
                    problems.add(.invalidValue, source: source, line: line, column: column.name,
                                 "\(column.name) must be ≥ 0, got \(row[column].trimmingCharacters(in: .whitespaces))")
                    return nil
                }
                return value
            }
            func coordinate(_ column: CSVTable.Column) -> Double? {
                guard let v = measure(column, nonNegative: false) else { return nil }
                guard abs(v) <= Coordinate.projectedLimit else {
                    problems.add(.invalidValue, source: source, line: line, column: column.name,
                                 "\(column.name) = \(row[column].trimmingCharacters(in: .whitespaces)) is beyond any projected CRS (|\(column.name)| ≤ 1e8 m)",
                                 fix: "check the column and its unit (metres, or longitude/latitude with --crs)")
                    return nil
                }
                return v
            }
            let x = coordinate(columns[1])
            let y = coordinate(columns[2])
            let value = measure(columns[3], nonNegative: true)
            if let x, let y, let value {
                points.append(make(id, Coordinate(x: x, y: y), value))
            }
        }
        try problems.throwIfAny()
        return points
    }
}

extension AccessInput {
    /// The fast path of the point readers, for the plain files that programs write (a million
    /// rows in a fraction of a second): ASCII only, comma-separated, no quotes, a header naming
    /// `id`, `x`, `y` and the value column once each, every row with the header's field count, a
    /// non-empty id without surrounding spaces, and numbers written like `-12.5` (value ≥ 0).
    /// Ids must be unique. Anything else — another encoding, quoting, full-width digits, thousands
    /// separators, a blank line, a missing or invalid value, a repeated id, more rows than
    /// ``InputLimits/maximumCSVRows`` — returns nil, and the
    /// general reader (which accepts what it can and reports every problem with its line) reads
    /// the file instead; where both read a file they give the same points.
    ///
    /// The rows are parsed in chunks of whole lines on all cores (chunk boundaries depend only on
    /// the bytes, so the result does not depend on scheduling), ids checked for repeats by
    /// ``DuplicateKeys`` on their bytes.
    fileprivate static func readPlainPoints<Point>(
        _ data: Data, valueColumn: String, _ make: (String, Coordinate, Double) -> Point
    ) -> [Point]? {
        data.withUnsafeBytes { raw -> [Point]? in
            let bytes = raw.bindMemory(to: UInt8.self)
            let newline = UInt8(ascii: "\n"), tab = UInt8(ascii: "\t"), semicolon = UInt8(ascii: ";")
            guard !bytes.isEmpty else { return nil }
            let headerEnd = bytes.firstIndex(of: newline) ?? bytes.count
            guard !containsRefusedByte(bytes, 0..<headerEnd) else { return nil }
            var header: [Range<Int>] = []
            splitLine(bytes, 0..<headerEnd, into: &header)
            guard !header.contains(where: { r in bytes[r].contains { $0 == tab || $0 == semicolon } }) else { return nil }
            let names = header.map { String(decoding: UnsafeBufferPointer(rebasing: bytes[$0]), as: UTF8.self) }
            var positions: [Int] = []
            for name in ["id", "x", "y", valueColumn] {
                let found = names.indices.filter { names[$0] == name }
                guard found.count == 1 else { return nil }
                positions.append(found[0])
            }
            // Chunks of about 256 KiB, each ending after a line feed (the last at the end of the data).
            let bodyStart = min(headerEnd + 1, bytes.count)
            var starts = [bodyStart]
            let target = 1 << 18
            while let last = starts.last, bytes.count - last > target {
                guard let cut = UnsafeBufferPointer(rebasing: bytes[(last + target)...]).firstIndex(of: newline) else { break }
                starts.append(last + target + cut + 1)
            }
            if starts.last! < bytes.count { starts.append(bytes.count) } else if starts.count == 1 { return nil }
            let chunkCount = starts.count - 1
            var chunks = [PlainChunk<Point>?](repeating: nil, count: chunkCount)
            chunks.withUnsafeMutableBufferPointer { buffer in
                let out = SharedBuffer(buffer)
                ParallelChunks.forEach(count: chunkCount, chunkSize: 1) { range in
                    for c in range {
                        out[c] = parsePlainChunk(bytes, starts[c]..<starts[c + 1], fieldCount: header.count, positions: positions, make)
                    }
                }
            }
            var total = 0
            for chunk in chunks {
                guard let chunk else { return nil }
                total += chunk.points.count
            }
            guard total > 0, total <= InputLimits.maximumCSVRows else { return nil }
            var points: [Point] = []
            var idRanges: [Range<Int>] = []
            var hashes: [UInt64] = []
            points.reserveCapacity(total)
            idRanges.reserveCapacity(total)
            hashes.reserveCapacity(total)
            for chunk in chunks {
                points.append(contentsOf: chunk!.points)
                idRanges.append(contentsOf: chunk!.idRanges)
                hashes.append(contentsOf: chunk!.hashes)
            }
            let base = UnsafeRawBufferPointer(bytes)
            let repeated = hashes.withUnsafeBufferPointer { hashes in
                DuplicateKeys.firstRepeat(hashes: hashes) { a, b in
                    base[idRanges[a]].elementsEqual(base[idRanges[b]])
                }
            }
            // A repeated id (or ids made to collide) goes to the general reader, which names the lines.
            guard repeated == DuplicateKeys.Repeat.none else { return nil }
            return points
        }
    }

    /// The rows of one chunk of the fast path (whole lines).
    private struct PlainChunk<Point> {
        var points: [Point] = []
        var idRanges: [Range<Int>] = []
        var hashes: [UInt64] = []
    }

    /// Non-ASCII, a double quote or NUL: the fast path refuses the file.
    private static func containsRefusedByte(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Bool {
        let quote = UInt8(ascii: "\"")
        var k = range.lowerBound
        while k < range.upperBound {
            let b = bytes[k]
            if b >= 0x80 || b == quote || b == 0 { return true }
            k += 1
        }
        return false
    }

    /// The comma-separated fields of `line` (no line feed inside), a trailing CR dropped.
    @inline(__always)
    private static func splitLine(_ bytes: UnsafeBufferPointer<UInt8>, _ line: Range<Int>, into fields: inout [Range<Int>]) {
        fields.removeAll(keepingCapacity: true)
        var start = line.lowerBound
        var k = line.lowerBound
        while k < line.upperBound {
            if bytes[k] == UInt8(ascii: ",") {
                fields.append(start..<k)
                start = k + 1
            }
            k += 1
        }
        let end = k > start && bytes[k - 1] == UInt8(ascii: "\r") ? k - 1 : k
        fields.append(start..<end)
    }

    /// Parses the lines of `chunk` as rows of the fast path; nil for anything it refuses.
    private static func parsePlainChunk<Point>(
        _ bytes: UnsafeBufferPointer<UInt8>, _ chunk: Range<Int>, fieldCount: Int, positions: [Int],
        _ make: (String, Coordinate, Double) -> Point
    ) -> PlainChunk<Point>? {
        guard !containsRefusedByte(bytes, chunk) else { return nil }
        var result = PlainChunk<Point>()
        let estimate = chunk.count / 24 + 1
        result.points.reserveCapacity(estimate)
        result.idRanges.reserveCapacity(estimate)
        result.hashes.reserveCapacity(estimate)
        var fields: [Range<Int>] = []
        fields.reserveCapacity(fieldCount + 1)
        func number(_ r: Range<Int>) -> Double? { plainDecimal(UnsafeBufferPointer(rebasing: bytes[r])) }
        var cursor = chunk.lowerBound
        while cursor < chunk.upperBound {
            var k = cursor
            while k < chunk.upperBound && bytes[k] != UInt8(ascii: "\n") { k += 1 }
            splitLine(bytes, cursor..<k, into: &fields)
            cursor = k + 1
            // A final newline leaves one empty line; any other blank line goes to the general reader.
            if fields.count == 1 && fields[0].isEmpty && cursor >= bytes.count { break }
            guard fields.count == fieldCount else { return nil }
            let idRange = fields[positions[0]]
            guard !idRange.isEmpty, bytes[idRange.lowerBound] != UInt8(ascii: " "),
                bytes[idRange.upperBound - 1] != UInt8(ascii: " ")
            else { return nil }
            guard let x = number(fields[positions[1]]), let y = number(fields[positions[2]]),
                let value = number(fields[positions[3]]), value >= 0
            else { return nil }
            let idBytes = UnsafeBufferPointer(rebasing: bytes[idRange])
            result.points.append(make(String(decoding: idBytes, as: UTF8.self), Coordinate(x: x, y: y), value))
            result.idRanges.append(idRange)
            result.hashes.append(DuplicateKeys.hash(UnsafeRawBufferPointer(idBytes)))
        }
        return result
    }
}

extension AccessInput {
    /// 10^0 … 10^22, each exact as a double.
    private static let exactPowersOfTen: [Double] = (0...22).map { k in (0..<k).reduce(1.0) { x, _ in x * 10 } }

    /// A plain decimal number, `-?digits(.digits)?` in ASCII, as `Double(String)` reads it (the
    /// double nearest the decimal, ties to even), nil for anything else or a non-finite value.
    ///
    /// When the digits without the point form an integer m ≤ 2⁵³ and there are k ≤ 22 of them
    /// after the point, m and 10^k are exact doubles and the one division m / 10^k is correctly
    /// rounded, so it is the nearest double (Clinger 1990, "How to read floating point numbers
    /// accurately", the fast path); a sign is applied after (−0 stays −0). Other numbers go to
    /// `Double(String)`.
    static func plainDecimal(_ field: UnsafeBufferPointer<UInt8>) -> Double? {
        var k = 0
        let n = field.count
        let negative = n > 0 && field[0] == UInt8(ascii: "-")
        if negative { k = 1 }
        var mantissa: UInt64 = 0
        var significant = 0  // digits after the leading zeros
        /// Reads a run of digits into the mantissa (its first 19 significant ones); their count.
        func digits() -> Int {
            let start = k
            while k < n, field[k] &- 0x30 < 10 {
                let digit = UInt64(field[k] &- 0x30)
                if significant > 0 || digit != 0 { significant += 1 }
                if significant <= 19 { mantissa = mantissa &* 10 &+ digit }
                k += 1
            }
            return k - start
        }
        guard digits() > 0 else { return nil }
        var fraction = 0
        if k < n && field[k] == UInt8(ascii: ".") {
            k += 1
            fraction = digits()
            guard fraction > 0 else { return nil }
        }
        guard k == n else { return nil }
        if significant <= 19 && mantissa <= 1 << 53 && fraction <= 22 {
            let magnitude = Double(mantissa) / exactPowersOfTen[fraction]
            return negative ? -magnitude : magnitude
        }
        guard let value = Double(String(decoding: field, as: UTF8.self)), value.isFinite else { return nil }
        return value
    }
}

extension ParsedNumber {
    /// How a missing value is named in a message.
    fileprivate var missingDescription: String {
        if case .missing(let missing) = self { return missing.description }
        return "a number"
    }
}

extension AccessInput {
    /// Projects longitude/latitude positions to the metric CRS that suits their extent, so that
    /// Euclidean costs are in metres.
    ///
    /// When `crs` is geographic (by PROJ's database), every demand and supply position is
    /// transformed to ``MetricCRS/choose(forLonLatExtent:)`` of their joint extent, and that
    /// choice is returned; when `crs` is projected the points are returned unchanged with a nil
    /// choice (its unit is taken to be the metre).
    ///
    /// - Throws: ``GeometryError`` from PROJ when `crs` is unknown or a position cannot be
    ///   transformed (a latitude beyond ±90°).
    public static func projectToMetric(demand: [DemandPoint], supply: [SupplyPoint], from crs: CRS) throws
        -> (demand: [DemandPoint], supply: [SupplyPoint], choice: MetricCRSChoice?)
    {
        let geographic = try crs.isKnownGeographic || CRSInfo(crs).isGeographic
        guard geographic, !(demand.isEmpty && supply.isEmpty) else { return (demand, supply, nil) }
        var positions = demand.map(\.position) + supply.map(\.position)
        var extent = Envelope(positions[0])
        for position in positions { extent.expand(toInclude: position) }
        let choice = MetricCRS.choose(forLonLatExtent: extent)
        let transform = try CoordinateTransform(from: crs, to: choice.crs)
        do { try transform.transform(&positions) } catch {
            // Name the first point PROJ refuses (the batch's message counts positions over both tables).
            let ids = demand.map { "demand point \($0.id)" } + supply.map { "supply point \($0.id)" }
            for (k, position) in (demand.map(\.position) + supply.map(\.position)).enumerated() where (try? transform.transform(position)) == nil {
                throw GeometryError.proj(
                    operation: "transform \(crs) → \(choice.crs)",
                    message: "\(ids[k]) at \(position) could not be transformed; check its coordinates (longitude first, latitude within ±90°)")
            }
            throw error
        }
        let projectedDemand = demand.indices.map {
            DemandPoint(id: demand[$0].id, position: positions[$0], population: demand[$0].population)
        }
        let projectedSupply = supply.indices.map {
            SupplyPoint(id: supply[$0].id, position: positions[demand.count + $0], capacity: supply[$0].capacity)
        }
        return (projectedDemand, projectedSupply, choice)
    }
}
