import Foundation

/// The process's open file descriptors, counted from `/proc/self/fd` (Linux): the kernels' own fd
/// measure, independent of the lab's sampler. The listing may include the descriptor it reads the
/// directory with, so compare two counts rather than reading one. Nil where `/proc` cannot be read.
enum OpenDescriptors {
    static func count() -> Int? {
        (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd"))?.count
    }
}
