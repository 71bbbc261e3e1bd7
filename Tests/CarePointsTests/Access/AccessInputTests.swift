import CarePoints
import CareGeometry
import Foundation
import Testing
import TestSupport

/// Bad inputs: every problem is reported, each with its file and line.
@Suite struct AccessInputTests {
    /// Writes `text` to a fresh file named `name` and returns its URL.
    static func file(_ name: String, _ text: String) throws -> URL {
        let folder = try ScratchFolder.make("careatlas-access-tests")
        let url = folder.appendingPathComponent(name)
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url
    }

    /// The message of the AccessError that `body` throws, nil when it throws nothing.
    static func message(_ body: () throws -> Void) -> String? {
        do {
            try body()
            return nil
        } catch let error as AccessError {
            return error.description
        } catch {
            return "not an AccessError: \(error)"
        }
    }

    @Test func demandRowsAreCheckedTogether() throws {
        let url = try Self.file("demand.csv", """
            id,x,y,population,name
            a,0,0,100,first
            b,10,0,-3,negative
            a,20,0,5,repeated id
            ,30,0,5,no id
            e,12a,0,5,bad x
            f,50,0,,empty
            g,60,0,1,234,ragged
            """)
        // A ragged row stops reading before values are checked.
        #expect(Self.message { _ = try AccessInput.readDemand(contentsOf: url) }
            == "demand.csv, line 8: expected 5 fields, as in the header, but found 6; a value that contains \",\" must be in double quotes")
        let fixed = try Self.file("demand.csv", """
            id,x,y,population,name
            a,0,0,100,first
            b,10,0,-3,negative
            a,20,0,5,repeated id
            ,30,0,5,no id
            e,12a,0,5,bad x
            f,50,0,,empty
            g,60,0,"1,234",thousands separator
            h,-,0,5,dash
            """)
        #expect(Self.message { _ = try AccessInput.readDemand(contentsOf: fixed) } == """
            demand.csv, line 3, column "population": population must be ≥ 0, got -3
            demand.csv, line 4, column "id": "a" repeats line 2; ids must be unique
            demand.csv, line 5, column "id": the id is empty; every demand point needs an id
            demand.csv, line 6, column "x": "12a" is not a number
            demand.csv, line 7, column "population": a number is required, found empty
            demand.csv, line 9, column "x": a number is required, found "-" (none, 該当なし)
            """)
    }

    @Test func supplyNeedsItsColumnsAndRows() throws {
        let missing = try Self.file("supply.csv", "id,x,y,beds\nh,0,0,3\n")
        #expect(Self.message { _ = try AccessInput.readSupply(contentsOf: missing) }
            == "column \"capacity\" not found in supply.csv; columns are: id, x, y, beds")
        let empty = try Self.file("supply.csv", "id,x,y,capacity\n")
        #expect(Self.message { _ = try AccessInput.readSupply(contentsOf: empty) }
            == "supply.csv: there are no supply rows below the header; give at least one supply point")
        let good = try Self.file("supply.csv", "id,x,y,capacity\r\nh1,\"1,000.5\",-2,12.5\r\n")
        #expect(try AccessInput.readSupply(contentsOf: good)
            == [SupplyPoint(id: "h1", position: Coordinate(x: 1000.5, y: -2), capacity: 12.5)])
    }

    @Test func pointsGivenInCodeAreValidated() {
        let demand = [DemandPoint(id: "a", position: Coordinate(x: 0, y: 0), population: .nan),
                      DemandPoint(id: "a", position: Coordinate(x: .infinity, y: 0), population: 1)]
        #expect(Self.message { try AccessInput.validate(demand: demand, supply: []) } == """
            demand point 1 (id "a"): population must be a finite number ≥ 0, got nan
            demand point 2 (id "a") repeats the id of demand point 1; ids must be unique
            demand point 2 (id "a") has a non-finite position (inf, 0.0)
            there are no supply points; give at least one supply point
            """)
        // The validated entry point checks before searching.
        let model = try! FloatingCatchmentModel.twoStep(maximumCost: 10)
        #expect(Self.message {
            _ = try FloatingCatchment.scores(demand: [], supply: [SupplyPoint(id: "h", position: Coordinate(x: 0, y: 0), capacity: -1)],
                                             cost: .euclidean(detourFactor: 1), model: model)
        } == """
            there are no demand points; give at least one demand point
            supply point 1 (id "h"): capacity must be a finite number ≥ 0, got -1.0
            """)
    }

    @Test func costTableRowsAreCheckedTogether() throws {
        let url = try Self.file("od.csv", """
            origin,destination,cost
            a,h,100
            a,k,-5
            z,h,10
            b,q,20
            a,h,150
            b,h,
            b,k,1e3
            """)
        #expect(Self.message { _ = try CostTable(contentsOf: url) } == """
            od.csv, line 3, column "cost": cost must be ≥ 0, got -5
            od.csv, line 7, column "cost": a number is required, found ""; leave out the pairs that cannot be reached
            """)
        let table = try CostTable(contentsOf: try Self.file("od.csv", """
            origin,destination,cost
            a,h,100
            z,h,10
            b,q,20
            a,h,150
            b,k,1e3
            """))
        #expect(table.entries.map(\.line) == [2, 3, 4, 5, 6])
        let demand = [DemandPoint(id: "a", position: Coordinate(x: 0, y: 0), population: 1),
                      DemandPoint(id: "b", position: Coordinate(x: 0, y: 0), population: 1)]
        let supply = [SupplyPoint(id: "h", position: Coordinate(x: 0, y: 0), capacity: 1),
                      SupplyPoint(id: "k", position: Coordinate(x: 0, y: 0), capacity: 1)]
        #expect(Self.message {
            _ = try FloatingCatchment.scores(demand: demand, supply: supply, cost: .table(table),
                                             model: try .twoStep(maximumCost: 500))
        } == """
            od.csv, line 3: origin "z" is not the id of a demand point; the origin column holds demand ids, the destination column supply ids
            od.csv, line 4: destination "q" is not the id of a supply point; the origin column holds demand ids, the destination column supply ids
            od.csv, line 5: the pair a → h repeats line 2; give each origin–destination pair once
            """)
        // Without the bad rows: b–k at 1000 is beyond d0 = 500, so b reaches nothing.
        let clean = CostTable(source: "od.csv", entries: [table.entries[0], table.entries[4]])
        let r = try FloatingCatchment.scores(demand: demand, supply: supply, cost: .table(clean), model: .twoStep(maximumCost: 500))
        #expect(r.scores[0] == 1 && r.scores[1].isNaN)
        #expect(r.supplyWithoutDemand == [1])
    }

    @Test func manyProblemsAreSummarised() {
        let demand = (0..<30).map { DemandPoint(id: "d\($0)", position: Coordinate(x: 0, y: 0), population: -1) }
        let supply = [SupplyPoint(id: "h", position: Coordinate(x: 0, y: 0), capacity: 1)]
        let text = Self.message { try AccessInput.validate(demand: demand, supply: supply) } ?? ""
        let lines = text.split(separator: "\n")
        #expect(lines.count == 26)
        #expect(lines.last == "… and 5 more problems of the same kinds")
    }

    /// Longitude/latitude around Tokyo Station go to JGD2011 zone IX, where 0.01° of latitude is
    /// about 1109 m.
    @Test func lonLatIsProjectedToTheZoneOfTheExtent() throws {
        let demand = [DemandPoint(id: "a", position: Coordinate(lon: 139.7671, lat: 35.6812), population: 1)]
        let supply = [SupplyPoint(id: "h", position: Coordinate(lon: 139.7671, lat: 35.6912), capacity: 1)]
        let projected = try AccessInput.projectToMetric(demand: demand, supply: supply, from: .wgs84)
        #expect(projected.choice?.crs == .epsg(6677))
        let d = projected.demand[0].position, s = projected.supply[0].position
        let distance = ((d.x - s.x) * (d.x - s.x) + (d.y - s.y) * (d.y - s.y)).squareRoot()
        #expect(abs(distance - 1109.2) < 1, "\(distance)")
        #expect(projected.demand[0].id == "a" && projected.supply[0].capacity == 1)
        // A projected CRS leaves positions alone.
        let same = try AccessInput.projectToMetric(demand: demand, supply: supply, from: .epsg(6677))
        #expect(same.choice == nil && same.demand == demand)
    }
}
