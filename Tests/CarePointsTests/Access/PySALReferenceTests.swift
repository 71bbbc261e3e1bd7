import CarePoints
import CareFormats
import CareGeometry
import Foundation
import Testing
import TestSupport

/// Agreement with PySAL `access` on the seeded instance of Fixtures/access (2,000 demand points,
/// 300 supply points, d0 = 6 km; see REFERENCE.md for versions and make_reference.sh to
/// regenerate): every score within 1e-9 relative, NaN where PySAL has NaN, +∞ where it has +∞.
@Suite struct AccessPySALReferenceTests {
    struct Instance {
        let demand: [DemandPoint]
        let supply: [SupplyPoint]
        /// Column name → scores in demand order.
        let reference: [String: [Double]]
    }

    static let instance = Result { () throws -> Instance in
        let demand = try AccessInput.readDemand(contentsOf: AccessFixture.folder.appendingPathComponent("demand.csv"))
        let supply = try AccessInput.readSupply(contentsOf: AccessFixture.folder.appendingPathComponent("supply.csv"))
        let table = try CSVTable(contentsOf: AccessFixture.folder.appendingPathComponent("reference_scores.csv"))
        let idColumn = try table.column("id")
        #expect(table.map { $0[idColumn] } == demand.map(\.id), "reference rows follow the demand order")
        var reference: [String: [Double]] = [:]
        for (index, name) in table.header.enumerated() where name != "id" {
            reference[name] = try table.map { row in
                guard let value = Double(row[index]) else { throw AccessError(.invalidValue, "bad reference value \(row[index])") }
                return value
            }
        }
        return Instance(demand: demand, supply: supply, reference: reference)
    }

    /// The reference columns and the models that reproduce them (REFERENCE.md lists the PySAL calls).
    static let columns: [(name: String, model: @Sendable () throws -> FloatingCatchmentModel)] = [
        ("2sfca", { try .twoStep(maximumCost: 6000) }),
        ("e2sfca", { try .enhancedTwoStep(bands: DistanceDecay.parseBands("2000:1,4000:0.68,6000:0.22")) }),
        ("gaussian", { try .gaussian(maximumCost: 6000, sigma: 3000) }),
        // PySAL: gravity(scale=1000, alpha=-1.5, min_dist=100); the scale cancels.
        ("gravity", { try .gravity(maximumCost: 6000, beta: 1.5, minimumCost: 100) }),
        ("3sfca", { try .threeStep(maximumCost: 6000, decay: .steps(FloatingCatchmentModel.defaultThreeStepBands(maximumCost: 6000))) }),
        ("3sfca_gaussian", { try .threeStep(maximumCost: 6000, decay: .gaussian(sigma: 3000)) }),
    ]

    @Test(arguments: columns.map(\.name))
    func agreesWithPySAL(column: String) throws {
        let instance = try Self.instance.get()
        let model = try Self.columns.first { $0.name == column }!.model()
        let r = try FloatingCatchment.scores(demand: instance.demand, supply: instance.supply,
                                             cost: .euclidean(detourFactor: 1), model: model)
        AccessFixture.expectScores(r.scores, instance.reference[column]!, tolerance: 1e-9)
        if ProcessInfo.processInfo.environment["CAREATLAS_ACCESS_REPORT"] == "1" {
            let pairs = zip(r.scores, instance.reference[column]!).filter { $0.1.isFinite }
            let worst = pairs.map { relativeDifference($0.0, $0.1) }.max() ?? 0
            let same = pairs.filter { $0.0 == $0.1 }.count
            print("\(column): max relative difference \(worst), \(same) of \(pairs.count) finite scores bit-identical")
        }
        // The same pairs as scipy's cKDTree found (REFERENCE.md).
        #expect(r.pairCount == 37938)
        #expect(r.undefinedCount == 4)
    }

