/// Small, pure statistics used by growth measurement and detectors.
public enum Statistics {
    /// The ordinary least-squares slope of y against x; `nil` with fewer than two distinct x.
    public static func leastSquaresSlope(_ points: [(Double, Double)]) -> Double? {
        guard points.count >= 2 else { return nil }
        let n = Double(points.count)
        let meanX = points.reduce(0) { $0 + $1.0 } / n
        let meanY = points.reduce(0) { $0 + $1.1 } / n
        var sxy = 0.0, sxx = 0.0
        for (x, y) in points {
            sxy += (x - meanX) * (y - meanY)
            sxx += (x - meanX) * (x - meanX)
        }
        guard sxx > 0 else { return nil }
        return sxy / sxx
    }

    /// The Theil–Sen slope of y against x, over at most 200 evenly thinned points: a step or a
    /// few outliers (a runtime thread starting mid-run) barely move it, unlike least squares.
    public static func robustSlope(_ points: [(Double, Double)]) -> Double? {
        let thinned = RobustStatistics.thinned(points.map { (x: $0.0, y: $0.1) }, to: 200)
        return RobustStatistics.theilSen(thinned)?.slope
    }
}
