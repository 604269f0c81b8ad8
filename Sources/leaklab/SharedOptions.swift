import ArgumentParser
import Foundation
import LeakLabModel
import LeakLabReports
import LeakLabRunner

/// The budgets every child runs under. Shared by every command that runs children, so each
/// refuses the same bad values with the same message.
struct BudgetOptions: ParsableArguments {
    // `.unconditional` here and below: `--fd-budget -3` reaches validate() and its message, not "Missing value".
    @Option(parsing: .unconditional, help: ArgumentHelp("Memory budget per child: RSS above it stops the run (e.g. 512MiB, 2GiB).", valueName: "size"))
    var memoryBudget: String = "2GiB"

    @Option(parsing: .unconditional, help: "Open-files budget per child (RLIMIT_NOFILE).")
    var fdBudget: Int = Budgets.default.openFiles

    @Option(parsing: .unconditional, help: ArgumentHelp("Wall-time budget per child, seconds.", valueName: "seconds"))
    var timeBudget: Double = Budgets.default.wallSeconds

    func validate() throws {
        _ = try budgets()
    }

    /// The least memory budget accepted: a child holds ~25–30 MiB of runtime and libraries
    /// (RSS at set-up) before its workload starts, so a smaller budget stops every run at once.
    static let minimumMemoryBudget = 32 << 20
    /// A child needs ~0.1 s to start its runtime and load its plugin; a shorter budget stops it first.
    static let minimumTimeBudget = 0.5

    /// The budgets, checked: a memory budget of 0 (or less) would stop every child before it ran.
    func budgets() throws -> Budgets {
        guard let memory = ByteSize.parse(memoryBudget) else {
            throw ValidationError(
                "--memory-budget: '\(memoryBudget)' is not a size this machine can address; give one such as 512MiB, 2GiB or 1TiB")
        }
        guard memory > 0 else {
            throw ValidationError(
                "--memory-budget must be more than 0 (got '\(memoryBudget)'): every child would be stopped before it ran; give a size such as 512MiB or 2GiB")
        }
        guard memory >= Self.minimumMemoryBudget else {
            throw ValidationError(
                "--memory-budget \(memoryBudget) is less than a child needs to start (~30 MiB of runtime and libraries): every run would be stopped at once; give at least \(Format.bytes(Self.minimumMemoryBudget)), e.g. 512MiB"
            )
        }
        guard fdBudget >= 16 else { throw ValidationError("--fd-budget must be at least 16 (got \(fdBudget))") }
        guard timeBudget.isFinite, timeBudget >= Self.minimumTimeBudget else {
            throw ValidationError(
                "--time-budget \(timeBudget) is not a number of seconds a child can run in: give at least \(Format.rate(Self.minimumTimeBudget)) s (a child takes ~0.1 s to start), e.g. 120"
            )
        }
        return Budgets(memoryBytes: memory, openFiles: fdBudget, wallSeconds: timeBudget)
    }
}

/// How long each run is and at which parameter point: the same for one run, an audit, a validate
/// matrix or an allocator comparison, so a detector can be validated at another run length and a
/// truth audited at another parameter point.
struct RunShapeOptions: ParsableArguments {
    // `.unconditional`: `--iterations -5` reaches validate() and its message, not "Missing value".
    @Option(parsing: .unconditional, help: "Workload iterations (default: the scenario's, the count its truth was declared for).")
    var iterations: Int?

    @Option(name: .customLong("warm-up"), parsing: .unconditional, help: "Warm-up iterations, not measured (default: the scenario's).")
    var warmUp: Int?

    @Option(name: .customLong("param"), help: ArgumentHelp("A scenario parameter (repeatable); `leaklab list` shows each scenario's.", valueName: "k=v"))
    var parameters: [String] = []

    @Option(
        name: .customLong("settle-ms"), parsing: .unconditional,
        help:
            "The longest the settle phase lasts, milliseconds: the time the code and the allocator get to give back what they should (a run's settle ends sooner, after at least 20 ms, once the heap, fds and threads stop changing)."
    )
    var settleMillis: Int = 300

    func validate() throws {
        _ = try parsedParameters()
        if let iterations, iterations < 2 { throw ValidationError("--iterations must be at least 2 (got \(iterations))") }
        if let warmUp, warmUp < 0 { throw ValidationError("--warm-up must be 0 or more (got \(warmUp))") }
        if settleMillis < 0 { throw ValidationError("--settle-ms must be 0 or more (got \(settleMillis))") }
    }

