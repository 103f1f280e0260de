/* Wait queues: where the sync locks (mutex.c, rwmutex.c) park threads.
 *
 * A gostd_waitq is a short internal lock `mu` guarding a FIFO of
 * gostd_waiter nodes.  A node lives on its waiter's C stack and carries a
 * private PyThread lock, `park`, that its waiter holds while it sleeps.  A
 * waker pops (or removes) the node, sets `why` and releases `park`, all under
 * `mu`; so a wake-up is aimed at one waiter and is never lost or stolen.
 *
 * Invariants, each kept under q->mu:
 *   - a node is in the queue iff `queued` is set;
 *   - `why` is 0 while the node is queued and set once, by its waker, when it
 *     is taken out; a node is woken at most once per push.
 *
 * Sleeping (gostd_waiter_sleep) releases the GIL (detaches the thread state on
 * free-threaded builds) and is interruptible as threading.Lock.acquire is:
 * a signal interrupts the wait, the handlers run, and if one raises (Ctrl-C's
 * KeyboardInterrupt) the sleep returns -1 with the exception set.  The node
 * may have been woken in the meantime, so the caller decides what to undo
 * under q->mu: still `queued` means nothing was handed to it; otherwise `why`
 * says what it was handed and must now give back.  (Tests find such
 * handlers with gostd_waiter_in_wait_handlers, Mutex._in_wait() in Python.)
 *
 * Before its stack frame goes away a waiter calls gostd_waiter_fini, which
 * passes through q->mu once: a waker releases `park` inside `mu`, so after
 * that no waker can still be touching the node.
 *
 * `mu` is held only for a few loads, stores and a PyThread_release_lock, never
 * across anything that releases the GIL; with the GIL it is therefore never
 * contended, and without it (free-threaded) it is a PyMutex.
 */
#ifndef GOSTD_WAITQ_H
#define GOSTD_WAITQ_H

#include "core.h"

#if PY_VERSION_HEX >= 0x030D0000
typedef PyMutex gostd_qlock;
static inline void gostd_qlock_acquire(gostd_qlock *l) { PyMutex_Lock(l); }
static inline void gostd_qlock_release(gostd_qlock *l) { PyMutex_Unlock(l); }
#else
/* Before 3.13 there is always a GIL and every holder keeps it for the whole
 * critical section, so this flag is never found set; the loop is a guard. */
typedef atomic_flag gostd_qlock;
static inline void
gostd_qlock_acquire(gostd_qlock *l)
{
    while (atomic_flag_test_and_set_explicit(l, memory_order_acquire)) {
        Py_BEGIN_ALLOW_THREADS
        Py_END_ALLOW_THREADS
    }
}
static inline void
gostd_qlock_release(gostd_qlock *l)
{
    atomic_flag_clear_explicit(l, memory_order_release);
}
#endif

typedef struct gostd_waiter {
    struct gostd_waiter *prev, *next;
    PyThread_type_lock park; /* held by the waiter while it may sleep */
    int queued;
    int why;                 /* what the waker handed over; meaning is the lock's */
} gostd_waiter;

typedef struct {
    gostd_qlock mu;
    gostd_waiter *head, *tail;
} gostd_waitq;

static inline void
gostd_waitq_init(gostd_waitq *q)
{
    memset(q, 0, sizeof(*q));
#if PY_VERSION_HEX < 0x030D0000
    atomic_flag_clear(&q->mu);
#endif
}

/* Under q->mu: append w (or put it first, for a waiter that already waited
 * and keeps its place, as Go's semaphore queues do with lifo=true). */
static inline void
gostd_waitq_push(gostd_waitq *q, gostd_waiter *w, int front)
{
    w->why = 0;
    w->queued = 1;
    if (front) {
        w->prev = NULL;
        w->next = q->head;
        if (q->head != NULL) {
            q->head->prev = w;
        }
        else {
            q->tail = w;
        }
        q->head = w;
    }
    else {
        w->next = NULL;
        w->prev = q->tail;
        if (q->tail != NULL) {
            q->tail->next = w;
        }
        else {
            q->head = w;
        }
        q->tail = w;
    }
}

/* Under q->mu: take w out of the queue without waking it. */
static inline void
gostd_waitq_remove(gostd_waitq *q, gostd_waiter *w)
{
    if (w->prev != NULL) {
        w->prev->next = w->next;
    }
    else {
        q->head = w->next;
    }
    if (w->next != NULL) {
        w->next->prev = w->prev;
    }
    else {
        q->tail = w->prev;
    }
    w->prev = w->next = NULL;
    w->queued = 0;
}

/* Under q->mu: take the first waiter out and wake it with `why` (non-zero).
 * Returns 0 if the queue was empty. */
static inline int
gostd_waitq_wake_one(gostd_waitq *q, int why)
{
    gostd_waiter *w = q->head;
    if (w == NULL) {
        return 0;
    }
    gostd_waitq_remove(q, w);
    w->why = why;
    PyThread_release_lock(w->park);
    return 1;
}

/* Allocate w's park lock, held.  -1 with MemoryError set on failure. */
int gostd_waiter_init(gostd_waiter *w);
/* Sleep until woken (0) or until a signal handler raises (-1, exception set). */
int gostd_waiter_sleep(gostd_waiter *w);
/* 1 while the calling thread runs signal handlers from inside gostd_waiter_sleep. */
int gostd_waiter_in_wait_handlers(void);
/* Wait out any waker still inside q->mu, then free w's park lock. */
void gostd_waiter_fini(gostd_waitq *q, gostd_waiter *w);

/* Monotonic clock in nanoseconds, for Mutex's starvation threshold. */
int64_t gostd_monotonic_ns(void);

/* The module state of the gostd._core type that `self` is an instance of,
 * also through Python subclasses (which have no module of their own). */
static inline core_state *
gostd_state_of_instance(PyObject *self)
{
    PyTypeObject *tp = Py_TYPE(self);
    while (tp != NULL && !((tp->tp_flags & Py_TPFLAGS_HEAPTYPE) &&
                           ((PyHeapTypeObject *)tp)->ht_module != NULL)) {
        tp = tp->tp_base;
    }
    return tp == NULL ? NULL : (core_state *)PyType_GetModuleState(tp);
}

/* Raise gostd.Panic(msg); always returns NULL. */
static inline PyObject *
gostd_raise_panic(PyObject *self, const char *msg)
{
    core_state *st = gostd_state_of_instance(self);
    PyErr_SetString(st != NULL && st->panic != NULL ? st->panic : PyExc_RuntimeError, msg);
    return NULL;
}

#endif /* GOSTD_WAITQ_H */
