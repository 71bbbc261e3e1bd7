import Foundation
import TestSupport

/// The synthetic metropolitan layout every scale shares: a 48 km square (projected metres,
/// centred on the origin) with 24 seeded cluster centres in its middle 70 %. A point is drawn
/// from a cluster (chosen uniformly, Gaussian spread σ = 3.25 km) with probability 0.8, else
/// uniformly over the square. Density scales with the counts, so the share of demand–supply
/// pairs within a distance is the same at every scale: about 6.8 % within 5 km and 21.5 % within
/// 10 km, which gives the orientation figures (≈ 270 million pairs within 5 km and
/// ≈ 860 million within 10 km at 200,000 × 20,000; ≈ 22 billion within 10 km at 1,000,000 × 100,000).
struct Layout {
    static let side = 48_000.0
    static let clusterCount = 24
    static let clusterSigma = 3_250.0
    static let clusteredShare = 0.8

    let centres: [(x: Double, y: Double)]

    init(random: inout SplitMix64) {
        centres = (0..<Self.clusterCount).map { _ in
            (x: (random.uniform() * 0.7 - 0.35) * Self.side, y: (random.uniform() * 0.7 - 0.35) * Self.side)
        }
    }

    /// One position, rounded to the centimetre (what the CSV holds).
    func point(_ random: inout SplitMix64) -> (x: Double, y: Double) {
        var x: Double, y: Double
        if random.uniform() < Self.clusteredShare {
            let c = centres[Int(random.next() % UInt64(centres.count))]
            let (gx, gy) = Self.gaussianPair(&random)
            x = c.x + Self.clusterSigma * gx
            y = c.y + Self.clusterSigma * gy
        } else {
            x = (random.uniform() - 0.5) * Self.side
            y = (random.uniform() - 0.5) * Self.side
        }
        return ((x * 100).rounded() / 100, (y * 100).rounded() / 100)
    }

    /// Two independent standard normal deviates (Box–Muller).
    static func gaussianPair(_ random: inout SplitMix64) -> (Double, Double) {
        let u1 = 1 - random.uniform()  // (0, 1]
        let u2 = random.uniform()
        let r = (-2 * log(u1)).squareRoot()
        return (r * cos(2 * Double.pi * u2), r * sin(2 * Double.pi * u2))
    }

    /// A log-normal integer amount ≥ 1 with median ≈ `median` (population of a small area,
    /// capacity of a clinic).
    static func amount(_ random: inout SplitMix64, median: Double, spread: Double) -> Int {
        let (g, _) = gaussianPair(&random)
        return Swift.max(1, Int((median * exp(spread * g)).rounded()))
    }
}

/// Appends `value` (a multiple of 0.01) as fixed-point text with two decimals, without Foundation's
/// formatter (a million rows per second).
func appendCentimetres(_ value: Double, to text: inout String) {
    let cents = Int((value * 100).rounded())
    if cents < 0 { text += "-" }
    let magnitude = abs(cents)
    text += String(magnitude / 100)
    text += "."
    let rest = magnitude % 100
    if rest < 10 { text += "0" }
    text += String(rest)
}
