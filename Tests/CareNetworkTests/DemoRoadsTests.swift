import CareGeometry
import Foundation
import TestSupport
import XCTest

@testable import CareNetwork

/// The demo region's fictional road network (`geodata/demo/roads.osm.pbf`, written by
/// `geodata/demo/make_demo_roads.py`): streets every 250 m at 30 km/h, arterials on the ward
/// boundaries at 40 km/h, one one-way block and one private street. Lengths in the plane are
/// authored; on the sphere they differ by well under 1 % (zone IX scale and R vs the ellipsoid),
/// so absolute times are checked to 1 % and detours as ratios, where that scale cancels.
final class DemoRoadsTests: XCTestCase {
    func node(_ net: RoadNetwork, x: Int, y: Int) -> RoutePoint {
        net.point(atNode: net.nodeIndex(osmID: Int64(1 + (y / 250) * 25 + x / 250))!)
    }

    func testDemoRoads() throws {
        let url = repositoryRoot.appendingPathComponent("geodata/demo/roads.osm.pbf")
        let net = try RoadNetwork.load(pbf: url, mode: .car)
        XCTAssertEqual(net.nodeCount, 625)
        XCTAssertEqual(net.diagnostics.usableWays, 52)  // 53 ways, one private
        let points = [node(net, x: 2000, y: 0), node(net, x: 2000, y: 6000),      // 0, 1: along an arterial
                      node(net, x: 2000, y: 3250), node(net, x: 4000, y: 3250),   // 2, 3: the one-way block
                      node(net, x: 1250, y: 0), node(net, x: 1250, y: 2000)]      // 4, 5: the private street
        let t = net.travelTimes(from: points, to: points, cutoffSeconds: 3600)
        // 6 km at 40 km/h = 540 s.
        XCTAssertEqual(t.seconds(from: 0, to: 1)!, 540, accuracy: 5.4)
        // The one-way block eastbound: 2 km at 30 km/h = 240 s. Westbound round the next street:
        // 250 m north on the arterial x = 4000 (22.5 s), 2 km west at 30 km/h (240 s), 250 m south on
        // the arterial x = 2000 (22.5 s) = 285 s, 1.1875 times as long.
        XCTAssertEqual(t.seconds(from: 2, to: 3)!, 240, accuracy: 2.4)
        XCTAssertEqual(t.seconds(from: 3, to: 2)! / t.seconds(from: 2, to: 3)!, 1.1875, accuracy: 2e-3)
        // The private street is not driven: 250 m west on the arterial y = 0 (22.5 s), 2 km north on
        // x = 1000 (240 s), 250 m east on the arterial y = 2000 (22.5 s) = 285 s instead of 240 s.
        // (Mostly north–south against an east–west reference: on the sphere, north–south plane
        // metres come out about 0.4 % longer relative to east–west ones here, hence 0.6 %.)
        XCTAssertEqual(t.seconds(from: 4, to: 5)! / t.seconds(from: 2, to: 3)!, 1.1875, accuracy: 0.006 * 1.1875)
        // Snapping a clinic 40 m off a street: 40 m reported.
        let clinic = net.position(ofNode: net.nodeIndex(osmID: 1 + 4 * 25 + 5)!)  // x 1250, y 1000
        let snapped = net.snap(points: [Coordinate(lon: clinic.lon + 40 / (6_371_008.8 * cos(clinic.lat * .pi / 180)) * 180 / .pi * 0.5,
                                                   lat: clinic.lat + 40 / 6_371_008.8 * 180 / .pi)], maxMetres: 100)
        XCTAssertEqual(snapped[0].point?.snapDistanceMetres ?? -1, 40, accuracy: 0.5)
    }
}
