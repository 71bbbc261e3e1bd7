@testable import CareGeometry
import Foundation
import Testing

private typealias F = Fixture

/// `PolygonLocator` (crossing number on the projected rings) against hand-checked locations and
/// against GEOS (`PreparedGeometry.covers` and `contains`, the reference), on random points and on
/// points placed exactly on edges and vertices and one ulp off them.
@Suite struct PolygonLocatorTests {
    /// A small deterministic generator (xorshift64*), so that the cases are the same on every run.
    private struct Generator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state ^= state >> 12; state ^= state << 25; state ^= state >> 27
            return state &* 2_685_821_657_736_338_717
        }
        mutating func uniform() -> Double { Double(next() >> 11) / Double(1 << 53) }
        mutating func integer(_ range: ClosedRange<Int>) -> Int { range.lowerBound + Int(next() % UInt64(range.count)) }
    }

    @Test func handCases() {
        let locator = PolygonLocator([F.squareWithHole])  // 0…4 square, hole 1…3
        let expected: [(Coordinate, PointLocation)] = [
            (F.c(0.5, 0.5), .interior), (F.c(3.5, 2), .interior), (F.c(2, 2), .exterior), (F.c(5, 2), .exterior),
            (F.c(-1, 2), .exterior), (F.c(0, 2), .boundary), (F.c(4, 4), .boundary), (F.c(2, 0), .boundary),
            (F.c(1, 2), .boundary), (F.c(3, 3), .boundary), (F.c(2, 3), .boundary), (F.c(4, 2), .boundary),
            (F.c(2, 4), .boundary), (F.c(0, 4), .boundary), (F.c(4.0.nextUp, 2), .exterior),
            (F.c(0.5, 3), .interior),  // the ray passes through the hole's vertex (3, 3) and the shell's edge
        ]
        for (p, location) in expected {
            #expect(locator.location(of: p, polygon: 0) == location, "\(p)")
            #expect(locator.covers(p, polygon: 0) == (location != .exterior), "\(p)")
        }
        // Two unit squares sharing the edge x = 1: a point on it goes to the first given.
        let pair = PolygonLocator([F.rectangle(1, 0, 2, 1), F.rectangle(0, 0, 1, 1)])
        #expect(pair.firstCovering(F.c(1, 0.5)) == 0)
        #expect(pair.firstCovering(F.c(0.5, 0.5)) == 1)
        #expect(pair.firstCovering(F.c(1.5, 0.5)) == 0)
        #expect(pair.firstCovering(F.c(2.5, 0.5)) == nil)
        #expect(pair.firstCovering(F.c(1, 1)) == 0)
    }

    /// The exact orientation: points exactly on a line through doubles that are not binary
    /// fractions give 0, one ulp off gives the side, where the floating-point filter alone cannot tell.
    @Test func exactOrientation() {
        let a = 0.3, b = 17.7, c = 0.1
        #expect(PolygonLocator.orientation(a, a, b, b, c, c) == 0)
        #expect(PolygonLocator.orientation(a, a, b, b, c, c.nextUp) == 1)
        #expect(PolygonLocator.orientation(a, a, b, b, c, c.nextDown) == -1)
        #expect(PolygonLocator.orientation(a, a, b, b, c.nextUp, c) == -1)
        // Large projected coordinates, collinear by construction (dyadic steps along the line).
        let x0 = 5_432_109.25, y0 = -3_210_987.5, dx = 1234.125, dy = -987.0625
        #expect(PolygonLocator.orientation(x0, y0, x0 + 8 * dx, y0 + 8 * dy, x0 + 3 * dx, y0 + 3 * dy) == 0)
        #expect(PolygonLocator.orientation(x0, y0, x0 + 8 * dx, y0 + 8 * dy, x0 + 3 * dx, (y0 + 3 * dy).nextUp) == 1)
        #expect(PolygonLocator.exactOrientation(0, 0, 1, 0, 0, 1) == 1)
        #expect(PolygonLocator.exactOrientation(0, 0, 1, 0, 0, -1) == -1)
    }

    /// Concave star-shaped polygons with a hole, integer vertices, jittered; a jittered tessellation
    /// sharing edges. Every location agrees with GEOS's prepared `covers` and `contains`.
    @Test func agreesWithGEOSOnRandomAndBoundaryPoints() throws {
        var random = Generator(state: 0x9E37_79B9_7F4A_7C15)
        var polygons: [Polygon] = []
        for k in 0..<12 {
            let cx = Double(random.integer(-1000...1000)), cy = Double(random.integer(-1000...1000))
            let n = random.integer(5...40)
            var ring: [Coordinate] = []
            for i in 0..<n {
                let angle = 2 * Double.pi * Double(i) / Double(n)
                let radius = Double(random.integer(100...400)) * (i % 2 == 0 ? 1 : 0.55)
                ring.append(F.c((cx + radius * cos(angle)).rounded(), (cy + radius * sin(angle)).rounded()))
            }
            ring.append(ring[0])
            var rings = [ring]
            if k % 3 == 0 {  // a square hole around the centre
                rings.append([F.c(cx - 20, cy - 20), F.c(cx - 20, cy + 20), F.c(cx + 20, cy + 20), F.c(cx + 20, cy - 20), F.c(cx - 20, cy - 20)])
            }
            polygons.append(try Polygon(rings: rings))
        }
        // Tessellation: a 6 × 4 grid whose interior corners are jittered, shared by neighbours.
        var lattice: [[Coordinate]] = []
        for j in 0...4 {
            var row: [Coordinate] = []
            for i in 0...6 {
                let inner = i > 0 && i < 6 && j > 0 && j < 4
                let jx = inner ? Double(random.integer(-30...30)) : 0, jy = inner ? Double(random.integer(-30...30)) : 0
                row.append(F.c(3000 + Double(i) * 100 + jx, Double(j) * 100 + jy))
            }
            lattice.append(row)
        }
        for j in 0..<4 {
            for i in 0..<6 {
                let ring = [lattice[j][i], lattice[j][i + 1], lattice[j + 1][i + 1], lattice[j + 1][i], lattice[j][i]]
                polygons.append(try Polygon(rings: [ring]))
            }
        }
        let locator = PolygonLocator(polygons)
        let prepared = try polygons.map { try PreparedGeometry($0) }

        var points: [Coordinate] = []
        for _ in 0..<4000 {
            points.append(F.c(-1500 + 5200 * random.uniform(), -1500 + 3000 * random.uniform()))
        }
        for polygon in polygons {
            for ring in polygon.rings {
                let c = ring.coordinates
                for k in 0..<(c.count - 1) {
                    let a = c[k], b = c[k + 1]
                    // The vertex, quarter points of the edge (exact: integer ends), and one ulp off each.
                    for q in [0.0, 0.25, 0.5, 0.75] {
                        let p = F.c(a.x + (b.x - a.x) * q, a.y + (b.y - a.y) * q)
                        points += [p, F.c(p.x.nextUp, p.y), F.c(p.x.nextDown, p.y), F.c(p.x, p.y.nextUp), F.c(p.x, p.y.nextDown)]
                    }
                }
            }
        }
        var boundary = 0, interior = 0
        for p in points {
            let point = try Point(p)
            for (k, g) in prepared.enumerated() {
                let location = locator.location(of: p, polygon: k)
                let covers = try g.covers(point), contains = try g.contains(point)
                #expect((location != .exterior) == covers, "polygon \(k), \(p): \(location), GEOS covers \(covers)")
                #expect((location == .interior) == contains, "polygon \(k), \(p): \(location), GEOS contains \(contains)")
                if location == .boundary { boundary += 1 }
                if location == .interior { interior += 1 }
            }
            let first = prepared.indices.first { try! prepared[$0].covers(point) }
            #expect(locator.firstCovering(p) == first, "\(p)")
        }
        // The sample reaches every case.
        #expect(boundary > 1000 && interior > 1000, "boundary \(boundary), interior \(interior)")
    }
}
