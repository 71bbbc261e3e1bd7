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

    /// Adds g · u_x^a · u_y^b to the moments a + b < p (stored with `stride`); `powers` holds p doubles.
    @inline(__always)
    static func accumulate(
        _ moments: UnsafeMutablePointer<Double>, stride: Int, order p: Int, _ g: Double, _ ux: Double, _ uy: Double,
        _ powers: UnsafeMutablePointer<Double>
    ) {
        var y = g
        for b in 0..<p {
            powers[b] = y
            y *= uy
        }
        var x = 1.0
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

        struct Level: Sendable {
            /// Cells per side of a block.
            let span: Int
            let columns: Int
            let rows: Int
            let first: Int
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
        return GaussianExpansion.CellMoments(alpha: alpha, levels: levels, count: count, block: block, reach: reach, moments: moments)
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
                    var raw = [Double](repeating: 0, count: width)
                    var powers = [Double](repeating: 0, count: GaussianExpansion.maximumOrder)
                    raw.withUnsafeMutableBufferPointer { m in
                        powers.withUnsafeMutableBufferPointer { w in
                            for b in chunk where counts[b] > 0 {
                                let c = centre(row: b / blockColumns, column: b % blockColumns, span: span)
                                var far = 0.0
                                for i in 0..<width { m[i] = 0 }
                                for slots in ranges(b) {
                                    for slot in slots {
                                        let dx = xs[slot] - c.x, dy = ys[slot] - c.y
                                        far = Swift.max(far, (dx * dx + dy * dy).squareRoot())
                                        guard index[b] >= 0, !values[slot].isNaN else { continue }
                                        let ux = alpha * dx, uy = alpha * dy
                                        GaussianExpansion.accumulate(
                                            m.baseAddress!, stride: GaussianExpansion.maximumOrder, order: GaussianExpansion.maximumOrder,
                                            values[slot] * exp(-(ux * ux + uy * uy)), ux, uy, w.baseAddress!)
                                    }
                                }
                                reaches[b] = far + slack
                                guard index[b] >= 0 else { continue }
                                let base = Int(index[b]) * width
                                for i in 0..<width { out[base + i] = m[i] * GaussianExpansion.sourceCoefficients[i] }
                            }
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
        var total = CompensatedSum()
        var count = 0, expanded = 0
        xs.withUnsafeBufferPointer { xs in
            ys.withUnsafeBufferPointer { ys in
                values.withUnsafeBufferPointer { values in
                    cellStarts.withUnsafeBufferPointer { starts in
                      cells.levels.withUnsafeBufferPointer { levels in
                       cells.count.withUnsafeBufferPointer { counts in
                        cells.block.withUnsafeBufferPointer { block in
                         cells.reach.withUnsafeBufferPointer { reaches in
                          cells.moments.withUnsafeBufferPointer { moments in
                        func visit(_ level: Int, _ column: Int, _ row: Int) {
                            let blocks = levels[level]
                            guard column < blocks.columns, row < blocks.rows else { return }
                            let b = blocks.first + row * blocks.columns + column
                            let n = Int(counts[b])
                            guard n > 0 else { return }
                            let size = cellSize * Double(blocks.span)
                            let cx = minX + (Double(column) + 0.5) * size - qx
                            let cy = minY + (Double(row) + 0.5) * size - qy
                            let centreDistance = (cx * cx + cy * cy).squareRoot()
                            let reach = reaches[b]
                            // Wholly beyond the search radius: no pair.
                            if centreDistance - reach > r { return }
                            let m = block[b]
                            if m >= 0 && centreDistance + reach <= within {
                                // W = α(c − q): the moments' signs carry the (−2)^(a+b).
                                let wx = alpha * cx, wy = alpha * cy
                                let w2 = wx * wx + wy * wy
                                if w2 <= 690, let p = GaussianExpansion.order(radius: 2 * alpha * reach * w2.squareRoot()),
                                   GaussianExpansion.pays(order: p, points: n)
                                {
                                    let polynomial = GaussianExpansion.evaluate(
                                        moments.baseAddress! + Int(m) * GaussianExpansion.maximumTerms,
                                        stride: GaussianExpansion.maximumOrder, order: p, wx, wy, powers)
                                    total.add(exp(-w2) * polynomial)
                                    count &+= n
                                    expanded &+= 1
                                    return
                                }
                            }
                            if level == 0 {
                                let cell = row * columns + column
                                let start = starts[cell], end = starts[cell + 1]
                                let run = Self.runSum(qx, qy, xs.baseAddress!, ys.baseAddress!, values.baseAddress!, start, end, limit, weight)
                                total.add(run.sum)
                                count &+= run.count
                                return
                            }
                            for quarter in 0..<4 {
                                visit(level - 1, 2 * column + quarter % 2, 2 * row + quarter / 2)
                            }
                        }
                        let top = levels.count - 1
                        let blocks = levels[top]
                        let size = cellSize * Double(blocks.span)
                        let rowLow = Self.clamp((qy - r - minY) / size, blocks.rows)
                        let rowHigh = Self.clamp((qy + r - minY) / size, blocks.rows)
                        let columnLow = Self.clamp((qx - r - minX) / size, blocks.columns)
                        let columnHigh = Self.clamp((qx + r - minX) / size, blocks.columns)
                        for row in rowLow...rowHigh {
                            for column in columnLow...columnHigh { visit(top, column, row) }
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
    /// Buffers of one thread for ``targetCell(_:sources:targets:radius:limit:weight:alpha:_:)``.
    struct Scratch {
        var inner: [(x: Double, y: Double, value: Double)] = []
        var boundaryX: [Double] = [], boundaryY: [Double] = [], boundaryValues: [Double] = []
        var moments = [Double](repeating: 0, count: GaussianExpansion.maximumTerms)
        var powers = [Double](repeating: 0, count: GaussianExpansion.maximumOrder)
    }

    /// Pass 2 for the queries of one cell of `targets`: Σ_j v_j e^(−α² d²) and the number of pairs
    /// within the limit, by a local expansion about the cell's centre t for the sources whose
    /// every pair with the cell is within the limit (their distance from t plus the cell's reach,
    /// less the slack), and pair by pair (``CellSortedPoints/runSum``, exact cut-off) for the
    /// sources the circle around some query may cut and those with an infinite value. When the
    /// expansion does not pay (cost model of ``pairCost`` and ``termCost``) or ρ is too large,
    /// every source takes the pairs. `body(slot, sum, count)` receives each query's result.
    /// Returns true when the expansion was used.
    @discardableResult
    static func targetCell(
        _ cell: Int, sources: CellSortedPoints, targets: CellSortedPoints, radius: Double, limit: Double,
        weight: GaussianWeight, alpha: Double, _ scratch: inout Scratch, _ body: (Int, Double, Int) -> Void
    ) -> Bool {
        let first = targets.cellStarts[cell], last = targets.cellStarts[cell + 1]
        guard first < last else { return false }
        let t = targets.centre(row: cell / targets.columns, column: cell % targets.columns)
        var reach = 0.0
        for slot in first..<last {
            let dx = targets.xs[slot] - t.x, dy = targets.ys[slot] - t.y
            reach = Swift.max(reach, (dx * dx + dy * dy).squareRoot())
        }
        let slack = Swift.max(sources.slack, targets.slack)
        reach += slack
        let queries = last - first
        let root = limit.squareRoot()
        let innerRadius = root - reach - 3 * slack
        let outerRadius = root + reach + 3 * slack
        // Too few queries, or ρ too large already at the cell's reach and the circle's radius.
        guard Double(queries) * pairCost > termCost + setUpCost, innerRadius > 0,
              order(radius: 2 * alpha * reach * alpha * innerRadius) != nil
        else {
            for slot in first..<last {
                let (sum, count) = sources.sum(around: targets.xs[slot], targets.ys[slot], radius: radius, limit: limit, weight, nil)
                body(slot, sum, count)
            }
            return false
        }
        scratch.inner.removeAll(keepingCapacity: true)
        scratch.boundaryX.removeAll(keepingCapacity: true)
        scratch.boundaryY.removeAll(keepingCapacity: true)
        scratch.boundaryValues.removeAll(keepingCapacity: true)
        let inner2 = innerRadius * innerRadius, outer2 = outerRadius * outerRadius
        var innerCount = 0
        var farthest2 = 0.0
        let r = outerRadius + sources.slack
        let rowLow = CellSortedPoints.clamp((t.y - r - sources.minY) / sources.cellSize, sources.rows)
        let rowHigh = CellSortedPoints.clamp((t.y + r - sources.minY) / sources.cellSize, sources.rows)
        for row in rowLow...rowHigh {
            let bandLow = sources.minY + Double(row) * sources.cellSize
            let dy = Swift.max(0, Swift.max(bandLow - t.y, t.y - (bandLow + sources.cellSize)))
            if dy > r { continue }
            let half = (r * r - dy * dy).squareRoot() + sources.slack
            let c0 = CellSortedPoints.clamp((t.x - half - sources.minX) / sources.cellSize, sources.columns)
            let c1 = CellSortedPoints.clamp((t.x + half - sources.minX) / sources.cellSize, sources.columns)
            for slot in sources.cellStarts[row * sources.columns + c0]..<sources.cellStarts[row * sources.columns + c1 + 1] {
                let x = sources.xs[slot], y = sources.ys[slot], value = sources.values[slot]
                let dx = x - t.x, dy = y - t.y
                let d2 = dx * dx + dy * dy
                if d2 > outer2 { continue }
                if d2 <= inner2 && !value.isInfinite {
                    // Every pair with the cell is within the limit.
                    innerCount += 1
                    guard !value.isNaN else { continue }
                    scratch.inner.append((x, y, value))
                    farthest2 = Swift.max(farthest2, d2)
                } else {
                    scratch.boundaryX.append(x)
                    scratch.boundaryY.append(y)
                    scratch.boundaryValues.append(value)
                }
            }
        }
        let rho = 2 * alpha * farthest2.squareRoot() * alpha * reach
        var p = order(radius: rho) ?? 0
        let n = Double(scratch.inner.count)
        if p == 0 || alpha * alpha * farthest2 > 690
            || n * (Double(terms(p)) * termCost + setUpCost) + Double(queries) * (Double(terms(p)) * termCost + setUpCost)
            >= n * Double(queries) * pairCost
        {
            // The pairs one by one for every source within reach.
            for source in scratch.inner {
                scratch.boundaryX.append(source.x)
                scratch.boundaryY.append(source.y)
                scratch.boundaryValues.append(source.value)
            }
            scratch.inner.removeAll(keepingCapacity: true)
            p = 0
        }
        scratch.moments.withUnsafeMutableBufferPointer { moments in
            scratch.powers.withUnsafeMutableBufferPointer { powers in
                let m = moments.baseAddress!, w = powers.baseAddress!
                if p > 0 {
                    for i in 0..<terms(p) { m[i] = 0 }
                    for source in scratch.inner {
                        let vx = alpha * (source.x - t.x), vy = alpha * (source.y - t.y)
                        accumulate(m, stride: p, order: p, source.value * exp(-(vx * vx + vy * vy)), vx, vy, w)
                    }
                    for a in 0..<p {
                        for b in 0..<(p - a) {
                            m[offset(a, stride: p) + b] *= localCoefficients[offset(a, stride: maximumOrder) + b]
                        }
                    }
                }
                scratch.boundaryX.withUnsafeBufferPointer { bx in
                    scratch.boundaryY.withUnsafeBufferPointer { by in
                        scratch.boundaryValues.withUnsafeBufferPointer { bv in
                            for slot in first..<last {
                                let qx = targets.xs[slot], qy = targets.ys[slot]
                                var total = CompensatedSum()
                                var count = innerCount
                                if p > 0 {
                                    let dx = alpha * (qx - t.x), dy = alpha * (qy - t.y)
                                    total.add(exp(-(dx * dx + dy * dy)) * evaluate(m, stride: p, order: p, dx, dy, w))
                                }
                                if !bx.isEmpty {
                                    let run = CellSortedPoints.runSum(
                                        qx, qy, bx.baseAddress!, by.baseAddress!, bv.baseAddress!, 0, bx.count, limit, weight)
                                    total.add(run.sum)
                                    count &+= run.count
                                }
                                body(slot, total.sum, count)
                            }
                        }
                    }
                }
            }
        }
        return p > 0
    }
}
