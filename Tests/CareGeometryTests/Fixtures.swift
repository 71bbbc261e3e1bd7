@testable import CareGeometry

/// Hand-made geometries whose measures can be computed on paper.
enum Fixture {
    static func c(_ x: Double, _ y: Double) -> Coordinate { Coordinate(x: x, y: y) }

    /// Axis-aligned rectangle, counter-clockwise.
    static func rectangle(_ x0: Double, _ y0: Double, _ x1: Double, _ y1: Double) -> Polygon {
        Envelope(minX: x0, minY: y0, maxX: x1, maxY: y1).polygon
    }

    /// The bow-tie (0 0, 1 1, 1 0, 0 1): self-intersecting at (0.5 0.5); its two triangles have
    /// area ½ · 1 · ½ = 0.25 each.
    static let bowTie = try! Polygon(rings: [[c(0, 0), c(1, 1), c(1, 0), c(0, 1), c(0, 0)]])

    /// A 4 × 4 square with a 2 × 2 hole: area 16 − 4 = 12; perimeter 16 + 8 = 24.
    static let squareWithHole = Polygon(
        exterior: rectangle(0, 0, 4, 4).exterior, holes: [rectangle(1, 1, 3, 3).exterior.reversed])
}
