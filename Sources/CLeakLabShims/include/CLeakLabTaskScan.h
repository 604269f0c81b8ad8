#ifndef CLEAKLAB_TASK_SCAN_H
#define CLEAKLAB_TASK_SCAN_H
#include <stddef.h>
#include <stdint.h>

/// Counting and locating the live Swift tasks of the calling process (Swift 6.3 runtime on Linux,
/// 64-bit, task layout version 1), by scanning its own anonymous and `[heap]` mappings for
/// objects whose first word is the AsyncTask metadata pointer. See docs/task-census.md.
///
/// Everything the scanner uses lives in one mmap'd region made at creation: a scan calls no
/// malloc, and the region is left out of what is scanned. Memory is read with
/// process_vm_readv on the process itself (so a page unmapped by another thread mid-scan is an
/// error return, not a SIGSEGV); only resident pages are read (mincore).

/// At most this many resume points are kept per task, innermost first.
#define LEAKLAB_TASK_MAX_FRAMES 12

/// Task states, from the ActiveTaskStatus flags.
enum {
    LEAKLAB_TASK_SUSPENDED = 0,
    LEAKLAB_TASK_ENQUEUED = 1,
    LEAKLAB_TASK_RUNNING = 2,
};

/// One group of live tasks that share state, cancellation and resume-point chain.
typedef struct {
    uint64_t count;
    uint32_t state;      /// LEAKLAB_TASK_*
    uint32_t cancelled;  /// 1 when the task's cancelled flag is set
    uint32_t frameCount;
    uint32_t reserved;
    uintptr_t frames[LEAKLAB_TASK_MAX_FRAMES];  /// code addresses, innermost first
    uint64_t hash;
} leaklab_task_group;

typedef struct leaklab_task_scanner leaklab_task_scanner;

/// Makes a scanner able to hold `taskCapacity` tasks for a census (counting has no limit).
/// Returns NULL, with the reason in `why`, when the runtime lacks the debug symbols, its layout
/// version is not 1, its task size is not 208, or memory cannot be mapped.
leaklab_task_scanner *leaklab_task_scanner_create(size_t taskCapacity, char *why, size_t whyLength);

/// Counts live (not completed) tasks. Returns the count, or -1 when /proc/self/maps cannot be
/// read. `completed` receives completed tasks still referenced (not in the count), may be NULL.
long leaklab_task_count(leaklab_task_scanner *scanner, long *completed);

/// Counts live tasks and groups them by state, cancellation and resume-point chain. Returns the
/// count (or -1); `groups()` / `group_count()` then give the groups, largest first. Tasks past
/// the capacity are counted but not grouped (`ungrouped`).
long leaklab_task_census(leaklab_task_scanner *scanner, long *completed, long *ungrouped);
const leaklab_task_group *leaklab_task_groups(const leaklab_task_scanner *scanner);
size_t leaklab_task_group_count(const leaklab_task_scanner *scanner);

/// The file-backed mapping that holds `address`: its path (inside the scanner's copy of
/// /proc/self/maps, valid until the next scan, not NUL-terminated) and the file offset of
/// `address`. Returns 0, or -1 when no file mapping holds it.
int leaklab_task_locate(const leaklab_task_scanner *scanner, uintptr_t address,
                        const char **path, size_t *pathLength, uint64_t *fileOffset);

/// Whether process_vm_readv works on this process (1) or reads fall back to copies guarded by
/// the parsed mapping bounds (0).
int leaklab_task_scanner_uses_vm_readv(const leaklab_task_scanner *scanner);

/// `swift_demangle` from libswiftCore (looked up with dlsym): writes the demangled form of
/// `mangled` (NUL-terminated) into `output`. Returns 0, or -1 when it is not a Swift symbol.
int leaklab_swift_demangle(const char *mangled, char *output, size_t outputSize);

#endif
