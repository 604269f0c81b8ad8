#ifndef CLEAKLAB_SHIMS_H
#define CLEAKLAB_SHIMS_H
#include <stddef.h>
#include <stdint.h>

/// glibc's mallinfo2(): bytes in use in small blocks (uordblks) and in mmapped blocks (hblkhd).
/// Returns 0 on success, -1 where mallinfo2 is not available.
int leaklab_glibc_mallinfo2(size_t *uordblks, size_t *hblkhd, size_t *arena);

/// Reads directory entries with getdents64 into buf; returns bytes read, 0 at end, -1 on error.
/// Used to count /proc/self/fd without allocating (opendir allocates).
long leaklab_getdents64(int fd, void *buf, size_t size);

#endif
