/// The small-cell policy of a study (`privacy.min_cell`): which patient counts are small and how a
/// hidden count is labelled. It belongs to the study, so that the loader words its own messages
/// under it; the suppression rules that apply it (`suppressionMask`, the one disclosure
/// decision) are in `CarePrivacy`.
///
/// Small-cell suppression for patient counts, as statistical offices publish health data
/// (primary suppression of counts 1 … k−1, with secondary suppression so that a shown total does
/// not reveal a suppressed cell; cf. 厚生労働省 NDB オープンデータ: 10 未満は「‐」).
///
/// Zero is shown: it reveals no patient. A cell is shown as "<k" when suppressed.
public struct SmallCellPolicy: Sendable, Hashable {
    /// Counts 1 … minCell−1 are suppressed. 1 disables suppression.
    public let minCell: Int

    public init(minCell: Int) {
        self.minCell = max(1, minCell)
    }

    /// No suppression, for internal analysis; every output must then say so (``internalNotice``).
    public static let none = SmallCellPolicy(minCell: 1)

    public var isSuppressing: Bool { minCell > 1 }

    /// The label of a suppressed cell, e.g. "<10".
    public var suppressedLabel: String { "<\(minCell)" }

    /// The label of a cell hidden only to protect another one (secondary suppression): its count
    /// is not small, so "<k" would mislead.
    public static let secondaryLabel = "x"

    /// The label of a hidden cell: "<k" for a small count, "x" for a secondary suppression.
    public func label(_ count: Int, secondary hidden: Bool) -> String {
        isSmall(count) ? suppressedLabel : hidden ? Self.secondaryLabel : String(count)
    }

    /// The notice every page and file carries when suppression is off.
    public static let internalNotice = "internal — contains small counts (内部資料：少数セルを含む)"

    /// Whether `count` alone must be hidden (primary suppression).
    public func isSmall(_ count: Int) -> Bool { count > 0 && count < minCell }

    /// A count as it may be shown on its own: the number, or "<k".
    public func label(_ count: Int) -> String {
        isSmall(count) ? suppressedLabel : String(count)
    }

}
