import Foundation

extension PlanningRegion {
    /// The area codes at `level` that the region covers, sorted.
    ///
    /// A stage gives its areas at the scenarios' level, a group its members at `level`, a list of
    /// codes the areas of `level` with those codes or inside them (a municipality code lists its
    /// small areas when `level` is small_area).
    /// - Throws: ``AnalysisError`` naming the stage, group or code that is not in the study.
    public func areaIDs(_ model: StudyModel, scenarios: ScenarioAnalysis?, level: AreaLevel) throws -> [String] {
        guard let areas = model.areas[level] else {
            throw AnalysisError("the study has no \(level.rawValue) areas", fix: "use a level the study has: \(model.levels.map(\.rawValue).joined(separator: ", "))")
        }
        switch self {
        case .stage(let name):
            guard let s = scenarios else {
                throw AnalysisError("region {stage: \(name)} needs the study's scenarios:", fix: "add scenarios: with a plan, or use region: {group: …}")
            }
            guard let stage = s.plans.lazy.flatMap(\.stages).first(where: { $0.name == name }) else {
                let known = s.plans.flatMap(\.stages).map(\.name).joined(separator: ", ")
                throw AnalysisError("no stage is named \"\(name)\"", fix: "stages are: \(known)")
            }
            return try Self.inside(stage.areaIDs, at: s.level, model: model, level: level)
        case .group(let name):
            let ids = areas.filter { $0.groups.values.contains(name) }.map(\.id)
            guard !ids.isEmpty else {
                let known = Set(areas.flatMap(\.groups.values)).sorted().joined(separator: ", ")
                throw AnalysisError("no \(level.rawValue) area is in a group \"\(name)\"", fix: "groups are: \(known)")
            }
            return ids.sorted()
        case .areas(let codes):
            var out: Set<String> = []
            for code in codes {
                guard let at = model.levels.first(where: { model.area(code, at: $0) != nil }) else {
                    throw AnalysisError("area \(code) is not an area of the study", fix: "give codes of the study's area layers")
                }
                out.formUnion(try Self.inside([code], at: at, model: model, level: level))
            }
            return out.sorted()
        }
    }

    /// The areas of `level` inside areas `ids` of `from` (the same ids when the levels agree).
    static func inside(_ ids: [String], at from: AreaLevel, model: StudyModel, level: AreaLevel) throws -> [String] {
        if from == level { return ids.sorted() }
        guard level < from else {
            throw AnalysisError("the region is given at \(from.rawValue) level, coarser than \(level.rawValue) is needed",
                                fix: "give the region at \(level.rawValue) level or finer")
        }
        let wanted = Set(ids)
        return (model.areas[level] ?? []).filter { a in
            var current: Area? = a
            while let c = current {
                if c.level == from { return wanted.contains(c.id) }
                current = c.parentID.flatMap { id in model.levels.lazy.compactMap { model.area(id, at: $0) }.first { $0.level > c.level } }
            }
            return false
        }.map(\.id)
    }
}
