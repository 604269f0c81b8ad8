import LeakLabKit

/// Growth that is a cost paid once during the workload (a cache built on first use halfway
/// through), told apart from growth per iteration by two runs of N and k·N iterations.
///
/// A step of `s` paid once reads as a slope of about `s / N` over N iterations and `s / (k·N)`
/// over k·N (wherever in the run it comes, as long as its place scales with the run); a leak of
/// `r` per iteration reads `r` in both. With both present, the slopes are `s/N + r` and
/// `s/(k·N) + r`, so `r = (long − short/k) / (1 − 1/k)`: what persists when the run is longer.
/// A clean variant that declares the one-off (`GroundTruth.oneOff`) passes when that persisting
/// rate is within its tolerance and the step, `short × N`, is no larger than declared (with a
/// quarter to spare: the slope of a step is itself an estimate). A leak hidden behind a declared
/// one-off still persists, and fails.
public enum OneOffStep {
    /// The per-iteration rate that persists from the short run to the long one; `nil` when the
    /// long run is not longer.
    public static func persistentRate(short: Double, shortIterations: Int, long: Double, longIterations: Int) -> Double? {
        guard longIterations > shortIterations, shortIterations > 0 else { return nil }
        let ratio = Double(shortIterations) / Double(longIterations)
        return (long - short * ratio) / (1 - ratio)
    }

    /// Whether slopes `short` (over `shortIterations`) and `long` (over `longIterations`) are a
    /// step of at most `declared` paid once plus at most `tolerance` per iteration.
    public static func explains(
        short: Double, shortIterations: Int, long: Double, longIterations: Int, declared: Double, tolerance: Double
    ) -> Bool {
        guard declared > 0,
            let persistent = persistentRate(short: short, shortIterations: shortIterations, long: long, longIterations: longIterations)
        else { return false }
        return persistent <= tolerance + 1e-9 && short * Double(shortIterations) <= declared * 1.25
    }
}
