import CareAtlas
import CareFormats
import CareMaps
import CarePrivacy
import Foundation

/// The coverage–budget chart of the decision page: the share of all patients that the best
/// connected region reaches for each budget (published points only: a hidden point leaves a gap),
/// the knee (Kneedle), the optimiser's recommended path and the stages of the first plan, each
/// where its share is published (on the axis otherwise).
public struct FrontierChart: Sendable {
    public let drawing: ChartDrawing

    static func build(_ r: StudyResults, frontier f: Frontier, pointMask: [Bool], pathMask: [Bool],
                      stages: [StageResult], stageMask: [Bool]) -> FrontierChart {
        let total = Double(max(1, r.model.totalPatients))
        let shown: [(x: Double, y: Double?)] = zip(f.points, pointMask).map { p, hidden in
            (Double(p.budget), hidden ? nil : p.patients.map { 100 * Double($0) / total })
        }
        let stagePoints: [(name: String, x: Double, y: Double?)] = zip(stages, stageMask).compactMap { s, hidden in
            guard let b = DecisionPage.budget(of: s, measure: f.measure, kinds: f.kinds) else { return nil }
            return (s.name, b, hidden ? nil : s.share * 100)
        }
        let pathPoints: [(x: Double, y: Double?)] = zip(f.path, pathMask).map { s, hidden in
            (Double(s.budget), hidden ? nil : 100 * Double(s.patients) / total)
        }
        let xMax = niceCeiling(max(shown.map(\.x).max() ?? 1, stagePoints.map(\.x).max() ?? 1))
        let yTop = max(shown.compactMap(\.y).max() ?? 0, stagePoints.compactMap(\.y).max() ?? 0, pathPoints.compactMap(\.y).max() ?? 0)
        let yMax = min(100, niceCeiling(max(yTop * 1.08, 10)))

        let W = 720.0, H = 360.0, left = 64.0, right = 24.0, top = 28.0, bottom = 56.0
        let pw = W - left - right, ph = H - top - bottom
        func X(_ v: Double) -> Double { left + pw * v / xMax }
        func Y(_ v: Double) -> Double { top + ph * (1 - v / yMax) }
        let ink = RGBColor(40, 40, 40), grid = RGBColor(220, 220, 220), line = RGBColor(0, 114, 178)
        let knee = RGBColor(213, 94, 0), stage = RGBColor(204, 121, 167)
        let unit: String
        switch f.measure {
        case .maxAreas: unit = "予算：地域数 budget: areas"
        case .maxInstitutions: unit = "予算：在宅医療機関数 budget: providers"
        case .maxPopulation: unit = "予算：人口 budget: population"
        }
        var items: [ChartDrawing.Primitive] = []
        for t in ticks(yMax) {
            items.append(.line(x0: left, y0: Y(t), x1: left + pw, y1: Y(t), color: grid, width: 0.8, dash: []))
            items.append(.text(Format.number(t, decimals: 0) + " %", x: left - 6, y: Y(t) + 4, size: 11, anchor: .end, color: ink, bold: false))
        }
        for t in ticks(xMax) {
            items.append(.line(x0: X(t), y0: top + ph, x1: X(t), y1: top + ph + 4, color: ink, width: 0.8, dash: []))
            items.append(.text(PeopleFormat.separated(Format.count(t)), x: X(t), y: top + ph + 17, size: 11, anchor: .middle, color: ink, bold: false))
        }
        items.append(.line(x0: left, y0: top + ph, x1: left + pw, y1: top + ph, color: ink, width: 1, dash: []))
        items.append(.line(x0: left, y0: top, x1: left, y1: top + ph, color: ink, width: 1, dash: []))
        items.append(.text(unit, x: left + pw / 2, y: H - 12, size: 12, anchor: .middle, color: ink, bold: false))
        items.append(.text("全患者に占める割合 share of all patients", x: left, y: 16, size: 12, anchor: .start, color: ink, bold: false))
        if let k = f.kneeBudget {
            items.append(.line(x0: X(Double(k)), y0: top, x1: X(Double(k)), y1: top + ph, color: knee, width: 1.4, dash: [5, 3]))
            items.append(.text("屈曲点 knee \(PeopleFormat.grouped(k))", x: X(Double(k)) + 4, y: top + 12, size: 11, anchor: .start, color: knee, bold: true))
        }
        // The curve, broken where a point is hidden.
        var run: [Double] = []
        func flush() {
            if run.count >= 4 { items.append(.polyline(run, color: line, width: 2)) }
            run = []
        }
        for p in shown {
            if let y = p.y { run += [X(p.x), Y(y)] } else { flush() }
        }
        flush()
        for p in shown { if let y = p.y { items.append(.circle(x: X(p.x), y: Y(y), r: 2.6, fill: line, stroke: line, width: 1)) } }
        for p in pathPoints {
            items.append(.circle(x: X(p.x), y: Y(p.y ?? 0), r: 6, fill: nil, stroke: knee, width: 1.6))
        }
        for (i, s) in stagePoints.enumerated() {
            let y = Y(s.y ?? 0)
            items.append(.diamond(x: X(s.x), y: y, r: 6.5, fill: stage, stroke: ink))
            items.append(.text("\(i + 1) \(s.name)", x: X(s.x) + 9, y: y - 8 - Double(i % 2) * 12, size: 11, anchor: .start, color: ink, bold: true))
        }
        // Legend.
        let lx = left + pw - 230, ly = top + ph - 62
        items.append(.rect(x: lx - 6, y: ly - 14, w: 236, h: 62, fill: RGBColor(255, 255, 255)))
        items.append(.line(x0: lx, y0: ly, x1: lx + 18, y1: ly, color: line, width: 2, dash: []))
        items.append(.text("最適な連結圏域 best connected region", x: lx + 24, y: ly + 4, size: 10, anchor: .start, color: ink, bold: false))
        items.append(.circle(x: lx + 9, y: ly + 18, r: 6, fill: nil, stroke: knee, width: 1.6))
        items.append(.text("推奨経路 recommended path", x: lx + 24, y: ly + 22, size: 10, anchor: .start, color: ink, bold: false))
        items.append(.diamond(x: lx + 9, y: ly + 36, r: 6, fill: stage, stroke: ink))
        items.append(.text("計画の段階 plan stages", x: lx + 24, y: ly + 40, size: 10, anchor: .start, color: ink, bold: false))
        return FrontierChart(drawing: ChartDrawing(width: W, height: H, title: "予算と患者カバー率 coverage against budget", items: items))
    }

    /// 1, 2 or 5 × 10ⁿ at or above `v`.
    static func niceCeiling(_ v: Double) -> Double {
        guard v > 0 else { return 1 }
        let p = pow(10, floor(log10(v)))
        for m in [1.0, 2, 2.5, 5, 10] where m * p >= v { return m * p }
        return 10 * p
    }

    /// About five round ticks from 0 to `max`.
    static func ticks(_ max: Double) -> [Double] {
        let raw = max / 5
        let p = pow(10, floor(log10(raw)))
        let step = [1.0, 2, 2.5, 5, 10].map { $0 * p }.first { $0 >= raw } ?? raw
        return stride(from: 0, through: max + step * 1e-9, by: step).map { $0 }
    }
}
