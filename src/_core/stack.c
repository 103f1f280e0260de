/* The calling thread's stack bounds (see stack.h). */
#if defined(__linux__) && !defined(_GNU_SOURCE)
#define _GNU_SOURCE         /* pthread_getattr_np */
#endif
#include "stack.h"

#include <stddef.h>

#if defined(_WIN32)
#include <windows.h>
#else
#include <pthread.h>
#endif

GOSTD_THREAD_LOCAL uintptr_t gostd_stack_floor_tls = 0;

/* Assumed usable size below the first frame seen, where the platform cannot
 * say: the smallest stack CPython's tests start threads with. */
#define GUESSED_STACK ((uintptr_t)256 * 1024)

static uintptr_t
floor_of(uintptr_t lo, uintptr_t hi)
{
    uintptr_t size = hi - lo;
    uintptr_t margin = size / 4 < GOSTD_STACK_MARGIN ? size / 4 : GOSTD_STACK_MARGIN;
    return lo + margin;
}

uintptr_t
gostd_stack_floor_init(void)
{
    volatile char here = 0;
    uintptr_t sp = (uintptr_t)&here;
    uintptr_t lo = 0, hi = 0;
#if defined(_WIN32)
    ULONG_PTR wlo, whi;
    GetCurrentThreadStackLimits(&wlo, &whi);
    lo = (uintptr_t)wlo;
    hi = (uintptr_t)whi;
#elif defined(__APPLE__)
    hi = (uintptr_t)pthread_get_stackaddr_np(pthread_self());
    lo = hi - (uintptr_t)pthread_get_stacksize_np(pthread_self());
#elif defined(__linux__) || defined(__FreeBSD__) || defined(__NetBSD__)
    pthread_attr_t attr;
    void *addr = NULL;
    size_t size = 0;
#if defined(__FreeBSD__)
    if (pthread_attr_init(&attr) == 0) {
        if (pthread_attr_get_np(pthread_self(), &attr) == 0) {
            (void)pthread_attr_getstack(&attr, &addr, &size);
        }
        pthread_attr_destroy(&attr);
    }
#else
    if (pthread_getattr_np(pthread_self(), &attr) == 0) {
        (void)pthread_attr_getstack(&attr, &addr, &size);
        pthread_attr_destroy(&attr);
    }
#endif
    lo = (uintptr_t)addr;
    hi = lo + (uintptr_t)size;
#endif
    if (lo == 0 || hi <= lo || sp < lo || sp > hi) {
        /* Unknown, or not the stack we are on: assume a small one below here. */
        hi = sp;
        lo = sp > GUESSED_STACK ? sp - GUESSED_STACK : 1;
    }
    gostd_stack_floor_tls = floor_of(lo, hi);
    return gostd_stack_floor_tls;
}
