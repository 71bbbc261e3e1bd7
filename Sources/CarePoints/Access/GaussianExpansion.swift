import Foundation

/// Sums Σ v e^(−α² d²) over whole grid cells by truncated Taylor expansions, for the Gaussian decay
/// of ``StreamingCatchment`` (issue 21): no e^x per pair for the cells that lie wholly inside a
/// catchment.
///
/// Source side (pass 1, a query q against the cells of the demand grid). With α² = detour² / (2σ²),
/// a cell centre c, U_i = α(p_i − c) and W = α(c − q):
///
///     e^(−α²‖p_i − q‖²) = e^(−‖U_i‖²) e^(−‖W‖²) e^(−2 U_i·W)
///     e^(−2 U·W) = Σ_n (−2 U·W)ⁿ / n! = Σ_{a,b} (−2)^(a+b) / (a! b!) U_x^a U_y^b W_x^a W_y^b
///
/// so that Σ_i v_i e^(−α²‖p_i − q‖²) ≈ e^(−‖W‖²) Σ_{a+b<p} M_ab W_x^a W_y^b, with the cell's moments
/// M_ab = (−2)^(a+b) / (a! b!) Σ_i v_i e^(−‖U_i‖²) U_x^a U_y^b: the Taylor form of the improved fast
/// Gauss transform (C. Yang, R. Duraiswami, N. Gumerov, 2003, "Improved fast Gauss transform",
/// CS-TR-4495, University of Maryland; Yang, Duraiswami, Gumerov & Davis, ICCV 2003).
///
/// Target side (pass 2, the queries of one demand cell with centre t against single sources): with
/// V_j = α(y_j − t) and Δ = α(q − t), Σ_j v_j e^(−α²‖y_j − q‖²) ≈ e^(−‖Δ‖²) Σ_{a+b<p} L_ab Δ_x^a Δ_y^b,
/// L_ab = 2^(a+b) / (a! b!) Σ_j v_j e^(−‖V_j‖²) V_x^a V_y^b (a local expansion).
///
/// Error: truncating the total degree at p − 1 truncates the series of e^z, z = ∓2U·W, after
/// z^(p−1); with |z| ≤ ρ = 2 max‖U‖ ‖W‖ (resp. 2 max‖V‖ max‖Δ‖) the remainder is ≤ ρ^p / p! · e^ρ
/// (Lagrange) and e^z ≥ e^(−ρ), so each pair's weight is within ρ^p / p! · e^(2ρ) relative. The values
/// (populations, ratios) are ≥ 0, so every term has one sign and the bound holds for the sum. p is the
/// least order with that bound ≤ ``tolerance`` (``order(radius:)``), at most ``maximumOrder``
/// (ρ ≤ 0.93); beyond, the pairs are summed one by one. Rounding in the polynomial adds
/// ≈ p · 2⁻⁵³ · e^(2ρ) ≤ 1.2e−14 relative at most.
enum GaussianExpansion {
    /// The largest order p (moments a + b < p: p(p + 1)/2 of them).
    static let maximumOrder = 16
    /// The truncation bound ρ^p / p! · e^(2ρ) that the order is chosen to meet, relative per pair.
    static let tolerance = 1e-13
    /// Moments per cell at the largest order.
    static let maximumTerms = maximumOrder * (maximumOrder + 1) / 2

    /// Estimated costs in nanoseconds, for choosing between an expansion and the pairs one by one
    /// (measured on the 200,000 × 20,000 benchmark: ≈ 3 ns per pair for the vector e^x with its
    /// distance and test, ≈ 0.5 ns per moment term, ≈ 10 ns for a scalar e^x and the set-up).
    static let pairCost = 3.0
    static let termCost = 0.5
    static let setUpCost = 10.0

    /// radii[p]: the largest ρ with ρ^p / p! · e^(2ρ) ≤ ``tolerance`` (by bisection; radii[0] = 0).
    static let radii: [Double] = (0...maximumOrder).map { p in
        guard p > 0 else { return 0 }
        var factorial = 1.0
        for k in 1...p { factorial *= Double(k) }
        func bound(_ rho: Double) -> Double { pow(rho, Double(p)) / factorial * exp(2 * rho) }
        var low = 0.0, high = 4.0
        for _ in 0..<200 {
            let middle = (low + high) / 2
            if bound(middle) <= tolerance { low = middle } else { high = middle }
        }
        return low
    }

    /// The least order p whose truncation bound at ρ = `radius` is ≤ ``tolerance``; nil when even
    /// ``maximumOrder`` does not reach it (or ρ is not a number).
    @inline(__always)
    static func order(radius rho: Double) -> Int? {
        guard rho <= radii[maximumOrder] else { return nil }
        var p = 1
        while rho > radii[p] { p += 1 }
        return p
    }

