/* Parking for the wait queues of waitq.h. */
#include "waitq.h"

#ifdef _WIN32
#include <windows.h>
#else
#include <time.h>
#endif

int
gostd_waiter_init(gostd_waiter *w)
{
    memset(w, 0, sizeof(*w));
    w->park = PyThread_allocate_lock();
    if (w->park == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    PyThread_acquire_lock(w->park, NOWAIT_LOCK); /* a new lock is free: this takes it */
    return 0;
}

/* Set while this thread runs signal handlers from inside a wait (tests ask). */
static _Thread_local int in_wait_handlers;

int
gostd_waiter_in_wait_handlers(void)
{
    return in_wait_handlers;
}

int
gostd_waiter_sleep(gostd_waiter *w)
{
    for (;;) {
        /* The waker may already have released park: then no need to let go of the GIL. */
        if (PyThread_acquire_lock_timed(w->park, 0, 0) == PY_LOCK_ACQUIRED) {
            return 0;
        }
        PyLockStatus r;
        Py_BEGIN_ALLOW_THREADS
        r = PyThread_acquire_lock_timed(w->park, -1, 1);
        Py_END_ALLOW_THREADS
        if (r == PY_LOCK_ACQUIRED) {
            return 0;
        }
        /* PY_LOCK_INTR: a signal arrived.  Run the handlers as
         * threading.Lock.acquire does; a raising handler ends the wait. */
        if (r == PY_LOCK_INTR) {
            in_wait_handlers = 1;
            int err = Py_MakePendingCalls();
            in_wait_handlers = 0;
            if (err < 0) {
                return -1;
            }
        }
    }
}

void
gostd_waiter_fini(gostd_waitq *q, gostd_waiter *w)
{
    if (w->park == NULL) {
        return;
    }
    gostd_qlock_acquire(&q->mu);
    gostd_qlock_release(&q->mu);
    /* Park is held or was released by the waker: make it held, then free it
     * unlocked, which every PyThread lock implementation accepts. */
    PyThread_acquire_lock(w->park, NOWAIT_LOCK);
    PyThread_release_lock(w->park);
    PyThread_free_lock(w->park);
    w->park = NULL;
}

int64_t
gostd_monotonic_ns(void)
{
#ifdef _WIN32
    return (int64_t)GetTickCount64() * 1000000;
#else
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
#endif
}
