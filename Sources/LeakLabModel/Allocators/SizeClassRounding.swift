/// How far another allocator's count of a leak may lie from the jemalloc count its truth declares.
///
/// Truths are declared as jemalloc counts bytes: each block rounded up to its size class, the
/// classes 16 B apart up to 128 B and then four per doubling (so up to 25 % above the request).
/// The same blocks counted by another allocator differ by its own rounding:
/// - glibc counts chunks (`uordblks`): the request plus an 8 B header, rounded up to 16 B, at least
///   32 B. Up to 24 B more per block than jemalloc (an 8 B request: 32 B against 8 B), and up to
///   20 % less where jemalloc's class rounds a large block up by 25 % (80 KiB for 65.6 KiB).
/// - tcmalloc's classes are finer than jemalloc's above 128 B (12.5 % apart) and equal below:
///   up to 20 % less; 16 B more per block is allowed for the classes the two place differently.
/// - jemalloc and mimalloc (which keeps no byte counts) need no band.
///
/// Each allocator's band is its ``AllocatorTraits/sizeClassBand``.
///
/// Measured over the catalogue (`compare-allocators`, glibc with its cache off): glibc +16 B on
/// `retain-cycle/strong-self` (48 B declared), +17.7 on a 64 B block, −20 % on an 80 KiB slice;
/// tcmalloc −7.6 % on a 848 B thread stack record.
public enum SizeClassRounding {
    /// The allowance, in bytes per iteration, below and above a declared byte rate.
    /// - Parameters:
    ///   - bytes: the declared bytes per iteration (jemalloc's count).
    ///   - objects: the declared blocks per iteration.
    ///   - allocator: the allocator that counted.
    public static func band(bytes: Double, objects: Double, countedBy allocator: AllocatorName) -> (below: Double, above: Double) {
        let blocks = max(0, objects.rounded(.up))
        let band = allocator.traits.sizeClassBand
        return (band.belowShare * abs(bytes), band.abovePerBlock * blocks)
    }
}
