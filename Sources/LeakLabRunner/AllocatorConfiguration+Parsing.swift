import LeakLabModel

extension AllocatorConfiguration {
    /// `NAME` (a preset) or `NAME:ALLOCATOR[:k=v,…]`.
    /// - Throws: ``RunnerError/usage(_:)`` naming an unknown preset or allocator, a bad name, or
    ///   an option that is not the allocator's or has a bad value.
    public static func parse(_ text: String) throws(RunnerError) -> AllocatorConfiguration {
        let parts = text.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false).map(String.init)
        let name = parts[0]
        guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || "_-.".contains($0) }) else {
            throw .usage("--config \(text): a name is letters, digits, '_', '-' or '.'")
        }
        guard parts.count > 1 else {
            guard let preset = preset(name) else {
                throw .usage("--config \(name): no such preset; presets are \(presets.map(\.name).joined(separator: ", ")), or give NAME:ALLOCATOR[:k=v,…]")
            }
            return preset
        }
        guard let allocator = AllocatorName(rawValue: parts[1]) else {
            throw .usage("--config \(text): unknown allocator '\(parts[1])'; choose from \(AllocatorName.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        if let preset = preset(name), preset.allocator != allocator {
            throw .usage("--config \(text): '\(name)' is the name of a \(preset.allocator) preset; give this \(allocator) configuration another name")
        }
        let arguments = parts.count > 2 ? parts[2].split(separator: ",", omittingEmptySubsequences: false).map(String.init) : []
        guard !arguments.contains(where: \.isEmpty) else {
            throw .usage(
                "--config \(text): an empty option; separate k=v pairs with single commas, e.g. \(name):\(allocator):dirty_decay_ms=0,muzzy_decay_ms=0")
        }
        let options: AllocatorOptions
        do throws(RunnerError) {
            options = try AllocatorOptions(parsing: arguments)
            for key in options.entries.keys.sorted() {
                let option = try AllocatorOptions.resolve(key)
                guard option.allocator == allocator else { throw RunnerError.usage("--config \(text): \(key) is not a \(allocator) option") }
            }
            try options.validate(for: [allocator])
        } catch .usage(let message) where message.hasPrefix("--allocator-option ") {
            // The option grammar is --allocator-option's; the mistake is in this --config.
            throw .usage("--config \(text): " + message.dropFirst("--allocator-option ".count))
        }
        var configuration = preset(allocator.rawValue) ?? AllocatorConfiguration(name: name, allocator: allocator)
        configuration.name = name
        configuration.options = options.entries
        let described = options.entries.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ", ")
        // What the row starts from for exact counts, which its own options may override.
        let exactStart = configuration.mallocConf.map { [$0] } ?? allocator.traits.options.exactCountEntries
        configuration.summary =
            "\(allocator)\(exactStart.isEmpty ? "" : " (\(exactStart.joined(separator: ", ")) unless its options set it)")"
            + (described.isEmpty ? "" : ", \(described)")
        return configuration
    }

    /// This configuration with `extra` options (`--allocator-option`) that apply to its allocator
    /// added; its own options win.
    public func adding(_ extra: AllocatorOptions) -> AllocatorConfiguration {
        var result = self
        result.options = extra.applying(to: allocator).merging(options) { $1 }
        return result
    }
}
