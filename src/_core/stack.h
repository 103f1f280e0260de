/* How much C stack the calling thread has left.
 *
 * Code that recurses on data it does not control (gob values nested by a
 * peer) calls gostd_stack_exhausted() once per level and fails cleanly when
 * it returns true, instead of running off the end of a small thread stack
 * (threading.stack_size(256 * 1024), net/rpc's 512 KiB workers).  Python's
 * recursion limit does not help there: it counts frames, not bytes, and the
 * thread's stack size is chosen by whoever started the thread.
 *
 * Invariant: gostd_stack_floor_tls is 0 until the thread first asks, then
 * the lowest address its frames may reach, which leaves GOSTD_STACK_MARGIN
 * (or a quarter of a smaller stack) below it for the work done between two
 * checks: one level of the caller plus any Python code a leaf runs.  Stacks
 * grow downwards on every platform CPython supports.
 */
#ifndef GOSTD_STACK_H
#define GOSTD_STACK_H

#include <stdint.h>

#if defined(_MSC_VER) && !defined(__clang__)
#define GOSTD_THREAD_LOCAL __declspec(thread)
#else
#define GOSTD_THREAD_LOCAL _Thread_local
#endif

#define GOSTD_STACK_MARGIN ((uintptr_t)64 * 1024)

extern GOSTD_THREAD_LOCAL uintptr_t gostd_stack_floor_tls;

/* Look the thread's stack up (once per thread) and return its floor. */
uintptr_t gostd_stack_floor_init(void);

/* Whether the caller's frame is below the floor: recursing further could
 * overflow the stack. */
static inline int
gostd_stack_exhausted(void)
{
    volatile char here = 0;
    uintptr_t floor = gostd_stack_floor_tls;
    if (floor == 0) {
        floor = gostd_stack_floor_init();
    }
    return (uintptr_t)&here < floor;
}

#endif /* GOSTD_STACK_H */
