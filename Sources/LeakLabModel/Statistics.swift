/// Small, pure statistics used by growth measurement and detectors.
public enum Statistics {
    /// The Theil–Sen slope of y against x, over at most 200 evenly thinned points: a step or a
    /// few outliers (a runtime thread starting mid-run) barely move it, unlike least squares.
    public static func robustSlope(_ points: [(Double, Double)]) -> Double? {
        let thinned = RobustStatistics.thinned(points.map { (x: $0.0, y: $0.1) }, to: 200)
        return RobustStatistics.theilSen(thinned)?.slope
    }
}
