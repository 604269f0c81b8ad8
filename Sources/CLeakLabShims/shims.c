#define _GNU_SOURCE
#include "CLeakLabShims.h"
#include <malloc.h>
#include <unistd.h>
#include <sys/syscall.h>

int leaklab_glibc_mallinfo2(size_t *uordblks, size_t *hblkhd, size_t *arena) {
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 33))
    struct mallinfo2 info = mallinfo2();
    *uordblks = info.uordblks;
    *hblkhd = info.hblkhd;
    *arena = info.arena;
    return 0;
#else
    (void)uordblks; (void)hblkhd; (void)arena;
    return -1;
#endif
}

long leaklab_getdents64(int fd, void *buf, size_t size) {
    return syscall(SYS_getdents64, fd, buf, size);
}
