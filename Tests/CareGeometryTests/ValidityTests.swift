import Testing
@testable import CareGeometry

@Suite struct ValidityTests {
    typealias F = Fixture

    @Test func bowTieIsInvalidWithGEOSReason() throws {
        #expect(try !F.bowTie.isValid())
        #expect(try F.bowTie.invalidityReason() == "Self-intersection[0.5 0.5]")
        #expect(try F.squareWithHole.invalidityReason() == nil)
    }

    @Test func makeValidSplitsBowTieIntoTwoTriangles() throws {
        let repaired = try F.bowTie.makeValid()
        #expect(try repaired.isValid())
        #expect(repaired.polygons.count == 2)
        #expect(try repaired.area() == 2 * 0.25)
        for triangle in repaired.polygons { #expect(try triangle.area() == 0.25) }
    }

    @Test func makeValidKeepsValidInput() throws {
        let fixed = try F.squareWithHole.makeValid()
        #expect(try fixed.area() == 12)
        #expect(try fixed.isValid())
    }

    @Test func holeOutsideShellIsReported() throws {
        let p = Polygon(exterior: F.rectangle(0, 0, 1, 1).exterior, holes: [F.rectangle(5, 5, 6, 6).exterior])
        #expect(try p.invalidityReason() == "Hole lies outside shell[5 5]")
    }
}
