#ifndef CLEAKLAB_SHIMS_H
#define CLEAKLAB_SHIMS_H
#include <stddef.h>
#include <stdint.h>

/// glibc's mallinfo2(): bytes in use in small blocks (uordblks) and in mmapped blocks (hblkhd).
/// Returns 0 on success, -1 where mallinfo2 is not available.
int leaklab_glibc_mallinfo2(size_t *uordblks, size_t *hblkhd, size_t *arena);

/// Starts glibc's malloc tracing (mtrace) when libc_malloc_debug.so is preloaded and MALLOC_TRACE
/// names the trace file. Returns -1 when no tracing mtrace is loaded.
int leaklab_start_malloc_trace(void);

/// glibc's malloc_trim(pad): gives free memory at the top of the heap and free whole pages
/// inside arenas back to the OS. Returns 1 if memory was released, 0 if not, -1 without glibc.
/// Only glibc's own heap is trimmed: under a preloaded allocator it finds nothing to give back.
int leaklab_malloc_trim(size_t pad);

/// Reads directory entries with getdents64 into buf; returns bytes read, 0 at end, -1 on error.
/// Used to count /proc/self/fd without allocating (opendir allocates).
long leaklab_getdents64(int fd, void *buf, size_t size);

/// The path of the shared object that defines `symbol` as this process resolves it (dlsym with
/// RTLD_DEFAULT, then dladdr), or NULL. The string belongs to the loader: do not free it.
const char *leaklab_library_defining(const char *symbol);

#include <spawn.h>
/// posix_spawn_file_actions_addclosefrom_np (glibc 2.34+): close every fd >= lowfd in the child.
/// Returns 0, or an errno value; ENOSYS where glibc lacks it.
int leaklab_spawn_add_closefrom(posix_spawn_file_actions_t *actions, int lowfd);

#include "CLeakLabTaskScan.h"
/// prctl(PR_SET_PDEATHSIG, signal_number): the kernel sends `signal_number` to this process when
/// the thread that created it exits (its runner died, however). Returns 0, or -1 with errno.
int leaklab_set_parent_death_signal(int signal_number);

/// Atomic 64-bit loads and stores on memory shared with another process (the sample ring).
uint64_t leaklab_load_acquire(const uint64_t *address);
uint64_t leaklab_load_relaxed(const uint64_t *address);
void leaklab_store_release(uint64_t *address, uint64_t value);

/// memfd_create(name, MFD_CLOEXEC): an anonymous file for memory shared with a child.
/// Returns the fd, or -1 with errno.
int leaklab_memfd_create(const char *name);

/// pidfd_open(pid, 0) (Linux 5.3+; close-on-exec): an fd that poll() reports readable
/// once the process has exited. Returns the fd, or -1 with errno (ENOSYS on older kernels).
int leaklab_pidfd_open(int pid);

#endif