    /// The number of moments of order p.
    @inline(__always)
    static func terms(_ p: Int) -> Int { p * (p + 1) / 2 }

    /// Moments are stored row by row: row a holds b = 0 ..< stride − a, from this offset.
    @inline(__always)
    static func offset(_ a: Int, stride: Int) -> Int { a * stride - a * (a - 1) / 2 }

    /// 2^(a+b) / (a! b!) at offset(a, stride: maximumOrder) + b (each rounded once).
    static let localCoefficients: [Double] = coefficients(sign: 1)
    /// (−2)^(a+b) / (a! b!) likewise.
    static let sourceCoefficients: [Double] = coefficients(sign: -1)

    private static func coefficients(sign: Double) -> [Double] {
        var table = [Double](repeating: 0, count: maximumTerms)
        var factorials = [1.0]
        for k in 1..<maximumOrder { factorials.append(factorials[k - 1] * Double(k)) }
        for a in 0..<maximumOrder {
            for b in 0..<(maximumOrder - a) {
                table[offset(a, stride: maximumOrder) + b] = pow(2 * sign, Double(a + b)) / (factorials[a] * factorials[b])
            }
        }
        return table
    }

    /// Adds g · u_x^a · u_y^b to the moments a + b < p (stored with `stride`) for four points at
    /// once, each lane a partial sum of the moments (added by the caller at the end); `powers` holds
    /// p vectors.
    @inline(__always)
    static func accumulate(
        _ moments: UnsafeMutablePointer<SIMD4<Double>>, stride: Int, order p: Int, _ g: SIMD4<Double>, _ ux: SIMD4<Double>,
        _ uy: SIMD4<Double>, _ powers: UnsafeMutablePointer<SIMD4<Double>>
    ) {
        var y = g
        for b in 0..<p {
            powers[b] = y
            y *= uy
        }
        var x = SIMD4<Double>(repeating: 1)
        for a in 0..<p {
            let row = moments + offset(a, stride: stride)
            for b in 0..<(p - a) { row[b] += x * powers[b] }
            x *= ux
        }
    }

    /// Σ_{a+b<p} m_ab w_x^a w_y^b, as Σ_a w_x^a (Σ_b m_ab w_y^b) with Horner's rule in w_x; `powers`
    /// holds p doubles.
    @inline(__always)
    static func evaluate(
        _ moments: UnsafePointer<Double>, stride: Int, order p: Int, _ wx: Double, _ wy: Double,
        _ powers: UnsafeMutablePointer<Double>
    ) -> Double {
        var y = 1.0
        for b in 0..<p {
            powers[b] = y
            y *= wy
        }
        var outer = 0.0
        var a = p - 1
        while a >= 0 {
            let row = moments + offset(a, stride: stride)
            var inner = 0.0
            for b in 0..<(p - a) { inner += row[b] * powers[b] }
            outer = outer * wx + inner
            a -= 1
        }
        return outer
    }

    /// True when expansions can serve a useful part of the catchments: a cell of `cellSize`
    /// (reach half its diagonal) at half the search radius from the query meets the bound at an
    /// order ≤ 16, so that at least a quarter of each disc may be expanded. Otherwise (σ small
    /// against the cells) the scans and tests of the expansion path cost more than they save, and
    /// every pair takes the per-pair path.
    static func worthwhile(alpha: Double, cellSize: Double, radius: Double) -> Bool {
        let reach = cellSize * 0.5.squareRoot()
        return 2 * alpha * reach * alpha * (radius / 2) <= radii[maximumOrder]
    }

    /// True when an expansion of order p over `points` points is estimated cheaper than the
    /// points one by one (source side: one query).
    @inline(__always)
    static func pays(order p: Int, points: Int) -> Bool {
        Double(terms(p)) * termCost + setUpCost < Double(points) * pairCost
    }

    /// The source-side moments of a grid's cells and of blocks of 2×2, 4×4 and 8×8 cells (levels 0
    /// to 3), each about the block's geometric centre. A block has moments when it holds enough
    /// points for an expansion to pay at the lowest order and no infinite value (NaN values are
    /// left out of the sums as the pairs leave them out; a cell with an infinite value is summed
    /// pair by pair). A query takes the largest block wholly inside its catchment whose order is
    /// at most 16 and that pays against its pairs, else descends to the four quarters, and sums the
    /// cells that remain pair by pair: near the query, where ‖W‖ is small, wide blocks meet the
    /// bound at a low order; near the circle, cells do.
    ///
    /// Thread safety: immutable; share it between threads freely.
    struct CellMoments: Sendable {
        static let maximumLevel = 3
        let alpha: Double
        /// The blocks of each level; a level's per-block entries start at its `first` in the
        /// arrays below.
        let levels: [Level]
        /// Per block, its number of points.
        let count: [Int32]
        /// Per block, the index of its ``GaussianExpansion/maximumTerms`` moments, or −1.
        let block: [Int32]
        /// Per block, the largest distance of a point from the block's centre, plus the grid's slack.
        let reach: [Double]
        let moments: [Double]
        /// The grid's values with NaN set to 0, for the pair loops: a NaN term is left out of the
        /// sums, and 0 × w adds the same +0 without a test per term (``CellSortedPoints/runSum``).
        let numbers: [Double]

