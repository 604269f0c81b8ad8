import LeakLabModel
import Testing

@Suite struct RobustStatisticsTests {
    @Test func theilSenIgnoresAFewWildOutliers() throws {
        var points = (0..<50).map { (x: Double($0), y: 3 * Double($0) + 10) }
        points[10].y = 10_000
        points[40].y = -10_000
        let line = try #require(RobustStatistics.theilSen(points))
        #expect(abs(line.slope - 3) < 1e-9)
        #expect(abs(line.intercept - 10) < 1e-9)
    }

    @Test func theilSenNeedsTwoDistinctX() {
        #expect(RobustStatistics.theilSen([(x: 1, y: 1)]) == nil)
        #expect(RobustStatistics.theilSen([(x: 1, y: 1), (x: 1, y: 2)]) == nil)
    }

    @Test func mannKendallFindsAnIncreasingSeriesSignificant() {
        let test = RobustStatistics.mannKendall((0..<30).map(Double.init))
        #expect(test.s == 435)
        #expect(test.pIncreasing < 1e-6)
    }

    @Test func mannKendallGivesADecreasingSeriesNoEvidenceOfIncrease() {
        let test = RobustStatistics.mannKendall((0..<30).map { -Double($0) })
        #expect(test.pIncreasing > 0.999)
    }

    @Test func mannKendallTreatsAConstantSeriesAsNoTrend() {
        let test = RobustStatistics.mannKendall(Array(repeating: 5, count: 20))
        #expect(test.s == 0)
        #expect(test.pIncreasing == 1)
    }

    @Test func mannKendallCorrectsTheVarianceForTies() {
        // n = 4 with one pair tied: (4·3·13 − 2·1·9) / 18 = 7.667.
        let test = RobustStatistics.mannKendall([1, 2, 2, 3])
        #expect(abs(test.variance - 138.0 / 18) < 1e-9)
    }

    @Test func normalUpperTailMatchesKnownValues() {
        #expect(abs(RobustStatistics.normalUpperTail(0) - 0.5) < 1e-12)
        #expect(abs(RobustStatistics.normalUpperTail(1.959964) - 0.025) < 1e-6)
    }

    @Test func thinnedKeepsEndsAndLimit() {
        let thinned = RobustStatistics.thinned(Array(0..<1000), to: 10)
        #expect(thinned.count == 10)
        #expect(thinned.first == 0 && thinned.last == 999)
        #expect(RobustStatistics.thinned([1, 2, 3], to: 10) == [1, 2, 3])
    }
}

/// The median is found by selection, not by sorting; these compare it with the sorted definition.
@Suite struct MedianBySelectionTests {
    static func sortedMedian(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        let mid = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
    }

    /// A fixed-seed generator (SplitMix64), so a failure can be replayed.
    struct SplitMix64: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    @Test func matchesTheSortedMedianOnRandomSeriesWithAndWithoutTies() {
        var generator = SplitMix64(state: 15)
        for count in [1, 2, 3, 4, 5, 8, 31, 64, 199, 1_000, 19_900] {
            for distinct in [2, 7, count] {
                let values = (0..<count).map { _ in Double(Int.random(in: 0..<max(1, distinct), using: &generator)) * 0.5 - 3 }
                #expect(RobustStatistics.median(values) == Self.sortedMedian(values), "\(count) values, \(distinct) distinct")
            }
        }
    }

    @Test func matchesTheSortedMedianOnOrderedReversedAndConstantSeries() {
        for count in [2, 3, 10, 11, 500, 501] {
            let ascending = (0..<count).map(Double.init)
            for values in [
                ascending, Array(ascending.reversed()), Array(repeating: 4.25, count: count),
                ascending.map { $0.truncatingRemainder(dividingBy: 3) },
            ] {
                #expect(RobustStatistics.median(values) == Self.sortedMedian(values), "\(values.prefix(4))… (\(count))")
            }
        }
        #expect(RobustStatistics.median([]) == nil)
        #expect(RobustStatistics.median([-.infinity, 1, .infinity]) == 1)
    }
}
