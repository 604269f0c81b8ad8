#define _GNU_SOURCE
#include "CLeakLabShims.h"
#include <malloc.h>
#include <unistd.h>
#include <sys/syscall.h>
#include <dlfcn.h>
#include <errno.h>
#include <spawn.h>

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

int leaklab_malloc_trim(size_t pad) {
#if defined(__GLIBC__)
    return malloc_trim(pad);
#else
    (void)pad;
    return -1;
#endif
}

long leaklab_getdents64(int fd, void *buf, size_t size) {
    return syscall(SYS_getdents64, fd, buf, size);
}

const char *leaklab_library_defining(const char *symbol) {
    void *address = dlsym(RTLD_DEFAULT, symbol);
    if (address == NULL) return NULL;
    Dl_info info;
    if (dladdr(address, &info) == 0) return NULL;
    return info.dli_fname;
}

int leaklab_spawn_add_closefrom(posix_spawn_file_actions_t *actions, int lowfd) {
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 34))
    return posix_spawn_file_actions_addclosefrom_np(actions, lowfd);
#else
    (void)actions; (void)lowfd;
    return ENOSYS;
#endif
}

#include <sys/prctl.h>
#include <signal.h>

int leaklab_set_parent_death_signal(int signal_number) {
    return prctl(PR_SET_PDEATHSIG, signal_number, 0, 0, 0);
}

uint64_t leaklab_load_acquire(const uint64_t *address) {
    return __atomic_load_n(address, __ATOMIC_ACQUIRE);
}

uint64_t leaklab_load_relaxed(const uint64_t *address) {
    return __atomic_load_n(address, __ATOMIC_RELAXED);
}

void leaklab_store_release(uint64_t *address, uint64_t value) {
    __atomic_store_n(address, value, __ATOMIC_RELEASE);
}

int leaklab_memfd_create(const char *name) {
    return (int)syscall(SYS_memfd_create, name, 1u /* MFD_CLOEXEC */);
}

int leaklab_pidfd_open(int pid) {
#ifdef SYS_pidfd_open
    return (int)syscall(SYS_pidfd_open, pid, 0);  // the kernel sets close-on-exec on a pidfd
#else
    errno = ENOSYS;
    return -1;
#endif
}

int leaklab_start_malloc_trace(void) {
    /* libc_malloc_debug.so exports mtrace only as the non-default version mtrace@GLIBC_2.2.5,
       which dlsym never binds; dlvsym in the global scope finds the preloaded library's. */
    void (*start)(void) = (void (*)(void))dlvsym(RTLD_DEFAULT, "mtrace", "GLIBC_2.2.5");
    if (start == NULL) return -1;
    start();
    return 0;
}
