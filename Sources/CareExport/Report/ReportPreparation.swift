import CareAtlas
import CareGeometry
import CareMaps
import CarePrivacy
import Foundation

extension ReportWriter {
    /// The report's work that does not depend on the disclosure decision, done on a thread of its
    /// own while the decision is taken (it is mostly serial, so a core is free): the map font
    /// loaded (and embedded once in a PDF thrown away, ``FontCheck/prepareFonts()``), Leaflet read, and the area boundaries simplified for the maps and for the
    /// interactive map at the tolerances the published results will most likely ask for
    /// (``StudyMapData/drawingTolerance(_:)`` of the areas with patients; 1/4000 of the decision
    /// region's diagonal and its double for the page). A guess that the results do not confirm
    /// (a hidden area without patients, a plan cut by the disclosure) only costs the work again:
    /// a kept boundary is used only for the same geometry and tolerance.
    public final class Preparation: @unchecked Sendable {
        let simplified = SimplifiedGeometries()
        private var leafletRead: InteractiveMap.Leaflet?
        private let done = DispatchGroup()

        /// Starts the work from the run's analyses (nothing published yet).
        public init(_ analyses: StudyAnalyses) {
            done.enter()
            // A thread of its own, not the dispatch pool that the disclosure's trials use.
            let thread = Thread { [self] in
                prepare(analyses)
                done.leave()
            }
            thread.start()
        }

        /// Waits until the work is done (from any thread, any number of times).
        func wait() { done.wait() }

        /// Leaflet as read ahead (``InteractiveMap/leaflet(folder:)``).
        var leaflet: InteractiveMap.Leaflet? {
            wait()
            return leafletRead
        }

        private func prepare(_ analyses: StudyAnalyses) {
            _ = try? FontCheck.missingGlyphs("日本語の地図")
            FontCheck.prepareFonts()
            leafletRead = InteractiveMap.leaflet()
            let level = analyses.level
            let areas = (analyses.model.areas[level] ?? []).sorted { $0.id < $1.id }
            guard let shares = analyses.defaultShares.value else { return }
            var patients: [String: Int] = [:]
            for a in shares.ranking { patients[a.areaID, default: 0] += a.patients }
            let drawing = StudyMapData.drawingTolerance(areas.map { ($0.geometry, (patients[$0.id] ?? 0) > 0) })
            for a in areas { _ = simplified.simplified(a.geometry, id: a.id, tolerance: drawing) }
            let extent = DecisionRegion.extent(scenarios: analyses.scenarios?.value, level: level, shares: shares) { [] }
            guard let e = extent else { return }
            let screen = InteractiveMap.screenTolerance(hypot(e.width, e.height))
            for tolerance in [screen, 2 * screen] {
                for a in areas { _ = simplified.simplified(a.geometry, id: a.id, tolerance: tolerance) }
            }
        }
    }

    /// Runs every analysis of the study (``StudyAnalyses/compute(_:options:progress:)``) and decides
    /// its disclosure (``StudyRun``, under `policy`, nil: the study's `privacy.min_cell`), while the
    /// report's ``Preparation`` runs beside the decision; give both to
    /// ``write(_:preparation:options:to:)``.
    public static func studyRun(_ model: StudyModel, options: StudyRun.Options = .init(), policy: SmallCellPolicy? = nil,
                                progress: @escaping @Sendable (String) -> Void = { _ in }) throws -> (run: StudyRun, preparation: Preparation) {
        let analyses = try StudyAnalyses.compute(model, options: options, progress: progress)
        let preparation = Preparation(analyses)
        let run = StudyRun(analyses, policy: policy ?? SmallCellPolicy(minCell: model.spec.minCell), progress: progress)
        return (run, preparation)
    }
}
