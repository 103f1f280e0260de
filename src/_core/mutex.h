/* The lock word of sync.Mutex, shared by Mutex (mutex.c) and RWMutex's
 * writer lock (rwmutex.c).  See mutex.c for the algorithm. */
#ifndef GOSTD_MUTEX_H
#define GOSTD_MUTEX_H

#include "waitq.h"

#define GOSTD_MU_LOCKED 1u
#define GOSTD_MU_WOKEN 2u    /* a woken waiter is on its way to retry */
#define GOSTD_MU_STARVING 4u /* ownership is handed to waiters, no barging */
#define GOSTD_MU_WAITER 8u   /* state >> 3 = number of queued waiters */

typedef struct {
    _Atomic(uint32_t) state;
    gostd_waitq q;
} gostd_gomutex;

static inline void
gostd_gomutex_init(gostd_gomutex *m)
{
    atomic_store_explicit(&m->state, 0, memory_order_relaxed);
    gostd_waitq_init(&m->q);
}

int gostd_gomutex_lock_slow(gostd_gomutex *m);
/* A dict snapshot of the lock word (locked, woken, starving, waiters), for tests. */
PyObject *gostd_gomutex_state(gostd_gomutex *m);
int gostd_gomutex_unlock_slow(gostd_gomutex *m);

/* Lock; 0, or -1 with an exception set if a signal handler raised while waiting
 * (the mutex is then not taken). */
static inline int
gostd_gomutex_lock(gostd_gomutex *m)
{
    uint32_t unlocked = 0;
    if (atomic_compare_exchange_strong_explicit(&m->state, &unlocked, GOSTD_MU_LOCKED,
                                                memory_order_acquire, memory_order_relaxed)) {
        return 0;
    }
    return gostd_gomutex_lock_slow(m);
}

/* Lock if that needs no waiting; 1 if taken. */
static inline int
gostd_gomutex_try_lock(gostd_gomutex *m)
{
    uint32_t old = atomic_load_explicit(&m->state, memory_order_relaxed);
    while (!(old & (GOSTD_MU_LOCKED | GOSTD_MU_STARVING))) {
        if (atomic_compare_exchange_weak_explicit(&m->state, &old, old | GOSTD_MU_LOCKED,
                                                  memory_order_acquire, memory_order_relaxed)) {
            return 1;
        }
    }
    return 0;
}

/* Unlock; 0, or -1 (no exception set) if the mutex was not locked, which
 * leaves it unchanged. */
static inline int
gostd_gomutex_unlock(gostd_gomutex *m)
{
    uint32_t locked = GOSTD_MU_LOCKED;
    if (atomic_compare_exchange_strong_explicit(&m->state, &locked, 0,
                                                memory_order_release, memory_order_relaxed)) {
        return 0;
    }
    return gostd_gomutex_unlock_slow(m);
}

#endif /* GOSTD_MUTEX_H */
