extension RobustStatistics {
    /// The `k`-th smallest of `values` (0-based), found by Hoare's selection (quickselect) with a
    /// median-of-three pivot and a three-way partition: linear on average, where sorting is
    /// n log n. Theil–Sen takes the median of ~20,000 pairwise slopes per series, several series a
    /// run, so this is most of what a run's verdicts cost in the runner.
    ///
    /// Reorders `values` so that every element before index `k` is ≤ the result and every one
    /// after it ≥ the result (as C++'s `nth_element`). Equal values (many slopes are) go to the
    /// middle band at once, so a series of ties is linear too. A NaN compares neither less nor
    /// greater, so it ends up in a middle band; the result is then as arbitrary as a sort's.
    ///
    /// - Precondition: `0 <= k < values.count`.
    static func select(_ k: Int, in values: inout [Double]) -> Double {
        precondition(values.indices.contains(k), "select: k \(k) outside 0..<\(values.count)")
        var low = 0
        var high = values.count - 1
        while low < high {
            let pivot = medianOfThree(values[low], values[low + (high - low) / 2], values[high])
            // values[low..<less] < pivot, values[less..<index] == pivot, values[(greater + 1)...high] > pivot.
            var less = low
            var index = low
            var greater = high
            while index <= greater {
                if values[index] < pivot {
                    values.swapAt(less, index)
                    less += 1
                    index += 1
                } else if values[index] > pivot {
                    values.swapAt(index, greater)
                    greater -= 1
                } else {
                    index += 1
                }
            }
            if k < less {
                high = less - 1
            } else if k > greater {
                low = greater + 1
            } else {
                return values[k]
            }
        }
        return values[k]
    }

    private static func medianOfThree(_ a: Double, _ b: Double, _ c: Double) -> Double {
        if a < b { return b < c ? b : (a < c ? c : a) }
        return a < c ? a : (b < c ? c : b)
    }
}