        struct Level: Sendable {
            /// Cells per side of a block.
            let span: Int
            let columns: Int
            let rows: Int
            let first: Int
        }

        /// The arrays' storage, for the loops of one query.
        struct Storage {
            let levels: UnsafeBufferPointer<Level>
            let count: UnsafeBufferPointer<Int32>
            let block: UnsafeBufferPointer<Int32>
            let reach: UnsafeBufferPointer<Double>
            let moments: UnsafeBufferPointer<Double>
        }

        func withStorage<R>(_ body: (Storage) -> R) -> R {
            levels.withUnsafeBufferPointer { levels in
                count.withUnsafeBufferPointer { count in
                    block.withUnsafeBufferPointer { block in
                        reach.withUnsafeBufferPointer { reach in
                            moments.withUnsafeBufferPointer { moments in
                                body(Storage(levels: levels, count: count, block: block, reach: reach, moments: moments))
                            }
                        }
                    }
                }
            }
        }
    }
}

extension CellSortedPoints {
    /// The centre of cell (row, column), from the grid's geometry (the expansions' centre c).
    @inline(__always)
    func centre(row: Int, column: Int) -> (x: Double, y: Double) {
        centre(row: row, column: column, span: 1)
    }

    /// The centre of the block of span × span cells at block (row, column).
    @inline(__always)
    func centre(row: Int, column: Int, span: Int) -> (x: Double, y: Double) {
        let size = cellSize * Double(span)
        return (minX + (Double(column) + 0.5) * size, minY + (Double(row) + 0.5) * size)
    }

    /// The moments of ``GaussianExpansion/CellMoments`` for α = `alpha` (computed on all cores).
    func gaussianMoments(alpha: Double) -> GaussianExpansion.CellMoments {
        var levels: [GaussianExpansion.CellMoments.Level] = []
        var count: [Int32] = [], block: [Int32] = [], reach: [Double] = [], moments: [Double] = []
        for level in 0...GaussianExpansion.CellMoments.maximumLevel {
            let span = 1 << level
            let part = gaussianMoments(alpha: alpha, span: span)
            levels.append(.init(span: span, columns: part.columns, rows: part.rows, first: count.count))
            let offset = Int32(moments.count / GaussianExpansion.maximumTerms)
            count += part.count
            block += part.block.map { $0 < 0 ? -1 : $0 + offset }
            reach += part.reach
            moments += part.moments
        }
        return GaussianExpansion.CellMoments(
            alpha: alpha, levels: levels, count: count, block: block, reach: reach, moments: moments,
            numbers: values.map { $0.isNaN ? 0 : $0 })
    }

