import Glibc

/// Robust trend statistics: Theil–Sen slope and the Mann–Kendall test. Pure and small.
public enum RobustStatistics {
    /// A line through a set of points.
    public struct Line: Sendable, Equatable {
        public var slope: Double
        public var intercept: Double
        public func value(at x: Double) -> Double { intercept + slope * x }
    }

    /// The Theil–Sen line: the median of the slopes between every pair of points with distinct x,
    /// and the median of `y − slope·x` as intercept. `nil` with fewer than two distinct x.
    ///
    /// Quadratic in the number of points; callers thin long series with ``thinned(_:to:)``.
    public static func theilSen(_ points: [(x: Double, y: Double)]) -> Line? {
        guard points.count >= 2 else { return nil }
        var slopes: [Double] = []
        slopes.reserveCapacity(points.count * (points.count - 1) / 2)
        for i in 0..<points.count {
            for j in (i + 1)..<points.count where points[j].x != points[i].x {
                slopes.append((points[j].y - points[i].y) / (points[j].x - points[i].x))
            }
        }
        guard let slope = median(slopes) else { return nil }
        let intercept = median(points.map { $0.y - slope * $0.x }) ?? 0
        return Line(slope: slope, intercept: intercept)
    }

    /// The result of a Mann–Kendall test for a monotonic trend.
    public struct MannKendall: Sendable, Equatable {
        /// Σ sign(yⱼ − yᵢ) over i < j.
        public var s: Double
        /// The variance of `s` under no trend, corrected for ties.
        public var variance: Double
        /// The continuity-corrected normal score.
        public var z: Double
        /// One-sided p-value for an increasing trend: small means "increasing".
        public var pIncreasing: Double
    }

    /// The Mann–Kendall test on a series in time order. With fewer than 3 values, or all tied,
    /// there is no evidence: `z = 0`, `pIncreasing = 0.5` (or 1 when all are tied).
    public static func mannKendall(_ values: [Double]) -> MannKendall {
        let n = values.count
        guard n >= 3 else { return MannKendall(s: 0, variance: 0, z: 0, pIncreasing: 0.5) }
        var s = 0.0
        for i in 0..<(n - 1) {
            for j in (i + 1)..<n {
                if values[j] > values[i] { s += 1 } else if values[j] < values[i] { s -= 1 }
            }
        }
        var tieTerm = 0.0
        var counts: [Double: Int] = [:]
        for value in values { counts[value, default: 0] += 1 }
        for t in counts.values where t > 1 {
            let t = Double(t)
            tieTerm += t * (t - 1) * (2 * t + 5)
        }
        let nd = Double(n)
        let variance = (nd * (nd - 1) * (2 * nd + 5) - tieTerm) / 18
        guard variance > 0 else { return MannKendall(s: s, variance: 0, z: 0, pIncreasing: 1) }
        let z = s > 0 ? (s - 1) / variance.squareRoot() : s < 0 ? (s + 1) / variance.squareRoot() : 0
        return MannKendall(s: s, variance: variance, z: z, pIncreasing: normalUpperTail(z))
    }

    /// P(Z > z) for a standard normal Z.
    public static func normalUpperTail(_ z: Double) -> Double {
        0.5 * erfc(z / 2.0.squareRoot())
    }

    /// The median (the mean of the two middle values for an even count); `nil` for an empty
    /// array. Found by selection (``select(_:in:)``), not by sorting.
    public static func median(_ values: [Double]) -> Double? {
        guard !values.isEmpty else { return nil }
        var values = values
        let mid = values.count / 2
        let upper = select(mid, in: &values)
        guard values.count % 2 == 0 else { return upper }
        // Every value before `mid` is ≤ `upper` now; the largest of them is the lower middle one.
        let lower = values[..<mid].max()!
        return (lower + upper) / 2
    }

    /// A robust estimate of the standard deviation: 1.4826 × the median absolute deviation.
    public static func robustSigma(_ values: [Double]) -> Double? {
        guard let center = median(values) else { return nil }
        return median(values.map { abs($0 - center) }).map { $0 * 1.4826 }
    }

    /// At most `limit` elements, evenly spaced, keeping the first and the last.
    public static func thinned<T>(_ items: [T], to limit: Int) -> [T] {
        guard items.count > limit, limit >= 2 else { return items }
        return (0..<limit).map { k in items[k * (items.count - 1) / (limit - 1)] }
    }
}
