/// A row of block characters, one per value, scaled between the values' minimum and maximum.
public enum Sparkline {
    public static let blocks: [Character] = ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"]

    /// `width` columns: values are bucketed (last value of each bucket) when there are more.
    public static func render(_ values: [Double], width: Int = 48, range: ClosedRange<Double>? = nil) -> String {
        guard !values.isEmpty else { return "" }
        let columns = min(width, values.count)
        var picked: [Double] = []
        for column in 0..<columns {
            let index = min(values.count - 1, ((column + 1) * values.count) / columns - 1)
            picked.append(values[index])
        }
        let low = range?.lowerBound ?? picked.min()!
        let high = range?.upperBound ?? picked.max()!
        let span = high - low
        return String(
            picked.map { value in
                guard span > 0 else { return blocks[0] }
                let level = Int(((value - low) / span * Double(blocks.count - 1)).rounded())
                return blocks[max(0, min(blocks.count - 1, level))]
            })
    }
}