    /// One level of ``gaussianMoments(alpha:)``: blocks of span × span cells.
    private func gaussianMoments(alpha: Double, span: Int)
        -> (columns: Int, rows: Int, count: [Int32], block: [Int32], reach: [Double], moments: [Double])
    {
        let blockColumns = (columns + span - 1) / span, blockRows = (rows + span - 1) / span
        let blockCount = blockColumns * blockRows
        let width = GaussianExpansion.maximumTerms
        /// The slot ranges of a block's points, one per row of cells.
        func ranges(_ block: Int) -> [Range<Int>] {
            let row = block / blockColumns, column = block % blockColumns
            let c0 = column * span, c1 = Swift.min(columns, c0 + span)
            return (row * span..<Swift.min(rows, (row + 1) * span)).map { r in cellStarts[r * columns + c0]..<cellStarts[r * columns + c1] }
        }
        var counts = [Int32](repeating: 0, count: blockCount)
        var index = [Int32](repeating: -1, count: blockCount)
        var blocks = 0
        for b in 0..<blockCount {
            let slots = ranges(b)
            let n = slots.reduce(0) { $0 + $1.count }
            counts[b] = Int32(n)
            if GaussianExpansion.pays(order: 1, points: n), slots.allSatisfy({ $0.allSatisfy { !values[$0].isInfinite } }) {
                index[b] = Int32(blocks)
                blocks += 1
            }
        }
        var reach = [Double](repeating: 0, count: blockCount)
        var moments = [Double](repeating: 0, count: blocks * width)
        moments.withUnsafeMutableBufferPointer { momentBuffer in
            reach.withUnsafeMutableBufferPointer { reachBuffer in
                let out = SharedBuffer(momentBuffer), reaches = SharedBuffer(reachBuffer)
                ParallelChunks.forEach(count: blockCount, chunkSize: 64) { chunk in
                    // The moments' four partial sums (lane k: the block's points k, k + 4, …), then
                    // the powers of ``GaussianExpansion/accumulate(_:stride:order:_:_:_:_:)``.
                    var raw = [SIMD4<Double>](repeating: .zero, count: width + GaussianExpansion.maximumOrder)
                    raw.withUnsafeMutableBufferPointer { buffer in
                        let m = buffer.baseAddress!, w = m + width
                        for b in chunk where counts[b] > 0 {
                            let c = centre(row: b / blockColumns, column: b % blockColumns, span: span)
                            var far = 0.0
                            for i in 0..<width { m[i] = .zero }
                            // Four points at a time; lanes left empty hold the centre with value 0.
                            var x = SIMD4<Double>(repeating: c.x), y = SIMD4<Double>(repeating: c.y), v = SIMD4<Double>.zero
                            var lane = 0
                            func flush() {
                                let ux = alpha * (x - c.x), uy = alpha * (y - c.y)
                                GaussianExpansion.accumulate(
                                    m, stride: GaussianExpansion.maximumOrder, order: GaussianExpansion.maximumOrder,
                                    v * (-(ux * ux + uy * uy)).exponential(), ux, uy, w)
                                (x, y, v, lane) = (SIMD4(repeating: c.x), SIMD4(repeating: c.y), .zero, 0)
                            }
                            for slots in ranges(b) {
                                for slot in slots {
                                    let dx = xs[slot] - c.x, dy = ys[slot] - c.y
                                    far = Swift.max(far, (dx * dx + dy * dy).squareRoot())
                                    guard index[b] >= 0, !values[slot].isNaN else { continue }
                                    (x[lane], y[lane], v[lane]) = (xs[slot], ys[slot], values[slot])
                                    lane += 1
                                    if lane == 4 { flush() }
                                }
                            }
                            if lane > 0 { flush() }
                            reaches[b] = far + slack
                            guard index[b] >= 0 else { continue }
                            let base = Int(index[b]) * width
                            for i in 0..<width { out[base + i] = m[i].sum() * GaussianExpansion.sourceCoefficients[i] }
                        }
                    }
                }
            }
        }
        return (blockColumns, blockRows, counts, index, reach, moments)
    }

