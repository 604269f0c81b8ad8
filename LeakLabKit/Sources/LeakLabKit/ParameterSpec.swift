/// A parameter a scenario accepts, with its default and what values are valid.
///
/// Values arrive as text (`--param payload=4096`) and are validated against the spec before a
/// run starts, so a bad value is a usage error naming the parameter, not a failed run.
public struct ParameterSpec: Sendable, Codable, Equatable {
    /// The kind of value and its valid range.
    public enum Kind: Sendable, Codable, Equatable {
        case integer(min: Int, max: Int)
        case boolean
        case choice([String])
    }

    /// kebab-case: `payload-bytes`, `concurrency`.
    public var name: String
    public var kind: Kind
    /// The default, as text; it must itself be valid.
    public var defaultValue: String
    /// One line for `leaklab list` and `explain`.
    public var help: String

    public init(name: String, kind: Kind, defaultValue: String, help: String) {
        self.name = name
        self.kind = kind
        self.defaultValue = defaultValue
        self.help = help
    }

    public static func integer(_ name: String, default value: Int, range: ClosedRange<Int>, help: String) -> ParameterSpec {
        ParameterSpec(name: name, kind: .integer(min: range.lowerBound, max: range.upperBound), defaultValue: String(value), help: help)
    }

    public static func boolean(_ name: String, default value: Bool, help: String) -> ParameterSpec {
        ParameterSpec(name: name, kind: .boolean, defaultValue: String(value), help: help)
    }

    public static func choice(_ name: String, _ choices: [String], default value: String, help: String) -> ParameterSpec {
        ParameterSpec(name: name, kind: .choice(choices), defaultValue: value, help: help)
    }

    /// The parameters every scenario takes. The host uses `noise-*` to keep a realistic heap:
    /// each iteration it replaces `noise-per-iteration` of `noise-live` live buffers with new ones
    /// of random size, so allocations come and go around the workload without growing.
    public static let standard: [ParameterSpec] = [
        .integer("seed", default: 42, range: 0...Int(Int32.max), help: "seed for sizes, keys and noise"),
        .integer("noise-live", default: 64, range: 0...100_000, help: "background buffers kept alive (freed and replaced, never grown)"),
        .integer("noise-per-iteration", default: 2, range: 0...10_000, help: "background buffers replaced per iteration"),
        .integer("noise-max-bytes", default: 1_024, range: 16...16 << 20, help: "largest background buffer"),
    ]

    /// Checks one value against this spec; returns the value in canonical form.
    public func validate(_ text: String) throws(ParameterError) -> String {
        switch kind {
        case .integer(let min, let max):
            guard let value = Int(String(text.filter { $0 != "_" })) else {
                throw ParameterError(name: name, message: "'\(text)' is not an integer")
            }
            guard value >= min, value <= max else {
                throw ParameterError(name: name, message: "\(value) is outside \(min)...\(max)")
            }
            return String(value)
        case .boolean:
            switch text.lowercased() {
            case "true", "yes", "1", "on": return "true"
            case "false", "no", "0", "off": return "false"
            default: throw ParameterError(name: name, message: "'\(text)' is not true or false")
            }
        case .choice(let choices):
            guard choices.contains(text) else {
                throw ParameterError(name: name, message: "'\(text)' is not one of \(choices.joined(separator: ", "))")
            }
            return text
        }
    }

    /// The valid values, for help text: `1...64`, `true|false`, `lru|ttl`.
    public var valuesDescription: String {
        switch kind {
        case .integer(let min, let max): return "\(min)...\(max)"
        case .boolean: return "true|false"
        case .choice(let choices): return choices.joined(separator: "|")
        }
    }
}

/// A parameter the user named or set wrongly.
public struct ParameterError: Error, Sendable, Equatable, CustomStringConvertible {
    public var name: String
    public var message: String
    public init(name: String, message: String) {
        self.name = name
        self.message = message
    }
    public var description: String { "parameter '\(name)': \(message)" }
}

/// Validated parameter values for one run: every spec has a value, its default unless set.
public struct ParameterValues: Sendable, Codable, Equatable {
    /// Canonical text of each value, by parameter name.
    public private(set) var values: [String: String]

    /// Validates `overrides` against `specs`; unknown names and invalid values throw.
    public init(specs: [ParameterSpec], overrides: [String: String] = [:]) throws(ParameterError) {
        var values: [String: String] = [:]
        for spec in specs { values[spec.name] = spec.defaultValue }
        for (name, text) in overrides.sorted(by: { $0.key < $1.key }) {
            guard let spec = specs.first(where: { $0.name == name }) else {
                let known = specs.map(\.name).sorted().joined(separator: ", ")
                throw ParameterError(name: name, message: "unknown parameter; this scenario takes: \(known)")
            }
            values[name] = try spec.validate(text)
        }
        self.values = values
    }

    /// The integer value of a parameter this scenario declared. Traps on a name it did not declare:
    /// that is a bug in the plugin, caught the first time the variant runs.
    public func integer(_ name: String) -> Int {
        guard let text = values[name], let value = Int(text) else {
            preconditionFailure("LeakLabKit: integer parameter '\(name)' was not declared by this scenario")
        }
        return value
    }

    public func boolean(_ name: String) -> Bool {
        guard let text = values[name] else {
            preconditionFailure("LeakLabKit: boolean parameter '\(name)' was not declared by this scenario")
        }
        return text == "true"
    }

    public func string(_ name: String) -> String {
        guard let text = values[name] else {
            preconditionFailure("LeakLabKit: parameter '\(name)' was not declared by this scenario")
        }
        return text
    }
}
