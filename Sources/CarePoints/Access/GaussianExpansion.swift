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

    /// The source-side moments of every cell of a grid holding enough points for an expansion
    /// to pay at the lowest order, with finite values (NaN values are left out of the sums as the
    /// pairs leave them out; a cell with an infinite value has none and is summed pair by pair).
    ///
    /// Thread safety: immutable; share it between threads freely.
    struct CellMoments: Sendable {
        let alpha: Double
        /// Per cell, the index of its block of ``GaussianExpansion/maximumTerms`` moments, or −1.
        let block: [Int32]
        /// Per cell, the largest distance of a point from the cell's centre, plus the grid's slack.
        let reach: [Double]
        let moments: [Double]
    }
}

extension CellSortedPoints {
    /// The centre of cell (row, column), from the grid's geometry (the expansions' centre c).
    @inline(__always)
    func centre(row: Int, column: Int) -> (x: Double, y: Double) {
        (minX + (Double(column) + 0.5) * cellSize, minY + (Double(row) + 0.5) * cellSize)
    }

    /// The moments of ``GaussianExpansion/CellMoments`` for α = `alpha` (computed on all cores).
    func gaussianMoments(alpha: Double) -> GaussianExpansion.CellMoments {
        let cellCount = rows * columns
        let width = GaussianExpansion.maximumTerms
        var block = [Int32](repeating: -1, count: cellCount)
        var reach = [Double](repeating: .infinity, count: cellCount)
        var blocks = 0
        for cell in 0..<cellCount where GaussianExpansion.pays(order: 1, points: cellStarts[cell + 1] - cellStarts[cell]) {
            if (cellStarts[cell]..<cellStarts[cell + 1]).allSatisfy({ !values[$0].isInfinite }) {
                block[cell] = Int32(blocks)
                blocks += 1
            }
        }
        var moments = [Double](repeating: 0, count: blocks * width)
        moments.withUnsafeMutableBufferPointer { momentBuffer in
            reach.withUnsafeMutableBufferPointer { reachBuffer in
                let out = SharedBuffer(momentBuffer), reaches = SharedBuffer(reachBuffer)
                ParallelChunks.forEach(count: cellCount, chunkSize: 256) { cells in
                    var raw = [Double](repeating: 0, count: width)
                    var powers = [Double](repeating: 0, count: GaussianExpansion.maximumOrder)
                    for cell in cells where block[cell] >= 0 {
                        let c = centre(row: cell / columns, column: cell % columns)
                        var far = 0.0
                        for i in raw.indices { raw[i] = 0 }
                        for slot in cellStarts[cell]..<cellStarts[cell + 1] {
                            let dx = xs[slot] - c.x, dy = ys[slot] - c.y
                            far = Swift.max(far, (dx * dx + dy * dy).squareRoot())
                            guard !values[slot].isNaN else { continue }
                            let ux = alpha * dx, uy = alpha * dy
                            raw.withUnsafeMutableBufferPointer { m in
                                powers.withUnsafeMutableBufferPointer { p in
                                    GaussianExpansion.accumulate(
                                        m.baseAddress!, stride: GaussianExpansion.maximumOrder, order: GaussianExpansion.maximumOrder,
                                        values[slot] * exp(-(ux * ux + uy * uy)), ux, uy, p.baseAddress!)
                                }
                            }
                        }
                        reaches[cell] = far + slack
                        let base = Int(block[cell]) * width
                        for i in 0..<width { out[base + i] = raw[i] * GaussianExpansion.sourceCoefficients[i] }
                    }
                }
            }
        }
        return GaussianExpansion.CellMoments(alpha: alpha, block: block, reach: reach, moments: moments)
    }

    /// ``sum(around:_:radius:limit:_:_:)`` for the Gaussian: the cells whose every point is within
    /// the limit (their centre's distance plus their reach, less the slack) and whose expansion
    /// pays (``GaussianExpansion/pays(order:points:)``) add e^(−‖W‖²) Σ M_ab W_x^a W_y^b; the other
    /// cells of a row are summed pair by pair as before (``runSum``, exact cut-off). Also returns
    /// how many cells were expanded.
    func gaussianSum(
        around qx: Double, _ qy: Double, radius: Double, limit: Double, _ weight: GaussianWeight,
        _ cells: GaussianExpansion.CellMoments, _ powers: UnsafeMutablePointer<Double>
    ) -> (sum: Double, count: Int, expanded: Int) {
        let r = radius + slack
        let rowLow = Self.clamp((qy - r - minY) / cellSize, rows)
        let rowHigh = Self.clamp((qy + r - minY) / cellSize, rows)
        // A point within this distance of q is within the limit, whatever the roundings.
        let within = limit.squareRoot() - 3 * slack
        let alpha = cells.alpha
        var total = CompensatedSum()
        var count = 0, expanded = 0
        xs.withUnsafeBufferPointer { xs in
            ys.withUnsafeBufferPointer { ys in
                values.withUnsafeBufferPointer { values in
                    cellStarts.withUnsafeBufferPointer { starts in
                        cells.moments.withUnsafeBufferPointer { moments in
                            cells.block.withUnsafeBufferPointer { block in
                                cells.reach.withUnsafeBufferPointer { reach in
                                    func pairs(_ start: Int, _ end: Int) {
                                        guard start < end else { return }
                                        let run = Self.runSum(qx, qy, xs.baseAddress!, ys.baseAddress!, values.baseAddress!, start, end, limit, weight)
                                        total.add(run.sum)
                                        count &+= run.count
                                    }
                                    for row in rowLow...rowHigh {
                                        let bandLow = minY + Double(row) * cellSize
                                        let dy = Swift.max(0, Swift.max(bandLow - qy, qy - (bandLow + cellSize)))
                                        if dy > r { continue }
                                        let half = (r * r - dy * dy).squareRoot() + slack
                                        let c0 = Self.clamp((qx - half - minX) / cellSize, columns)
                                        let c1 = Self.clamp((qx + half - minX) / cellSize, columns)
                                        let cy = minY + (Double(row) + 0.5) * cellSize - qy
                                        let wy = alpha * cy
                                        // Slots not yet summed, from `pending` on (cells of a row are contiguous).
                                        var pending = starts[row * columns + c0]
                                        for column in c0...c1 {
                                            let cell = row * columns + column
                                            let b = block[cell]
                                            guard b >= 0 else { continue }
                                            let cx = minX + (Double(column) + 0.5) * cellSize - qx
                                            let centreDistance = (cx * cx + cy * cy).squareRoot()
                                            guard centreDistance + reach[cell] <= within else { continue }
                                            let wx = alpha * cx
                                            let w2 = wx * wx + wy * wy
                                            let start = starts[cell], end = starts[cell + 1]
                                            guard w2 <= 690, let p = GaussianExpansion.order(radius: 2 * alpha * reach[cell] * w2.squareRoot()),
                                                  GaussianExpansion.pays(order: p, points: end - start)
                                            else { continue }
                                            pairs(pending, start)
                                            pending = end
                                            // W = α(c − q): the moments' signs carry the (−2)^(a+b).
                                            let polynomial = GaussianExpansion.evaluate(
                                                moments.baseAddress! + Int(b) * GaussianExpansion.maximumTerms,
                                                stride: GaussianExpansion.maximumOrder, order: p, wx, wy, powers)
                                            total.add(exp(-w2) * polynomial)
                                            count &+= end - start
                                            expanded &+= 1
                                        }
                                        pairs(pending, starts[row * columns + c1 + 1])
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