    /// ``sum(around:_:radius:limit:_:_:)`` for the Gaussian: blocks of cells whose every point is
    /// within the limit (their centre's distance plus their reach, less the slack), whose order is
    /// at most 16 and whose expansion pays (``GaussianExpansion/pays(order:points:)``) add
    /// e^(−‖W‖²) Σ M_ab W_x^a W_y^b, from the widest level down (``GaussianExpansion/CellMoments``);
    /// the cells that remain within reach are summed pair by pair as before (``runSum``, exact
    /// cut-off). Pieces are added in a fixed order (blocks row by row, quarters in row order) with
    /// Kahan compensation. Also returns how many expansions were used.
    func gaussianSum(
        around qx: Double, _ qy: Double, radius: Double, limit: Double, _ weight: GaussianWeight,
        _ cells: GaussianExpansion.CellMoments, _ powers: UnsafeMutablePointer<Double>
    ) -> (sum: Double, count: Int, expanded: Int) {
        let r = radius + slack
        // A point within this distance of q is within the limit, whatever the roundings.
        let within = limit.squareRoot() - 3 * slack
        let alpha = cells.alpha
        // The pairs over the NaN-free values without a NaN test where the table serves.
        let table = TableGaussianWeight(weight)
        var total = CompensatedSum()
        var count = 0, expanded = 0
        xs.withUnsafeBufferPointer { xs in
            ys.withUnsafeBufferPointer { ys in
                cells.numbers.withUnsafeBufferPointer { values in
                    cellStarts.withUnsafeBufferPointer { starts in
                        cells.withStorage { storage in
                            // Depth first with an explicit stack of (row, column, level) packed in
                            // one Int, the quarters pushed in reverse so that they are taken in row
                            // order: the same order as a recursion, without its calls or the dynamic
                            // exclusivity checks of the variables a recursive local function captures.
                            // At most 1 + 3 × maximumLevel entries are pending.
                            let capacity = 4 * GaussianExpansion.CellMoments.maximumLevel + 4
                            withUnsafeTemporaryAllocation(of: Int.self, capacity: capacity) { stack in
                                let top = storage.levels.count - 1
                                let blocks = storage.levels[top]
                                let size = cellSize * Double(blocks.span)
                                let rowLow = Self.clamp((qy - r - minY) / size, blocks.rows)
                                let rowHigh = Self.clamp((qy + r - minY) / size, blocks.rows)
                                let columnLow = Self.clamp((qx - r - minX) / size, blocks.columns)
                                let columnHigh = Self.clamp((qx + r - minX) / size, blocks.columns)
                                for topRow in rowLow...rowHigh {
                                    for topColumn in columnLow...columnHigh {
                                        stack[0] = topRow << 36 | topColumn << 4 | top
                                        var depth = 1
                                        while depth > 0 {
                                            depth -= 1
                                            let entry = stack[depth]
                                            let level = entry & 15, column = (entry >> 4) & 0xFFFF_FFFF, row = entry >> 36
                                            let blocks = storage.levels[level]
                                            guard column < blocks.columns, row < blocks.rows else { continue }
                                            let b = blocks.first + row * blocks.columns + column
                                            let n = Int(storage.count[b])
                                            guard n > 0 else { continue }
                                            let size = cellSize * Double(blocks.span)
                                            let cx = minX + (Double(column) + 0.5) * size - qx
                                            let cy = minY + (Double(row) + 0.5) * size - qy
                                            let centre2 = cx * cx + cy * cy
                                            let reach = storage.reach[b]
                                            // Wholly beyond the search radius (centre distance − reach > r): no
                                            // pair. Squared, without a square root per block: the roundings
                                            // (≈ 1e−16 relative) are far below the slack (≥ 1e−9 of the radius).
                                            let beyond = r + reach
                                            if centre2 > beyond * beyond { continue }
                                            let m = storage.block[b]
                                            let inside = within - reach
                                            if m >= 0 && inside >= 0 && centre2 <= inside * inside {
                                                // W = α(c − q): the moments' signs carry the (−2)^(a+b).
                                                let wx = alpha * cx, wy = alpha * cy
                                                let w2 = wx * wx + wy * wy
                                                if w2 <= 690, let p = GaussianExpansion.order(radius: 2 * alpha * reach * w2.squareRoot()),
                                                   GaussianExpansion.pays(order: p, points: n)
                                                {
                                                    let polynomial = GaussianExpansion.evaluate(
                                                        storage.moments.baseAddress! + Int(m) * GaussianExpansion.maximumTerms,
                                                        stride: GaussianExpansion.maximumOrder, order: p, wx, wy, powers)
                                                    total.add(weight.exponential(-w2) * polynomial)
                                                    count &+= n
                                                    expanded &+= 1
                                                    continue
                                                }
                                            }
                                            if level == 0 {
                                                let cell = row * columns + column
                                                let start = starts[cell], end = starts[cell + 1]
                                                let x = xs.baseAddress!, y = ys.baseAddress!, v = values.baseAddress!
                                                let run = if let table {
                                                    Self.runSum(qx, qy, x, y, v, start, end, limit, table)
                                                } else {
                                                    Self.runSum(qx, qy, x, y, v, start, end, limit, weight)
                                                }
                                                total.add(run.sum)
                                                count &+= run.count
                                                continue
                                            }
                                            for quarter in (0..<4).reversed() {
                                                stack[depth] = (2 * row + quarter / 2) << 36 | (2 * column + quarter % 2) << 4 | (level - 1)
                                                depth += 1
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return (total.sum, count, expanded)
    }
}

extension GaussianExpansion {
    /// A source kept for a local expansion: its position and value.
    typealias Source = (x: Double, y: Double, value: Double)

    /// The sources of one target (a block of cells, or one cell): those inside every catchment of
    /// the target, summed by its local expansion, and those the circle around some query may cut.
    struct TargetSources {
        var centre = (x: 0.0, y: 0.0)
        /// The largest distance of a query from the centre, plus the slack.
        var reach = 0.0
        /// Sources whose every pair with the target is within the limit (NaN values left out).
        var inner: [Source] = []
        /// How many sources are inside (NaN values included: their pairs count).
        var innerCount = 0
        /// The largest squared distance of an inner source from the centre.
        var farthest2 = 0.0
        /// Sources summed pair by pair; NaN values are stored as 0 (``CellSortedPoints/runSum``'s
        /// `termsAreNumbers`: a NaN term adds 0 either way).
        var boundaryX: [Double] = [], boundaryY: [Double] = [], boundaryValues: [Double] = []
        /// The local expansion's order (0: none) and its moments L_ab (stride = order).
        var order = 0
        var moments = [Double](repeating: 0, count: GaussianExpansion.maximumTerms)
        /// Scratch of ``expand``: the moments' four partial sums, then p powers.
        var lanes = [SIMD4<Double>](repeating: .zero, count: GaussianExpansion.maximumTerms + GaussianExpansion.maximumOrder)

        mutating func reset(centre: (x: Double, y: Double), reach: Double) {
            self.centre = centre
            self.reach = reach
            inner.removeAll(keepingCapacity: true)
            innerCount = 0
            farthest2 = 0
            boundaryX.removeAll(keepingCapacity: true)
            boundaryY.removeAll(keepingCapacity: true)
            boundaryValues.removeAll(keepingCapacity: true)
            order = 0
        }

        /// Files a source by its squared distance d2 from the centre: inside every catchment
        /// (d ≤ root − reach − 3 slack), beyond every one, or cut.
        @inline(__always)
        mutating func add(_ x: Double, _ y: Double, _ value: Double, d2: Double, inner2: Double, outer2: Double) {
            if d2 > outer2 { return }
            if d2 <= inner2 && !value.isInfinite {
                addInner(x, y, value, d2: d2)
            } else {
                boundaryX.append(x)
                boundaryY.append(y)
                boundaryValues.append(value.isNaN ? 0 : value)
            }
        }

        @inline(__always)
        mutating func addInner(_ x: Double, _ y: Double, _ value: Double, d2: Double) {
            innerCount += 1
            guard !value.isNaN else { return }
            inner.append((x, y, value))
            farthest2 = Swift.max(farthest2, d2)
        }

        /// Chooses the order from ρ = 2 α max‖y − t‖ · α reach and builds the moments when the
        /// expansion pays for `queries` queries (``pairCost``, ``termCost``). Returns true when the
        /// expansion is built; otherwise the inner sources stay for the caller.
        mutating func expand(alpha: Double, _ weight: GaussianWeight, queries: Int) -> Bool {
            let n = Double(inner.count)
            order = 0
            guard n > 0, alpha * alpha * farthest2 <= 690,
                  let p = GaussianExpansion.order(radius: 2 * alpha * farthest2.squareRoot() * alpha * reach)
            else { return false }
            let each = Double(terms(p)) * termCost + setUpCost
            guard n * each + Double(queries) * each < n * Double(queries) * pairCost else { return false }
            order = p
            let t = centre
            let width = terms(p)
            // Four sources at a time (lane k: sources k, k + 4, …), the vector e^x; the lanes' partial
            // moments are added at the end. Missing sources of the last four: at the centre with value 0.
            let inner = inner
            lanes.withUnsafeMutableBufferPointer { lanes in
                let sums = lanes.baseAddress!, powers = sums + maximumTerms
                for i in 0..<width { sums[i] = .zero }
                inner.withUnsafeBufferPointer { sources in
                    var i = 0
                    while i < sources.count {
                        var x = SIMD4<Double>(repeating: t.x), y = SIMD4<Double>(repeating: t.y), value = SIMD4<Double>.zero
                        for lane in 0..<Swift.min(4, sources.count - i) {
                            (x[lane], y[lane], value[lane]) = sources[i + lane]
                        }
                        let vx = alpha * (x - t.x), vy = alpha * (y - t.y)
                        accumulate(sums, stride: p, order: p, value * weight.exponentials(-(vx * vx + vy * vy)), vx, vy, powers)
                        i += 4
                    }
                }
                moments.withUnsafeMutableBufferPointer { m in
                    for a in 0..<p {
                        for b in 0..<(p - a) {
                            let k = offset(a, stride: p) + b
                            m[k] = sums[k].sum() * localCoefficients[offset(a, stride: maximumOrder) + b]
                        }
                    }
                }
            }
            return true
        }

        /// Orders the boundary sources by their distance from the centre in 16 rings between `low`
        /// and `high` (a stable counting sort; `rings` is scratch): four consecutive sources then
        /// tend to lie all beyond a query's circle, and the pair loop skips their e^x
        /// (``SquaredDistanceWeight/skipsOutside``). The weights do not depend on the order.
        mutating func ringOrder(low: Double, high: Double, _ rings: inout [Int32], _ sorted: inout [Source]) {
            let n = boundaryX.count
            let ringCount = 16
            guard n > 8, high > low else { return }
            let scale = Double(ringCount) / (high - low)
            var counts = (0..<(ringCount + 1)).map { _ in 0 }
            rings.removeAll(keepingCapacity: true)
            for k in 0..<n {
                let dx = boundaryX[k] - centre.x, dy = boundaryY[k] - centre.y
                let position = ((dx * dx + dy * dy).squareRoot() - low) * scale
                let ring = position > 0 ? Swift.min(ringCount - 1, Int(position)) : 0
                rings.append(Int32(ring))
                counts[ring + 1] += 1
            }
            for ring in 0..<ringCount { counts[ring + 1] += counts[ring] }
            sorted.removeAll(keepingCapacity: true)
            sorted.append(contentsOf: repeatElement(Source(x: 0, y: 0, value: 0), count: n))
            for k in 0..<n {
                let ring = Int(rings[k])
                sorted[counts[ring]] = (boundaryX[k], boundaryY[k], boundaryValues[k])
                counts[ring] += 1
            }
            for k in 0..<n {
                boundaryX[k] = sorted[k].x
                boundaryY[k] = sorted[k].y
                boundaryValues[k] = sorted[k].value
            }
        }

        /// Moves the inner sources to the boundary (their pairs one by one).
        mutating func innerToBoundary() {
            for source in inner {
                boundaryX.append(source.x)
                boundaryY.append(source.y)
                boundaryValues.append(source.value)
            }
            inner.removeAll(keepingCapacity: true)
        }

        /// The local expansion at query (qx, qy): e^(−‖Δ‖²) Σ L_ab Δ_x^a Δ_y^b, Δ = α(q − t).
        @inline(__always)
        func value(_ qx: Double, _ qy: Double, alpha: Double, _ weight: GaussianWeight, powers: UnsafeMutablePointer<Double>) -> Double {
            let dx = alpha * (qx - centre.x), dy = alpha * (qy - centre.y)
            return moments.withUnsafeBufferPointer { m in
                weight.exponential(-(dx * dx + dy * dy)) * evaluate(m.baseAddress!, stride: order, order: order, dx, dy, powers)
            }
        }
    }

    /// Buffers of one thread for ``targetBlock(row:column:span:sources:targets:radius:limit:weight:alpha:_:_:)``.
    struct Scratch {
        var block = TargetSources()
        var cells: [TargetSources] = []
        var powers = [Double](repeating: 0, count: GaussianExpansion.maximumOrder)
        var rings: [Int32] = []
        var sorted: [Source] = []
    }

    /// Pass 2 for the queries of one block of span × span cells of `targets`: Σ_j v_j e^(−α² d²)
    /// and the number of pairs within the limit, for each query. Two levels of local expansions:
    /// the sources inside every catchment of the block go to the block's expansion about its
    /// centre; of the others, those inside every catchment of a cell go to that cell's expansion;
    /// the rest (those the circle around some query may cut, infinite values, and those whose
    /// expansion does not pay or whose ρ is too large) are summed pair by pair
    /// (``CellSortedPoints/runSum``, exact cut-off). Sources inside the block but left out of its
    /// expansion are inside each of its cells too and go to the cells. `body(slot, sum, count)`
    /// receives each query's result. Returns the number of expansions built.
    @discardableResult
    static func targetBlock(
        row: Int, column: Int, span: Int, sources: CellSortedPoints, targets: CellSortedPoints, radius: Double, limit: Double,
        weight: GaussianWeight, alpha: Double, _ scratch: inout Scratch, _ body: (Int, Double, Int) -> Void
    ) -> Int {
        let slack = Swift.max(sources.slack, targets.slack)
        let root = limit.squareRoot()
        // The boundary's values hold no NaN: the pairs without a NaN test where the table serves.
        let table = TableGaussianWeight(weight)
        // The block's cells with points, and the block's centre and reach.
        let t = targets.centre(row: row, column: column, span: span)
        var blockReach = 0.0
        var cellIndex: [Int] = []
        for r in row * span..<Swift.min(targets.rows, (row + 1) * span) {
            for c in column * span..<Swift.min(targets.columns, (column + 1) * span) {
                let cell = r * targets.columns + c
                let first = targets.cellStarts[cell], last = targets.cellStarts[cell + 1]
                guard first < last else { continue }
                let centre = targets.centre(row: r, column: c)
                var reach = 0.0
                for slot in first..<last {
                    let dx = targets.xs[slot] - centre.x, dy = targets.ys[slot] - centre.y
                    reach = Swift.max(reach, (dx * dx + dy * dy).squareRoot())
                    let ex = targets.xs[slot] - t.x, ey = targets.ys[slot] - t.y
                    blockReach = Swift.max(blockReach, (ex * ex + ey * ey).squareRoot())
                }
                if scratch.cells.count == cellIndex.count { scratch.cells.append(TargetSources()) }
                scratch.cells[cellIndex.count].reset(centre: centre, reach: reach + slack)
                cellIndex.append(cell)
            }
        }
        let cellCount = cellIndex.count
        guard cellCount > 0 else { return 0 }
        scratch.block.reset(centre: t, reach: blockReach + slack)
        let blockInner = root - scratch.block.reach - 3 * slack, blockOuter = root + scratch.block.reach + 3 * slack
        let blockInner2 = blockInner > 0 ? blockInner * blockInner : -1, blockOuter2 = blockOuter * blockOuter
        let cellBounds = scratch.cells[0..<cellCount].map { cell -> (Double, Double) in
            let inner = root - cell.reach - 3 * slack, outer = root + cell.reach + 3 * slack
            return (inner > 0 ? inner * inner : -1, outer * outer)
        }
        // Every source within the block's outer radius, filed against the block, then its cells.
        let r = blockOuter + sources.slack
        let rowLow = CellSortedPoints.clamp((t.y - r - sources.minY) / sources.cellSize, sources.rows)
        let rowHigh = CellSortedPoints.clamp((t.y + r - sources.minY) / sources.cellSize, sources.rows)
        for sourceRow in rowLow...rowHigh {
            let bandLow = sources.minY + Double(sourceRow) * sources.cellSize
            let dy = Swift.max(0, Swift.max(bandLow - t.y, t.y - (bandLow + sources.cellSize)))
            if dy > r { continue }
            let half = (r * r - dy * dy).squareRoot() + sources.slack
            let c0 = CellSortedPoints.clamp((t.x - half - sources.minX) / sources.cellSize, sources.columns)
            let c1 = CellSortedPoints.clamp((t.x + half - sources.minX) / sources.cellSize, sources.columns)
            for slot in sources.cellStarts[sourceRow * sources.columns + c0]..<sources.cellStarts[sourceRow * sources.columns + c1 + 1] {
                let x = sources.xs[slot], y = sources.ys[slot], value = sources.values[slot]
                let dx = x - t.x, dy = y - t.y
                let d2 = dx * dx + dy * dy
                if d2 > blockOuter2 { continue }
                if d2 <= blockInner2 && !value.isInfinite {
                    scratch.block.addInner(x, y, value, d2: d2)
                    continue
                }
                for k in 0..<cellCount {
                    let ex = x - scratch.cells[k].centre.x, ey = y - scratch.cells[k].centre.y
                    scratch.cells[k].add(x, y, value, d2: ex * ex + ey * ey, inner2: cellBounds[k].0, outer2: cellBounds[k].1)
                }
            }
        }
        var built = 0
        var queries = 0
        for k in 0..<cellCount { queries += targets.cellStarts[cellIndex[k] + 1] - targets.cellStarts[cellIndex[k]] }
        return scratch.powers.withUnsafeMutableBufferPointer { powers in
            let w = powers.baseAddress!
            if scratch.block.expand(alpha: alpha, weight, queries: queries) {
                built += 1
            } else {
                // Inside every catchment of the block, so of each cell (NaN values: counted).
                let nanCount = scratch.block.innerCount - scratch.block.inner.count
                for k in 0..<cellCount {
                    for source in scratch.block.inner {
                        let ex = source.x - scratch.cells[k].centre.x, ey = source.y - scratch.cells[k].centre.y
                        scratch.cells[k].addInner(source.x, source.y, source.value, d2: ex * ex + ey * ey)
                    }
                    scratch.cells[k].innerCount += nanCount
                }
                scratch.block.inner.removeAll(keepingCapacity: true)
                scratch.block.innerCount = 0
            }
            // One copy of the block's sources for the queries' loops (not one per query).
            let block = scratch.block
            for k in 0..<cellCount {
                let first = targets.cellStarts[cellIndex[k]], last = targets.cellStarts[cellIndex[k] + 1]
                if scratch.cells[k].expand(alpha: alpha, weight, queries: last - first) {
                    built += 1
                } else {
                    scratch.cells[k].innerToBoundary()
                }
                let cellReach = scratch.cells[k].reach
                scratch.cells[k].ringOrder(
                    low: root - cellReach - 3 * slack, high: root + cellReach + 3 * slack, &scratch.rings, &scratch.sorted)
                let cell = scratch.cells[k]
                cell.boundaryX.withUnsafeBufferPointer { bx in
                    cell.boundaryY.withUnsafeBufferPointer { by in
                        cell.boundaryValues.withUnsafeBufferPointer { bv in
                            for slot in first..<last {
                                let qx = targets.xs[slot], qy = targets.ys[slot]
                                var total = CompensatedSum()
                                var count = block.innerCount + cell.innerCount
                                if block.order > 0 { total.add(block.value(qx, qy, alpha: alpha, weight, powers: w)) }
                                if cell.order > 0 { total.add(cell.value(qx, qy, alpha: alpha, weight, powers: w)) }
                                if !bx.isEmpty {
                                    let run = if let table {
                                        CellSortedPoints.runSum(
                                            qx, qy, bx.baseAddress!, by.baseAddress!, bv.baseAddress!, 0, bx.count, limit, table)
                                    } else {
                                        CellSortedPoints.runSum(
                                            qx, qy, bx.baseAddress!, by.baseAddress!, bv.baseAddress!, 0, bx.count, limit, weight)
                                    }
                                    total.add(run.sum)
                                    count &+= run.count
                                }
                                body(slot, total.sum, count)
                            }
                        }
                    }
                }
            }
            return built
        }
    }
}
