// The task scanner declared in CLeakLabTaskScan.h.
//
// AsyncTask layout, x86_64 / arm64 Linux, Swift 6.3 (include/swift/ABI/Task.h,
// stdlib/public/Concurrency/TaskPrivate.h, `_swift_concurrency_debug_internal_layout_version` 1):
//   0   HeapObject metadata        8   refcount word
//   16  Job::SchedulerPrivate[2]   32  Job::Flags (uint32: kind in bits 0-7, Task = 0)
//   36  Job::Id                    40  Voucher, 48 Reserved
//   56  ResumeTask                 64  ResumeContext (AsyncContext *), 72 Reserved64
//   80  PrivateStorage: ExclusivityAccessSet[2] (16 bytes), then ActiveTaskStatus at 96:
//       uint32 Flags (0x100 cancelled, 0x800 running — Linux has no priority-escalation
//       drain lock —, 0x1000 enqueued, 0x2000 complete), uint32 unused, TaskStatusRecord *.
//   sizeof(AsyncTask) = 208. AsyncContext: Parent at 0, ResumeParent at 8.
#define _GNU_SOURCE
#include "CLeakLabTaskScan.h"
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/uio.h>
#include <time.h>
#include <stdlib.h>
#include <unistd.h>

enum {
    TASK_REFCOUNT = 8,
    TASK_FLAGS = 32,
    TASK_RESUME = 56,
    TASK_CONTEXT = 64,
    TASK_STATUS = 96,
    TASK_READ = 112,  // the bytes of a task the scanner looks at
    STATUS_CANCELLED = 0x100,
    STATUS_RUNNING = 0x800,
    STATUS_ENQUEUED = 0x1000,
    STATUS_COMPLETE = 0x2000,
};

#define MAPPING_READ 1u
#define MAPPING_WRITE 2u
#define MAPPING_EXEC 4u
#define MAPPING_SCAN 8u
#define MAPPING_FILE 16u

typedef struct {
    uintptr_t start, end;
    uint64_t offset;
    uint32_t flags;
    uint32_t pathStart, pathLength;
} mapping;

typedef struct {
    uintptr_t context;  // the next AsyncContext to read, 0 when the chain ended
    uint32_t state, cancelled, frameCount;
    uintptr_t frames[LEAKLAB_TASK_MAX_FRAMES];
} task_record;

struct leaklab_task_scanner {
    uintptr_t metadata;
    pid_t pid;
    int vmReadv;
    uint8_t *region;
    size_t regionSize;
    char *maps;
    size_t mapsCapacity, mapsLength;
    mapping *mappings;
    size_t mappingCapacity, mappingCount;
    uint8_t *chunk;
    size_t chunkSize;
    size_t chunkUsed;  // bytes of chunk written since it was last cleared
    unsigned char *resident;
    task_record *records;
    size_t recordCapacity, recordCount;
    leaklab_task_group *groups;
    size_t groupCapacity, groupCount;
    uint32_t *slots;  // open-addressing table of group indexes + 1
    size_t slotCount;
    uintptr_t *cacheTags;  // page address held by each page-cache slot (0: empty; 1: written, no page)
    uint8_t *cachePages;   // PAGE_CACHE pages of copied memory
};

static const size_t CHUNK = 1u << 20;
/// How much address space one mincore call covers: large, because a mapping an allocator
/// reserves is mostly not resident (jemalloc's ~140 MiB for a few MiB in use), and one call per
/// CHUNK cost more in system calls than the walk itself.
static const size_t RESIDENT_SPAN = 64u << 20;
static const size_t MAPS_CAPACITY = 4u << 20;
static const size_t MAPPING_CAPACITY = 1u << 16;
static const size_t GROUP_CAPACITY = 4096;
static const size_t PAGE_CACHE = 512;
static const size_t CACHE_PAGE = 4096;

static void say(char *why, size_t length, const char *text) {
    if (why && length) {
        strncpy(why, text, length - 1);
        why[length - 1] = 0;
    }
}

static size_t align_up(size_t value, size_t alignment) { return (value + alignment - 1) & ~(alignment - 1); }

