import LeakLabModel

/// What the allocators themselves said on a child's stderr, such as jemalloc's
/// `<jemalloc>: Invalid conf pair: a:1` for a MALLOC_CONF key it does not know. The lab passes
/// unknown jemalloc keys through (jemalloc checks MALLOC_CONF itself), so the user hears of a
/// mistyped `--config`/`--allocator-option` key only from jemalloc; these lines are kept in each
/// run's `childOutput`, and the commands repeat them once on stderr.
public enum AllocatorMessages {
    /// Prefixes of the lines the allocators print about their own configuration.
    static let prefixes = ["<jemalloc>:", "mimalloc: warning:", "mimalloc: error:"]

    /// The distinct allocator lines in `records`' child output, in first-seen order.
    public static func lines(in records: [RunRecord]) -> [String] {
        var seen = Set<String>(), lines: [String] = []
        for record in records {
            for line in (record.childOutput ?? "").split(separator: "\n").map(String.init)
            where prefixes.contains(where: line.hasPrefix) && seen.insert(line).inserted {
                lines.append(line)
            }
        }
        return lines
    }

    /// Prints each line once on stderr, saying where it came from.
    public static func warn(about records: [RunRecord]) {
        for line in lines(in: records) { Terminal.warn("the allocator said: \(line) (an unknown or malformed allocator option?)") }
    }

    /// Says once per allocator setting when its counts were not exact
    /// (``AllocatorTraits/countsExactly``): a `--malloc-conf` without `tcache:false` replaces the
    /// exact default, and truths were not measured that way. (`compare-allocators` says it in
    /// its notes instead.)
    public static func warnApproximateCounts(in records: [RunRecord]) {
        var warned = Set<String>()
        for record in records {
            guard let allocator = record.allocator.active,
                !allocator.traits.countsExactly(record.allocatorOptions ?? [:], record.mallocConf)
            else { continue }
            let setting = "\(allocator) \(record.mallocConf.map { "MALLOC_CONF=\($0)" } ?? "")"
            guard warned.insert(setting).inserted else { continue }
            let exact = record.mallocConf != nil ? ["MALLOC_CONF=\(AllocatorConfiguration.exactJemallocConf)"] : allocator.traits.options.exactCountEntries
            Terminal.warn(
                "\(setting.trimmingCharacters(in: .whitespaces)): its cache of freed blocks is on, so allocated bytes and malloc/free counts are approximate\(exact.isEmpty ? "" : " (\(exact.joined(separator: ", ")) counts exactly)")"
            )
        }
    }
}
