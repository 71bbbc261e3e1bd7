import CarePoints
import Foundation

extension StudyAccess {
    /// Study-mode access as a caller gives it (`access STUDY`, `gaps`), with its defaults: the
    /// level scored (municipalities), the demand measure (`aged65`), the supply kinds (every kind
    /// that has the capacity field) and the capacity field (required).
    public struct Settings: Sendable, Hashable {
        public var level: AreaLevel = .municipality
        public var demandMeasure = "aged65"
        /// Empty: every kind with an institution that has ``capacity``.
        public var kinds: [String] = []
        public var capacity: String?
        public var method: FloatingCatchmentModel
        public var detourFactor = 1.0
        public var normalize = false
        /// An imported origin–destination table (`--cost-matrix`): origin = area code, destination =
        /// institution id, cost in the table's unit (the threshold is in the same unit).
        public var costMatrix: URL?

        public init(method: FloatingCatchmentModel, level: AreaLevel = .municipality, demandMeasure: String = "aged65", kinds: [String] = [],
                    capacity: String? = nil, detourFactor: Double = 1, normalize: Bool = false) {
            self.method = method
            self.level = level
            self.demandMeasure = demandMeasure
            self.kinds = kinds
            self.capacity = capacity
            self.detourFactor = detourFactor
            self.normalize = normalize
        }

        /// The supply kinds: those given, else every kind with an institution that has the field.
        public func supplyKinds(_ model: StudyModel, field: String) -> [String] {
            kinds.isEmpty ? Set(model.institutions.filter { $0.capacity[field] != nil }.map(\.kind)).sorted() : kinds
        }
    }

    /// Access on a study with `settings`.
    ///
    /// - Throws: ``AnalysisError`` when the capacity field is missing (naming the study's fields),
    ///   or as ``compute(_:level:demandMeasure:kinds:capacityField:method:detourFactor:normalize:)``.
    ///   With travel-time `costs` (the study's `cost:`), the threshold and bands are minutes.
    public static func compute(_ model: StudyModel, settings s: Settings, costs: StudyCosts? = nil) throws -> StudyAccess {
        guard let field = s.capacity else {
            let fields = Set(model.institutions.flatMap(\.capacity.keys)).sorted().joined(separator: ", ")
            throw AnalysisError("study mode needs --capacity, the supply's capacity field", fix: "capacity fields in this study: \(fields)")
        }
        return try compute(model, level: s.level, demandMeasure: s.demandMeasure, kinds: s.supplyKinds(model, field: field),
                           capacityField: field, method: s.method, detourFactor: s.detourFactor, normalize: s.normalize,
                           costs: costs, costMatrix: try s.costMatrix.map { url in
                               do { return try CostTable(contentsOf: url) } catch { throw AnalysisError("--cost-matrix: \(error)") }
                           })
    }
}