leaklab_task_scanner *leaklab_task_scanner_create(size_t taskCapacity, char *why, size_t whyLength) {
    const void *const *metadata = dlsym(RTLD_DEFAULT, "_swift_concurrency_debug_asyncTaskMetadata");
    const unsigned *version = dlsym(RTLD_DEFAULT, "_swift_concurrency_debug_internal_layout_version");
    const size_t *size = dlsym(RTLD_DEFAULT, "_swift_concurrency_debug_asyncTaskSize");
    if (dlsym(RTLD_DEFAULT, "__asan_init") || dlsym(RTLD_DEFAULT, "__tsan_init")) {
        // Sanitizer shadow memory is terabytes of anonymous read-write mappings: no scan.
        say(why, whyLength, "not under a sanitizer (its shadow memory is too large to scan)");
        return NULL;
    }
    if (!metadata || !version || !size) {
        say(why, whyLength, "the Swift concurrency runtime exports no task debug symbols");
        return NULL;
    }
    if (*version != 1 || *size != 208 || sizeof(void *) != 8) {
        say(why, whyLength, "unknown AsyncTask layout (expects layout version 1, 208-byte tasks, 64-bit)");
        return NULL;
    }
    size_t page = (size_t)sysconf(_SC_PAGESIZE);
    size_t offsets[11];
    size_t total = 0;
    size_t sizes[11] = {
        sizeof(struct leaklab_task_scanner), MAPS_CAPACITY, MAPPING_CAPACITY * sizeof(mapping), CHUNK,
        RESIDENT_SPAN / page + 1, taskCapacity * sizeof(task_record), GROUP_CAPACITY * sizeof(leaklab_task_group),
        GROUP_CAPACITY * 2 * sizeof(uint32_t), PAGE_CACHE * sizeof(uintptr_t), PAGE_CACHE * CACHE_PAGE, 64,
    };
    for (int i = 0; i < 11; i++) {
        offsets[i] = total;
        total = align_up(total + sizes[i], 64);
    }
    total = align_up(total, page);
    uint8_t *region = mmap(NULL, total, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (region == MAP_FAILED) {
        say(why, whyLength, "cannot map the scanner's memory");
        return NULL;
    }
    struct leaklab_task_scanner *s = (struct leaklab_task_scanner *)region;
    s->metadata = (uintptr_t)*metadata;
    s->pid = getpid();
    s->region = region;
    s->regionSize = total;
    s->maps = (char *)(region + offsets[1]);
    s->mapsCapacity = MAPS_CAPACITY;
    s->mappings = (mapping *)(region + offsets[2]);
    s->mappingCapacity = MAPPING_CAPACITY;
    s->chunk = region + offsets[3];
    s->chunkSize = CHUNK;
    s->resident = region + offsets[4];
    s->records = (task_record *)(region + offsets[5]);
    s->recordCapacity = taskCapacity;
    s->groups = (leaklab_task_group *)(region + offsets[6]);
    s->groupCapacity = GROUP_CAPACITY;
    s->slots = (uint32_t *)(region + offsets[7]);
    s->slotCount = GROUP_CAPACITY * 2;
    s->cacheTags = (uintptr_t *)(region + offsets[8]);
    s->cachePages = region + offsets[9];
    // Does process_vm_readv work on ourselves? (A seccomp filter may forbid it.)
    uintptr_t probe = 0x5a5a, copy = 0;
    struct iovec local = {&copy, sizeof copy}, remote = {&probe, sizeof probe};
    s->vmReadv = process_vm_readv(s->pid, &local, 1, &remote, 1, 0) == (ssize_t)sizeof copy && copy == probe;
    return s;
}

int leaklab_task_scanner_uses_vm_readv(const leaklab_task_scanner *s) { return s->vmReadv; }

// ---- /proc/self/maps ------------------------------------------------------------------------

static uint64_t parse_hex(const char **cursor, const char *end) {
    uint64_t value = 0;
    const char *p = *cursor;
    while (p < end) {
        char c = *p;
        unsigned digit;
        if (c >= '0' && c <= '9') digit = (unsigned)(c - '0');
        else if (c >= 'a' && c <= 'f') digit = (unsigned)(c - 'a' + 10);
        else break;
        value = value * 16 + digit;
        p++;
    }
    *cursor = p;
    return value;
}

static void skip_field(const char **cursor, const char *end) {
    const char *p = *cursor;
    while (p < end && *p != ' ') p++;
    while (p < end && *p == ' ') p++;
    *cursor = p;
}

/// Reads and parses /proc/self/maps into the scanner. Returns 0, or -1.
static int read_maps(struct leaklab_task_scanner *s) {
    int fd = open("/proc/self/maps", O_RDONLY | O_CLOEXEC);
    if (fd < 0) return -1;
    size_t length = 0;
    for (;;) {
        if (length == s->mapsCapacity) break;  // truncated: the rest is not scanned
        ssize_t got = read(fd, s->maps + length, s->mapsCapacity - length);
        if (got < 0) {
            if (errno == EINTR) continue;
            close(fd);
            return -1;
        }
        if (got == 0) break;
        length += (size_t)got;
    }
    close(fd);
    s->mapsLength = length;
    s->mappingCount = 0;
    const char *p = s->maps, *end = s->maps + length;
    while (p < end && s->mappingCount < s->mappingCapacity) {
        const char *lineEnd = memchr(p, '\n', (size_t)(end - p));
        if (!lineEnd) lineEnd = end;
        mapping m = {0};
        m.start = (uintptr_t)parse_hex(&p, lineEnd);
        if (p < lineEnd && *p == '-') p++;
        m.end = (uintptr_t)parse_hex(&p, lineEnd);
        while (p < lineEnd && *p == ' ') p++;
        if (lineEnd - p >= 4) {
            if (p[0] == 'r') m.flags |= MAPPING_READ;
            if (p[1] == 'w') m.flags |= MAPPING_WRITE;
            if (p[2] == 'x') m.flags |= MAPPING_EXEC;
        }
        skip_field(&p, lineEnd);
        m.offset = parse_hex(&p, lineEnd);
        skip_field(&p, lineEnd);  // offset's trailing spaces
        skip_field(&p, lineEnd);  // device
        const char *inodeStart = p;
        uint64_t inode = 0;
        while (p < lineEnd && *p >= '0' && *p <= '9') inode = inode * 10 + (uint64_t)(*p++ - '0');
        (void)inodeStart;
        while (p < lineEnd && *p == ' ') p++;
        m.pathStart = (uint32_t)(p - s->maps);
        m.pathLength = (uint32_t)(lineEnd - p);
        int isHeap = m.pathLength == 6 && memcmp(p, "[heap]", 6) == 0;
        if (inode != 0 && m.pathLength > 0 && p[0] == '/') m.flags |= MAPPING_FILE;
        int anonymous = inode == 0 && (m.pathLength == 0 || isHeap);
        if (anonymous && (m.flags & (MAPPING_READ | MAPPING_WRITE)) == (MAPPING_READ | MAPPING_WRITE))
            m.flags |= MAPPING_SCAN;
        s->mappings[s->mappingCount++] = m;
        p = lineEnd + 1;
    }
    return 0;
}

/// The mapping holding [address, address + length), or NULL (binary search: maps is sorted).
static const mapping *find_mapping(const struct leaklab_task_scanner *s, uintptr_t address, size_t length) {
    size_t low = 0, high = s->mappingCount;
    while (low < high) {
        size_t mid = (low + high) / 2;
        const mapping *m = &s->mappings[mid];
        if (address < m->start) high = mid;
        else if (address >= m->end) low = mid + 1;
        else return address + length <= m->end ? m : NULL;
    }
    return NULL;
}

static int is_code(const struct leaklab_task_scanner *s, uintptr_t address) {
    const mapping *m = find_mapping(s, address, 1);
    return m && (m->flags & MAPPING_EXEC);
}

static int is_readable(const struct leaklab_task_scanner *s, uintptr_t address, size_t length) {
    if (address == 0 || (address & 7)) return 0;
    const mapping *m = find_mapping(s, address, length);
    return m && (m->flags & MAPPING_READ);
}

/// Copies `length` bytes at `address` (which must lie inside a parsed readable mapping).
static int copy_in(const struct leaklab_task_scanner *s, uintptr_t address, void *into, size_t length) {
    if (!is_readable(s, address, length)) return -1;
    if (s->vmReadv) {
        struct iovec local = {into, length}, remote = {(void *)address, length};
        return process_vm_readv(s->pid, &local, 1, &remote, 1, 0) == (ssize_t)length ? 0 : -1;
    }
    memcpy(into, (const void *)address, length);
    return 0;
}

// ---- the scan -------------------------------------------------------------------------------

typedef struct {
    long live, completed, ungrouped;
    int wantRecords;
} scan_totals;

static void consider(struct leaklab_task_scanner *s, const uint8_t *task, scan_totals *totals) {
    uint64_t refcount = *(const uint64_t *)(task + TASK_REFCOUNT);
    // A live, ordinarily allocated task: unowned count 1 and PureSwiftDealloc, not deiniting.
    // Freed tasks keep their metadata word but not this; async-let children (immortal refcount,
    // inside the parent's allocation) fail it too and are counted through their parent.
    if ((refcount & 0x1FFFFFFFFull) != 3) return;
    uint32_t flags = *(const uint32_t *)(task + TASK_FLAGS);
    if ((flags & 0xFF) != 0) return;  // JobKind::Task
    uintptr_t resume = *(const uintptr_t *)(task + TASK_RESUME);
    uintptr_t context = *(const uintptr_t *)(task + TASK_CONTEXT);
    if (!is_code(s, resume) || !is_readable(s, context, 16)) return;
    uint32_t status = *(const uint32_t *)(task + TASK_STATUS);
    if (status & STATUS_COMPLETE) {
        totals->completed++;
        return;
    }
    totals->live++;
    if (!totals->wantRecords) return;
    if (s->recordCount == s->recordCapacity) {
        totals->ungrouped++;
        return;
    }
    task_record *r = &s->records[s->recordCount++];
    r->state = (status & STATUS_RUNNING) ? LEAKLAB_TASK_RUNNING
             : (status & STATUS_ENQUEUED) ? LEAKLAB_TASK_ENQUEUED : LEAKLAB_TASK_SUSPENDED;
    r->cancelled = (status & STATUS_CANCELLED) != 0;
    r->frames[0] = resume;
    r->frameCount = 1;
    r->context = context;
}

/// Scans `length` bytes copied from `base` (into `copy`) for tasks.
static void scan_run(struct leaklab_task_scanner *s, uintptr_t base, const uint8_t *copy, size_t length,
                     scan_totals *totals) {
    const uintptr_t metadata = s->metadata;
    uint8_t straddling[TASK_READ];
    for (size_t offset = 0; offset + 16 <= length; offset += 16) {
        if (*(const uintptr_t *)(copy + offset) != metadata) continue;
        if (offset + TASK_READ <= length) {
            consider(s, copy + offset, totals);
        } else if (copy_in(s, base + offset, straddling, TASK_READ) == 0) {
            consider(s, straddling, totals);
        }
    }
}

/// Scans the resident pages of [at, at + length), `length` at most RESIDENT_SPAN; false when
/// mincore fails (part of the range is no longer mapped).
static int scan_span(struct leaklab_task_scanner *s, uintptr_t at, size_t length, size_t page, scan_totals *totals) {
    const size_t chunkPages = s->chunkSize / page;
    size_t pages = length / page;
    if (mincore((void *)at, length, s->resident) != 0) return 0;
    size_t first = 0;
    while (first < pages) {
        if (!(s->resident[first] & 1)) {
            first++;
            continue;
        }
        size_t last = first;
        while (last < pages && last - first < chunkPages && (s->resident[last] & 1)) last++;
        uintptr_t runStart = at + first * page;
        size_t runLength = (last - first) * page;
        uint8_t *copy = s->chunk;
        if (runLength > s->chunkUsed) s->chunkUsed = runLength;
        int copied;
        if (s->vmReadv) {
            struct iovec local = {copy, runLength}, remote = {(void *)runStart, runLength};
            copied = process_vm_readv(s->pid, &local, 1, &remote, 1, 0) == (ssize_t)runLength;
        } else {
            memcpy(copy, (const void *)runStart, runLength);
            copied = 1;
        }
        if (copied) scan_run(s, runStart, copy, runLength, totals);
        first = last;
    }
    return 1;
}

/// Scans [start, end): the resident pages only (mincore), copied with process_vm_readv in runs
/// of at most one chunk. A span that mincore refuses (a scenario thread unmapped or trimmed part
/// of it since /proc/self/maps was read) is scanned again chunk by chunk, so a hole costs the
/// chunk it is in, not the whole span.
static void scan_range(struct leaklab_task_scanner *s, uintptr_t start, uintptr_t end, size_t page,
                       scan_totals *totals) {
    for (uintptr_t at = start; at < end; at += RESIDENT_SPAN) {
        size_t length = end - at < RESIDENT_SPAN ? end - at : RESIDENT_SPAN;
        if (scan_span(s, at, length, page, totals)) continue;
        for (uintptr_t piece = at; piece < at + length; piece += s->chunkSize) {
            size_t pieceLength = at + length - piece < s->chunkSize ? at + length - piece : s->chunkSize;
            (void)scan_span(s, piece, pieceLength, page, totals);  // unmapped since: skipped
        }
    }
}

static long scan(struct leaklab_task_scanner *s, scan_totals *totals) {
    if (read_maps(s) != 0) return -1;
    size_t page = (size_t)sysconf(_SC_PAGESIZE);
    // The scanner's own region is left out; the kernel may have merged it with a neighbouring
    // anonymous mapping (an allocator's), so it is cut out of whichever mapping holds it.
    uintptr_t own = (uintptr_t)s->region, ownEnd = own + s->regionSize;
    for (size_t index = 0; index < s->mappingCount; index++) {
        const mapping m = s->mappings[index];
        if (!(m.flags & MAPPING_SCAN)) continue;
        if (own < m.end && ownEnd > m.start) {
            if (m.start < own) scan_range(s, m.start, own, page, totals);
            if (ownEnd < m.end) scan_range(s, ownEnd, m.end, page, totals);
        } else {
            scan_range(s, m.start, m.end, page, totals);
        }
    }
    return totals->live;
}

/// Clears the copies of scanned memory, so that nothing scanning this process for pointers (a
/// leak checker) finds the heap's pointers a second time in them.
/// Only what was written is cleared (a whole chunk and page cache cost more than a small scan).
static void forget_copies(struct leaklab_task_scanner *s) {
    memset(s->chunk, 0, s->chunkUsed);
    s->chunkUsed = 0;
    for (size_t slot = 0; slot < PAGE_CACHE; slot++) {
        if (s->cacheTags[slot] == 0) continue;
        memset(s->cachePages + slot * CACHE_PAGE, 0, CACHE_PAGE);
        s->cacheTags[slot] = 0;
    }
}

long leaklab_task_count(leaklab_task_scanner *s, long *completed) {
    scan_totals totals = {0, 0, 0, 0};
    long live = scan(s, &totals);
    memset(s->chunk, 0, s->chunkUsed);
    s->chunkUsed = 0;
    if (completed) *completed = totals.completed;
    return live;
}

// ---- chains and groups ----------------------------------------------------------------------

/// Reads the 16 bytes at `address` (an AsyncContext's Parent and ResumeParent) through a cache
/// of copied pages: a task's frames mostly live in its own allocation (the first slab of its
/// task allocator follows the task object), and tasks of one size sit side by side, so walking
/// them in address order copies each page about once. Returns 0, or -1.
static int read_pair(struct leaklab_task_scanner *s, uintptr_t address, uintptr_t pair[2]) {
    uintptr_t page = address & ~(uintptr_t)(CACHE_PAGE - 1);
    if (address + 16 > page + CACHE_PAGE) return copy_in(s, address, pair, 16);  // straddles two pages
    size_t slot = (page / CACHE_PAGE) % PAGE_CACHE;
    uint8_t *copy = s->cachePages + slot * CACHE_PAGE;
    if (s->cacheTags[slot] != page) {
        s->cacheTags[slot] = 1;  // written, holds no page (a page address is never 1): cleared by forget_copies
        if (copy_in(s, page, copy, CACHE_PAGE) != 0) return copy_in(s, address, pair, 16);
        s->cacheTags[slot] = page;
    }
    memcpy(pair, copy + (address - page), 16);
    return 0;
}

/// Follows every recorded task's AsyncContext chain: each context's ResumeParent is where its
/// caller resumes, its Parent the caller's context.
static void walk_chains(struct leaklab_task_scanner *s) {
    for (size_t i = 0; i < s->recordCount; i++) {
        task_record *r = &s->records[i];
        while (r->context != 0 && r->frameCount < LEAKLAB_TASK_MAX_FRAMES) {
            uintptr_t pair[2];
            if (read_pair(s, r->context, pair) != 0) break;
            uintptr_t parent = pair[0], resumeParent = pair[1];
            if (!is_code(s, resumeParent)) break;
            // A continuation's context resumes where the task itself resumes: one frame, not two.
            if (r->frameCount > 1 || resumeParent != r->frames[0]) r->frames[r->frameCount++] = resumeParent;
            r->context = is_readable(s, parent, 16) ? parent : 0;
        }
        r->context = 0;
    }
}

static uint64_t record_hash(const task_record *r) {
    uint64_t hash = 1469598103934665603ull ^ (r->state * 31u + r->cancelled);
    for (uint32_t i = 0; i < r->frameCount; i++) {
        hash ^= r->frames[i];
        hash *= 1099511628211ull;
    }
    hash ^= r->frameCount;
    return hash;
}

static int same_group(const leaklab_task_group *g, const task_record *r) {
    if (g->state != r->state || g->cancelled != r->cancelled || g->frameCount != r->frameCount) return 0;
    for (uint32_t i = 0; i < r->frameCount; i++)
        if (g->frames[i] != r->frames[i]) return 0;
    return 1;
}

static void group_records(struct leaklab_task_scanner *s, scan_totals *totals) {
    memset(s->slots, 0, s->slotCount * sizeof(uint32_t));
    s->groupCount = 0;
    for (size_t i = 0; i < s->recordCount; i++) {
        const task_record *r = &s->records[i];
        uint64_t hash = record_hash(r);
        size_t slot = (size_t)(hash % s->slotCount);
        for (;;) {
            uint32_t entry = s->slots[slot];
            if (entry == 0) {
                if (s->groupCount == s->groupCapacity) {
                    totals->ungrouped++;
                    break;
                }
                leaklab_task_group *g = &s->groups[s->groupCount++];
                memset(g, 0, sizeof *g);
                g->count = 1;
                g->state = r->state;
                g->cancelled = r->cancelled;
                g->frameCount = r->frameCount;
                memcpy(g->frames, r->frames, r->frameCount * sizeof(uintptr_t));
                g->hash = hash;
                s->slots[slot] = (uint32_t)s->groupCount;
                break;
            }
            leaklab_task_group *g = &s->groups[entry - 1];
            if (g->hash == hash && same_group(g, r)) {
                g->count++;
                break;
            }
            slot = (slot + 1) % s->slotCount;
        }
    }
    // Largest first (insertion sort: groups are few).
    for (size_t i = 1; i < s->groupCount; i++) {
        leaklab_task_group moving = s->groups[i];
        size_t j = i;
        while (j > 0 && s->groups[j - 1].count < moving.count) {
            s->groups[j] = s->groups[j - 1];
            j--;
        }
        s->groups[j] = moving;
    }
}

long leaklab_task_census(leaklab_task_scanner *s, long *completed, long *ungrouped) {
    scan_totals totals = {0, 0, 0, 1};
    s->recordCount = 0;
    s->groupCount = 0;
    long live = scan(s, &totals);
    if (live >= 0) {
        walk_chains(s);
        group_records(s, &totals);
    }
    // The records hold task addresses; the groups keep only code addresses.
    memset(s->records, 0, s->recordCount * sizeof(task_record));
    s->recordCount = 0;
    forget_copies(s);
    if (completed) *completed = totals.completed;
    if (ungrouped) *ungrouped = totals.ungrouped;
    return live;
}

const leaklab_task_group *leaklab_task_groups(const leaklab_task_scanner *s) { return s->groups; }
size_t leaklab_task_group_count(const leaklab_task_scanner *s) { return s->groupCount; }

int leaklab_task_locate(const leaklab_task_scanner *s, uintptr_t address, const char **path, size_t *pathLength,
                        uint64_t *fileOffset) {
    const mapping *m = find_mapping(s, address, 1);
    if (!m || !(m->flags & MAPPING_FILE)) return -1;
    *path = s->maps + m->pathStart;
    *pathLength = m->pathLength;
    *fileOffset = m->offset + (address - m->start);
    return 0;
}

typedef char *(*cxx_demangle_function)(const char *, char *, size_t *, int *);
typedef char *(*demangle_function)(const char *, size_t, char *, size_t *, uint32_t);

int leaklab_swift_demangle(const char *mangled, char *output, size_t outputSize) {
    static demangle_function demangle = NULL;
    if (!demangle) demangle = (demangle_function)dlsym(RTLD_DEFAULT, "swift_demangle");
    if (outputSize == 0) return -1;
    if (mangled[0] == '_' && mangled[1] == 'Z') {  // C++ (the runtime's own functions)
        cxx_demangle_function cxx = (cxx_demangle_function)dlsym(RTLD_DEFAULT, "__cxa_demangle");
        int status = -1;
        char *result = cxx ? cxx(mangled, NULL, NULL, &status) : NULL;
        if (!result || status != 0) return -1;
        strncpy(output, result, outputSize - 1);
        output[outputSize - 1] = 0;
        free(result);
        return 0;
    }
    if (!demangle) return -1;
    size_t size = outputSize;
    char *result = demangle(mangled, strlen(mangled), output, &size, 0);
    if (!result) return -1;
    output[outputSize - 1] = 0;
    return 0;
}