    /// `--param k=v` items as a dictionary.
    func parsedParameters() throws -> [String: String] {
        var result: [String: String] = [:]
        for item in parameters {
            guard let equals = item.firstIndex(of: "="), equals != item.startIndex else {
                throw ValidationError("--param expects k=v, got '\(item)'")
            }
            result[String(item[..<equals])] = String(item[item.index(after: equals)...])
        }
        return result
    }
}

/// How many children a campaign runs at once.
struct MatrixOptions: ParsableArguments {
    @Option(parsing: .unconditional, help: "Children run at once.")
    var jobs: Int = 2

    func validate() throws {
        guard jobs >= 1 else { throw ValidationError("--jobs must be at least 1") }
    }
}

/// What a command prints on stderr while it works.
struct OutputOptions: ParsableArguments {
    @Flag(help: "No progress on stderr.")
    var quiet = false
}

/// `--allocators a,b,…`: every name an allocator, none empty, at least one.
enum AllocatorList {
    static func parse(_ text: String) throws -> [AllocatorName] {
        let names = text.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        guard !names.allSatisfy(\.isEmpty) else {
            throw ValidationError("--allocators names none; give one or more of \(AllocatorName.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return try names.map { name in
            guard !name.isEmpty else {
                throw ValidationError("--allocators '\(text)' has an empty name; separate the names with single commas, e.g. jemalloc,glibc")
            }
            guard let allocator = AllocatorName(rawValue: name) else {
                throw ValidationError("unknown allocator '\(name)'; choose from \(AllocatorName.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            return allocator
        }
    }
}

/// Where a report will be written, checked before any child runs, so a campaign's results are
/// not lost at the end to a path that cannot take them.
enum ReportPath {
    /// - Throws: `ValidationError` when `path` is empty or a directory, or a file cannot be
    ///   created beside it (the report is written to a temporary file there and renamed: a
    ///   missing or read-only directory, `/proc`), or it exists and is not writable. A device or
    ///   FIFO (`/dev/stdout`) is written through and must only be writable; a symbolic link is
    ///   judged by its target (``ReportFile``).
    static func check(_ path: String?, option: String) throws {
        guard let path else { return }
        guard !path.isEmpty else { throw ValidationError("\(option) needs a file name (got an empty one)") }
        let files = FileManager.default
        switch ReportFile.kind(of: path) {
        case .directory:
            let example = "report." + (option == "--junit" ? "xml" : option == "--html" ? "html" : "json")
            throw ValidationError(
                "\(option) \(path) is a directory; give a file to write, e.g. \(option) \((path as NSString).appendingPathComponent(example))")
        case .special(let what):
            guard files.isWritableFile(atPath: path) else { throw ValidationError("\(option) \(path) is \(what) that is not writable") }
            return
        case .regular:
            guard files.isWritableFile(atPath: path) else { throw ValidationError("\(option) \(path): the file is not writable") }
        case .missing:
            break
        }
        let target = ReportFile.target(of: path)
        let parent = (target as NSString).deletingLastPathComponent
        let directory = parent.isEmpty ? "." : parent
        var isDirectory: ObjCBool = false
        guard files.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw ValidationError("\(option) \(path): the directory \(directory) does not exist; create it first")
        }
        guard files.isWritableFile(atPath: directory) else { throw ValidationError("\(option) \(path): the directory \(directory) is not writable") }
        // A file created and removed again: only creating one tells (root may "write" to /proc,
        // and cannot create a file there).
        let probe = (directory as NSString).appendingPathComponent(".leaklab-write-check-\(getpid())")
        guard files.createFile(atPath: probe, contents: nil) else {
            throw ValidationError(
                "\(option) \(path): cannot create a file in \(directory) (reports are written to a new file there and renamed into place); choose another directory"
            )
        }
        try? files.removeItem(atPath: probe)
    }

    /// An input file (a baseline, a shard's JSON) that must exist and be a readable file.
    static func checkInput(_ path: String, option: String) throws {
        guard !path.isEmpty else { throw ValidationError("\(option) needs a file name (got an empty one)") }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw ValidationError("\(option) \(path): no such file")
        }
        guard !isDirectory.boolValue else { throw ValidationError("\(option) \(path) is a directory; give the file") }
        guard FileManager.default.isReadableFile(atPath: path) else { throw ValidationError("\(option) \(path): the file is not readable") }
    }
}
