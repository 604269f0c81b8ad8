import LeakLabKit
import LeakLabModel

/// `channels`: every exact channel the run measures, each judged on what it never gave back.
public struct ChannelsDetector: BuiltInDetector {
    public static let name = "channels"
    public static let summary = """
        Judges each channel the run measures — live heap objects (mallocs − frees), heap bytes \
        (`allocated`), open fds, threads, and resident memory outside the heap (RSS − jemalloc \
        `resident`, or RSS − `allocated`) — on its floor: the least value seen from each workload \
        sample to the end of the run, settle included. A channel leaks when its floor rises by \
        more than an absolute minimum and 4× the run's own noise (robust σ of the residuals \
        around its Theil–Sen line), the second half of the workload adds ≥ 30 % of that rise and \
        the last quarter ≥ 10 %, and Mann–Kendall says the series increases. So a sawtooth is \
        judged by its troughs, a plateau stops rising and memory given back in settle pulls the \
        floor down; the note says which rule decided, per channel. Known to fail: a bound that \
        fills at a steady pace until the very end of the workload looks like a leak; growth like \
        log n adds too little late and is called a plateau; a leak under its floor (128 objects, \
        8 KiB, 3 fds or threads, 1 MiB outside the heap over the workload) is missed.
        """

    /// The minimum rise per channel, in its unit, over the workload.
    /// Live objects: runtime caches (libdispatch, the concurrency runtime) fill by up to ~100.
    public var objectsFloor = 128.0
    public var bytesFloor = 8.0 * 1024
    public var countFloor = 3.0
    public var nonHeapFloor = 1024.0 * 1024

    public init() {}

    public func assess(_ trace: Trace) -> DetectorVerdict {
        guard trace.workloadItemsDone > 0 else { return .failed(Self.name, "no workload samples") }
        var findings: [EnvelopeAnalysis.Finding] = []
        func judge(_ name: String, _ floor: Double, _ value: (Sample) -> Double?) {
            var window = trace.workloadSamples
            if let baseline = trace.samples.last(where: { $0.phase < .workload && value($0) != nil }) {
                window.insert(baseline, at: 0)
            }
            let series = window.compactMap { sample in value(sample).map { (x: Double(sample.iteration), y: $0) } }
            let settle = trace.settleSamples.compactMap(value)
            if let finding = EnvelopeAnalysis(floor: floor).analyze(name, workload: series, settle: settle) {
                findings.append(finding)
            }
        }
        judge(Metric.liveObjects.rawValue, objectsFloor) { $0.liveObjects.map(Double.init) }
        judge(Metric.allocated.rawValue, bytesFloor) { $0.allocated.map(Double.init) }
        judge(Metric.fds.rawValue, countFloor) { $0.fds.map(Double.init) }
        judge(Metric.threads.rawValue, countFloor) { $0.threads.map(Double.init) }
        judge("nonHeap", nonHeapFloor) { sample in
            guard let rss = sample.rss, let heap = sample.resident ?? sample.allocated else { return nil }
            return Double(rss - heap)
        }
        guard !findings.isEmpty else { return .failed(Self.name, "too few workload samples (need 8 with a channel)") }
        let leaks = findings.filter(\.leak)
        let leak = !leaks.isEmpty
        var rates: [String: Double] = [:]
        for finding in findings where finding.metric == Metric.fds.rawValue || finding.metric == Metric.threads.rawValue {
            rates[finding.metric] = finding.rise / finding.span
        }
        let bytes = findings.first { $0.metric == Metric.allocated.rawValue }
        let nonHeap = findings.first { $0.metric == "nonHeap" }
        // The rate: heap bytes when the heap leaks (or nothing else does), else memory outside it.
        let rate = (nonHeap?.leak == true && bytes?.leak != true ? nonHeap : bytes).map { $0.leak ? $0.rise / $0.span : $0.slope }
        let decided = leak ? leaks.map(\.metric).joined(separator: ", ") : "no channel"
        return DetectorVerdict(
            detector: Self.name, leak: leak, ratePerIteration: rate, resourceRates: rates.isEmpty ? nil : rates,
            confidence: leak ? min(0.99, 0.6 + 0.1 * Double(leaks.count)) : 0.85,
            note: "decided by: \(decided); " + findings.map { "\($0.metric): \($0.rule)" }.joined(separator: "; "))
    }
}