    @Test func normalizedAgreesWithPySAL() throws {
        let instance = try Self.instance.get()
        let r = try FloatingCatchment.scores(demand: instance.demand, supply: instance.supply, cost: .euclidean(detourFactor: 1),
                                             model: .twoStep(maximumCost: 6000), normalize: true)
        AccessFixture.expectScores(r.scores, instance.reference["2sfca_normalized"]!, tolerance: 1e-9)
        // The mean is the ratio of raw to normalised scores.
        let raw = instance.reference["2sfca"]!, normalized = instance.reference["2sfca_normalized"]!
        let i = raw.firstIndex { $0.isFinite && $0 > 0 }!
        #expect(relativeDifference(r.normalizationMean!, raw[i] / normalized[i]) < 1e-12)
    }

    /// The special rows of the instance, named in REFERENCE.md.
    @Test func diagnosticsNameTheSpecialPoints() throws {
        let instance = try Self.instance.get()
        let r = try FloatingCatchment.scores(demand: instance.demand, supply: instance.supply, cost: .euclidean(detourFactor: 1),
                                             model: .twoStep(maximumCost: 6000))
        let unserved = Set(r.demandWithoutSupply.map { instance.demand[$0].id })
        #expect(unserved == ["remote0", "remote1", "remote2", "remote3"])
        #expect(r.supplyWithoutDemand.map { instance.supply[$0].id }.sorted() == ["s_lonely", "s_nobody", "s_zero"])
        let score = Dictionary(uniqueKeysWithValues: zip(instance.demand.map(\.id), r.scores))
        #expect(score["lonely_zero"] == .infinity)
        #expect(score["zero_zero"] == 0)
        // 3 clinic places over 500 people at exactly 2000 m, 4 over 700 at exactly 6000 m.
        #expect(score["at_band_limit"] == 3.0 / 500)
        #expect(score["at_threshold"] == 4.0 / 700)
    }

    /// The pairs as a cost table (costs computed here, in table order shuffled) give the same
    /// bits as the Euclidean pair list: the canonical pair order makes the neighbour search
    /// invisible in the result. The streaming path (two-stage methods on straight-line costs)
    /// sums in grid order instead: the same pairs, scores within 1e-12.
    @Test func costTablePathGivesTheSameBits() throws {
        let instance = try Self.instance.get()
        var entries: [CostTable.Entry] = []
        for d in instance.demand {
            for s in instance.supply {
                let dx = d.position.x - s.position.x, dy = d.position.y - s.position.y
                let cost = (dx * dx + dy * dy).squareRoot()
                if cost <= 6500 { entries.append(.init(origin: d.id, destination: s.id, cost: cost)) }
            }
        }
        var random = AccessFixture.Random(seed: 7)
        entries.shuffle(using: &random)
        for (_, makeModel) in Self.columns {
            let model = try makeModel()
            let viaTable = try FloatingCatchment.scores(demand: instance.demand, supply: instance.supply,
                                                        cost: .table(CostTable(entries: entries)), model: model)
            let pairs = try CatchmentPairs(euclideanFrom: instance.demand.map(\.position), to: instance.supply.map(\.position),
                                           maximumCost: model.maximumCost)
            let viaPairList = FloatingCatchment.scores(pairs: pairs, population: instance.demand.map(\.population),
                                                       capacity: instance.supply.map(\.capacity), stages: model.stages,
                                                       decay: model.decay)
            #expect(viaTable.pairCount == viaPairList.pairCount)
            AccessFixture.expectScores(viaTable.scores, viaPairList.scores)
            let viaGrid = try FloatingCatchment.scores(demand: instance.demand, supply: instance.supply,
                                                       cost: .euclidean(detourFactor: 1), model: model)
            #expect(viaTable.pairCount == viaGrid.pairCount)
            AccessFixture.expectScores(viaTable.scores, viaGrid.scores, tolerance: model.stages == .two ? 1e-12 : 0)
        }
    }
}
