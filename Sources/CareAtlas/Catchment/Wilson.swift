import Foundation

/// The Wilson score interval for a binomial proportion (Wilson 1927, "Probable inference, the law
/// of succession, and statistical inference", JASA 22:209–212), recommended for small counts
/// (Brown, Cai & DasGupta 2001):
///
///     p̂ = x / n,  centre = (p̂ + z²/2n) / (1 + z²/n),
///     half-width = z / (1 + z²/n) · √(p̂(1 − p̂)/n + z²/4n²)
///
/// - Returns: (lower, upper) of the proportion; nil when n ≤ 0 or x is outside 0…n.
public func wilsonInterval(successes x: Double, trials n: Double, z: Double = 1.959963984540054) -> (lower: Double, upper: Double)? {
    guard n > 0, x >= 0, x <= n else { return nil }
    let p = x / n
    let z2 = z * z
    let denominator = 1 + z2 / n
    let centre = (p + z2 / (2 * n)) / denominator
    let half = z / denominator * (p * (1 - p) / n + z2 / (4 * n * n)).squareRoot()
    return (max(0, centre - half), min(1, centre + half))
}

/// Patients per 10,000 people (aged 65+, or any population) with its Wilson 95 % interval.
public struct Penetration: Sendable, Hashable {
    public let patients: Int
    public let population: Double
    /// Patients per 10,000 population.
    public let rate: Double
    public let lower: Double
    public let upper: Double

    /// nil when the population is missing or zero, or smaller than the patient count.
    public init?(patients: Int, population: Double?) {
        guard let population, population > 0, Double(patients) <= population,
            let ci = wilsonInterval(successes: Double(patients), trials: population)
        else { return nil }
        self.patients = patients
        self.population = population
        rate = 1e4 * Double(patients) / population
        lower = 1e4 * ci.lower
        upper = 1e4 * ci.upper
    }
}
