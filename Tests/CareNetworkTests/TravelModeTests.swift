import XCTest

@testable import CareNetwork

final class TravelModeTests: XCTestCase {
    func testMaxspeedParsing() {
        let cases: [(String, Double?)] = [
            ("50", 50), ("50 km/h", 50), ("50kmh", 50), ("30 mph", 30 * 1.609344), ("10 knots", 18.52),
            ("JP:urban", 60), ("JP:nsl", 60), ("JP:motorway", 100), ("DE:rural", 100), ("XX:urban", 50),
            ("50;30", 30), ("none", nil), ("signals", nil), ("0", nil), ("-5", nil), ("fast", nil), ("", nil),
            ("RU:urban:60", nil),
        ]
        for (text, expected) in cases {
            let got = TravelMode.parseMaxspeed(text)
            if let expected {
                XCTAssertEqual(got ?? -1, expected, accuracy: 1e-9, text)
            } else {
                XCTAssertNil(got, text)
            }
        }
    }

    func testOnewayAndAccessRules() {
        let car = TravelMode.car
        func rule(_ tags: [String: String]) -> TravelMode.WayRule? { car.rule(tags: tags) }
        XCTAssertEqual(rule(["highway": "primary"]), .init(speedKmh: 65, forward: true, backward: true))
        XCTAssertEqual(rule(["highway": "primary", "oneway": "yes"])?.backward, false)
        XCTAssertEqual(rule(["highway": "primary", "oneway": "true"])?.backward, false)
        XCTAssertEqual(rule(["highway": "primary", "oneway": "1"])?.backward, false)
        XCTAssertEqual(rule(["highway": "primary", "oneway": "-1"]), .init(speedKmh: 65, forward: false, backward: true))
        XCTAssertEqual(rule(["highway": "primary", "junction": "roundabout"])?.backward, false)
        XCTAssertEqual(rule(["highway": "motorway"]), .init(speedKmh: 90, forward: true, backward: false))
        XCTAssertEqual(rule(["highway": "motorway_link"])?.backward, false)
        XCTAssertEqual(rule(["highway": "motorway", "oneway": "no"])?.backward, true)
        XCTAssertNil(rule(["highway": "primary", "oneway": "reversible"]))
        XCTAssertNil(rule(["highway": "residential", "access": "no"]))
        XCTAssertNil(rule(["highway": "residential", "motor_vehicle": "private"]))
        XCTAssertNil(rule(["highway": "residential", "access": "yes", "motorcar": "no"]))
        XCTAssertNotNil(rule(["highway": "residential", "access": "no", "motorcar": "yes"]))  // the most specific wins
        XCTAssertNil(rule(["highway": "footway"]))
        XCTAssertNil(rule(["highway": "pedestrian", "area": "yes"]))
        XCTAssertEqual(rule(["highway": "residential", "maxspeed": "JP:urban"])?.speedKmh, 60)
        XCTAssertEqual(rule(["highway": "residential", "maxspeed": "none"])?.speedKmh, 25)
        let foot = TravelMode.foot
        XCTAssertEqual(foot.rule(tags: ["highway": "primary", "oneway": "yes", "maxspeed": "60"]), .init(speedKmh: 5, forward: true, backward: true))
        XCTAssertEqual(foot.rule(tags: ["highway": "steps"])?.speedKmh, 3)
        XCTAssertNil(foot.rule(tags: ["highway": "motorway"]))
        XCTAssertNil(foot.rule(tags: ["highway": "footway", "foot": "private"]))
        XCTAssertNotNil(foot.rule(tags: ["highway": "residential", "motor_vehicle": "no"]))
    }
}
