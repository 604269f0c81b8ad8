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
