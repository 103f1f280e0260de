/* sync.Mutex, after Go's sync/mutex.go.
 *
 * One 32-bit atomic word holds the whole lock:
 *
 *     LOCKED | WOKEN | STARVING | waiters << 3
 *
 * lock() is a CAS 0 -> LOCKED and unlock() a CAS LOCKED -> 0 when nobody
 * waits: no Python frame, no allocation, no syscall.  Anything else takes
 * the slow paths below, which park threads on the mutex's wait queue
 * (waitq.h).  Any thread may unlock a locked Mutex; unlocking an unlocked
 * one changes nothing and raises gostd.Panic("sync: unlock of unlocked mutex").
 *
 * Invariants:
 *   - the waiter count in `state` equals the length of the queue; both
 *     change only under q.mu, together.
 *   - WOKEN is set exactly while one waiter, woken (taken off the queue) in
 *     normal mode or spinning, is about to retry; an unlock that finds it set
 *     wakes nobody.  Only that waiter clears it: when it takes the mutex,
 *     queues again, or gives up.
 *   - STARVING implies LOCKED.  In starvation mode an unlock does not clear
 *     LOCKED but hands the mutex, still locked, to the first waiter; newcomers
 *     and try_lock see STARVING and queue behind (or fail).
 *
 * Normal mode lets a running thread re-take the mutex ahead of a woken one
 * (no convoys: throughput, as threading.Lock).  A waiter that has waited
 * more than 1 ms in total sets STARVING when it queues again; the mode ends
 * when a waiter that got the mutex by hand-off waited less than that, or was
 * the last one.  This is Go's bound on unfairness: with the GIL it stops a
 * thread that sleeps while holding the mutex from starving the others.
 *
 * Interruption: a waiter whose sleep is interrupted by a raising signal
 * handler takes itself off the queue if it is still there; if it was already
 * woken it passes the wake-up on, and if it was already handed the mutex it
 * unlocks it.  So KeyboardInterrupt in lock() never leaves the mutex held or
 * a wake-up lost.
 *
 * Free-threading: `state` is only touched atomically; the queue only under
 * q.mu; waiting threads detach their thread state.  Only on free-threaded
 * builds do waiters spin before parking (a few busy rounds, then yielding
 * ones, claiming WOKEN meanwhile so unlockers wake nobody); with the GIL the
 * holder could not run while we spin.
 */
#include "mutex.h"

#include <structmember.h>

#define STARVATION_NS 1000000 /* Go's starvationThresholdNs */
#define WAITERS(s) ((s) >> 3)

enum { WOKEN_RETRY = 1, WOKEN_HANDOFF = 2 };

#ifdef Py_GIL_DISABLED
#ifdef _WIN32
#include <windows.h>
#define sched_yield() SwitchToThread()
#else
#include <sched.h>
#endif
#define SPIN_ROUNDS 4   /* busy rounds, as Go's active_spin */
#define YIELD_ROUNDS 40 /* then yielding rounds, as PyMutex's MAX_SPIN_COUNT */
static inline void
spin_pause(void)
{
    for (int i = 0; i < 30; i++) {
#if defined(__x86_64__) || defined(__i386__)
        __builtin_ia32_pause();
#elif defined(__aarch64__)
        __asm__ __volatile__("yield");
#endif
    }
}
#endif

/* If the mutex is free in normal mode and nobody is already on the way,
 * wake the first waiter to retry.  `s` is a recent state, for the quick exit. */
static void
wake_one(gostd_gomutex *m, uint32_t s)
{
    if (WAITERS(s) == 0 || (s & (GOSTD_MU_LOCKED | GOSTD_MU_WOKEN | GOSTD_MU_STARVING))) {
        return;
    }
    gostd_qlock_acquire(&m->q.mu);
    uint32_t old = atomic_load(&m->state);
    for (;;) {
        if (WAITERS(old) == 0 ||
            (old & (GOSTD_MU_LOCKED | GOSTD_MU_WOKEN | GOSTD_MU_STARVING))) {
            break;
        }
        if (atomic_compare_exchange_weak(&m->state, &old,
                                         (old - GOSTD_MU_WAITER) | GOSTD_MU_WOKEN)) {
            gostd_waitq_wake_one(&m->q, WOKEN_RETRY);
            break;
        }
    }
    gostd_qlock_release(&m->q.mu);
}

int
gostd_gomutex_unlock_slow(gostd_gomutex *m)
{
    uint32_t old = atomic_load(&m->state), new;
    for (;;) {
        if (!(old & GOSTD_MU_LOCKED)) {
            return -1;
        }
        if (old & GOSTD_MU_STARVING) {
            /* Hand the still locked mutex to the first waiter. */
            gostd_qlock_acquire(&m->q.mu);
            old = atomic_load(&m->state);
            for (;;) {
                if (!(old & GOSTD_MU_LOCKED)) {
                    gostd_qlock_release(&m->q.mu);
                    return -1;
                }
                if (!(old & GOSTD_MU_STARVING)) {
                    break; /* back in normal mode meanwhile */
                }
                if (m->q.head == NULL) {
                    /* The waiters gave up (interrupted): nobody to hand to. */
                    new = old & ~(GOSTD_MU_LOCKED | GOSTD_MU_STARVING);
                }
                else {
                    new = old - GOSTD_MU_WAITER;
                }
                if (atomic_compare_exchange_weak(&m->state, &old, new)) {
                    if (new & GOSTD_MU_LOCKED) {
                        gostd_waitq_wake_one(&m->q, WOKEN_HANDOFF);
                    }
                    gostd_qlock_release(&m->q.mu);
                    return 0;
                }
            }
            gostd_qlock_release(&m->q.mu);
            continue;
        }
        new = old & ~GOSTD_MU_LOCKED;
        if (atomic_compare_exchange_weak(&m->state, &old, new)) {
            break;
        }
    }
    wake_one(m, new);
    return 0;
}

/* A waiter interrupted while parked gives back whatever it was handed. */
static void
abandon_wait(gostd_gomutex *m, gostd_waiter *w)
{
    gostd_qlock_acquire(&m->q.mu);
    if (w->queued) {
        gostd_waitq_remove(&m->q, w);
        atomic_fetch_sub(&m->state, GOSTD_MU_WAITER);
        gostd_qlock_release(&m->q.mu);
        return;
    }
    int why = w->why;
    gostd_qlock_release(&m->q.mu);
    if (why == WOKEN_HANDOFF) {
        (void)gostd_gomutex_unlock(m); /* it is ours and locked: cannot fail */
    }
    else {
        uint32_t s = atomic_fetch_and(&m->state, ~GOSTD_MU_WOKEN) & ~GOSTD_MU_WOKEN;
        wake_one(m, s);
    }
}

int
gostd_gomutex_lock_slow(gostd_gomutex *m)
{
    gostd_waiter w;
    w.park = NULL;
    int awoke = 0, starving = 0, rc = 0;
    int64_t wait_start = 0;
#ifdef Py_GIL_DISABLED
    int spins = 0;
#endif
    for (;;) {
        uint32_t old = atomic_load(&m->state);
        if (!(old & GOSTD_MU_LOCKED)) {
            uint32_t new = old | GOSTD_MU_LOCKED;
            if (awoke) {
                new &= ~GOSTD_MU_WOKEN;
            }
            if (atomic_compare_exchange_weak(&m->state, &old, new)) {
                break;
            }
            continue;
        }
#ifdef Py_GIL_DISABLED
        if (!(old & GOSTD_MU_STARVING) && spins < SPIN_ROUNDS + YIELD_ROUNDS) {
            /* Claim WOKEN while spinning, so that unlock wakes nobody: we
             * are about to retry anyway (Go does the same). */
            if (!awoke && !(old & GOSTD_MU_WOKEN) && WAITERS(old) != 0 &&
                atomic_compare_exchange_strong(&m->state, &old, old | GOSTD_MU_WOKEN)) {
                awoke = 1;
            }
            if (spins++ < SPIN_ROUNDS) {
                spin_pause();
            }
            else {
                sched_yield();
            }
            continue;
        }
#endif
        if (w.park == NULL && gostd_waiter_init(&w) < 0) {
            if (awoke) { /* a spinner's claim on WOKEN: give it back */
                uint32_t s = atomic_fetch_and(&m->state, ~GOSTD_MU_WOKEN) & ~GOSTD_MU_WOKEN;
                wake_one(m, s);
            }
            rc = -1;
            break;
        }
        int queued = 0;
        gostd_qlock_acquire(&m->q.mu);
        old = atomic_load(&m->state);
        while (old & GOSTD_MU_LOCKED) {
            uint32_t new = old + GOSTD_MU_WAITER;
            if (starving) {
                new |= GOSTD_MU_STARVING;
            }
            if (awoke) {
                new &= ~GOSTD_MU_WOKEN;
            }
            if (atomic_compare_exchange_weak(&m->state, &old, new)) {
                /* A waiter that already waited keeps its place at the front. */
                gostd_waitq_push(&m->q, &w, wait_start != 0);
                queued = 1;
                break;
            }
        }
        gostd_qlock_release(&m->q.mu);
        if (!queued) {
            continue; /* it was unlocked meanwhile: try again */
        }
        awoke = 0;
        if (wait_start == 0) {
            wait_start = gostd_monotonic_ns();
        }
        if (gostd_waiter_sleep(&w) < 0) {
            abandon_wait(m, &w);
            rc = -1;
            break;
        }
        starving = starving || gostd_monotonic_ns() - wait_start > STARVATION_NS;
        if (w.why == WOKEN_HANDOFF) {
            /* We own the mutex.  Leave starvation mode unless we were
             * starving ourselves and others still wait. */
            gostd_qlock_acquire(&m->q.mu);
            if (!starving || WAITERS(atomic_load(&m->state)) == 0) {
                atomic_fetch_and(&m->state, ~GOSTD_MU_STARVING);
            }
            gostd_qlock_release(&m->q.mu);
            break;
        }
        awoke = 1;
#ifdef Py_GIL_DISABLED
        spins = 0;
#endif
    }
    gostd_waiter_fini(&m->q, &w);
    return rc;
}

/* ---- the Python type ----------------------------------------------------- */

typedef struct {
    PyObject_HEAD
    gostd_gomutex m;
    PyObject *weakreflist;
} MutexObject;

#define UNLOCK_OF_UNLOCKED "sync: unlock of unlocked mutex"

static PyObject *
Mutex_new(PyTypeObject *type, PyObject *args, PyObject *kwds)
{
    /* Arguments are for a subclass's __init__ only. */
    if (type->tp_init == PyBaseObject_Type.tp_init &&
        ((args != NULL && PyTuple_GET_SIZE(args) != 0) ||
         (kwds != NULL && PyDict_GET_SIZE(kwds) != 0))) {
        PyErr_SetString(PyExc_TypeError, "Mutex() takes no arguments");
        return NULL;
    }
    MutexObject *self = (MutexObject *)type->tp_alloc(type, 0);
    if (self != NULL) {
        gostd_gomutex_init(&self->m);
        self->weakreflist = NULL;
    }
    return (PyObject *)self;
}

static PyObject *
Mutex_lock(MutexObject *self, PyObject *unused)
{
    if (gostd_gomutex_lock(&self->m) < 0) {
        return NULL;
    }
    Py_RETURN_NONE;
}

static PyObject *
Mutex_try_lock(MutexObject *self, PyObject *unused)
{
    return PyBool_FromLong(gostd_gomutex_try_lock(&self->m));
}

static PyObject *
Mutex_unlock(MutexObject *self, PyObject *unused)
{
    if (gostd_gomutex_unlock(&self->m) < 0) {
        return gostd_raise_panic((PyObject *)self, UNLOCK_OF_UNLOCKED);
    }
    Py_RETURN_NONE;
}

static PyObject *
Mutex_enter(MutexObject *self, PyObject *unused)
{
    if (gostd_gomutex_lock(&self->m) < 0) {
        return NULL;
    }
    return Py_NewRef(self);
}

static PyObject *
Mutex_exit(MutexObject *self, PyObject *const *args, Py_ssize_t nargs)
{
    if (gostd_gomutex_unlock(&self->m) < 0) {
        return gostd_raise_panic((PyObject *)self, UNLOCK_OF_UNLOCKED);
    }
    Py_RETURN_NONE;
}

PyObject *
gostd_gomutex_state(gostd_gomutex *m)
{
    uint32_t s = atomic_load(&m->state);
    return Py_BuildValue("{sOsOsOsI}", "locked", (s & GOSTD_MU_LOCKED) ? Py_True : Py_False,
                         "woken", (s & GOSTD_MU_WOKEN) ? Py_True : Py_False,
                         "starving", (s & GOSTD_MU_STARVING) ? Py_True : Py_False,
                         "waiters", (unsigned int)WAITERS(s));
}

static PyObject *
Mutex_state(MutexObject *self, PyObject *unused)
{
    return gostd_gomutex_state(&self->m);
}

static PyObject *
Mutex_in_wait(PyObject *unused1, PyObject *unused2)
{
    return PyBool_FromLong(gostd_waiter_in_wait_handlers());
}

static PyObject *
Mutex_repr(MutexObject *self)
{
    uint32_t s = atomic_load(&self->m.state);
    return PyUnicode_FromFormat("<Mutex %s, waiters=%u at %p>",
                                (s & GOSTD_MU_LOCKED) ? "locked" : "unlocked",
                                (unsigned int)WAITERS(s), (void *)self);
}

static PyMethodDef Mutex_methods[] = {
    {"lock", (PyCFunction)Mutex_lock, METH_NOARGS,
     "lock() -> None\n\nLock, waiting (without holding the GIL) until the mutex is free.\n"
     "Interruptible like threading.Lock.acquire: if a signal handler raises while\n"
     "waiting, the exception propagates and the mutex is not taken."},
    {"try_lock", (PyCFunction)Mutex_try_lock, METH_NOARGS,
     "try_lock() -> bool\n\nLock only if the mutex is free now; return whether it was taken."},
    {"unlock", (PyCFunction)Mutex_unlock, METH_NOARGS,
     "unlock() -> None\n\nUnlock; any goroutine may unlock a locked Mutex.\n"
     "Raises gostd.Panic('sync: unlock of unlocked mutex') if it is not locked."},
    {"__enter__", (PyCFunction)Mutex_enter, METH_NOARGS, "Lock; return the mutex."},
    {"__exit__", (PyCFunction)(void (*)(void))Mutex_exit, METH_FASTCALL,
     "Unlock (the exception, if any, propagates)."},
    {"_state", (PyCFunction)Mutex_state, METH_NOARGS,
     "_state() -> dict\n\nA snapshot of the lock word, for tests and debugging."},
    {"_in_wait", (PyCFunction)Mutex_in_wait, METH_NOARGS | METH_STATIC,
     "_in_wait() -> bool\n\nTrue in a signal handler that interrupted a Mutex or RWMutex wait\n"
     "of this thread, i.e. where raising makes that lock call give up (for tests)."},
    GOSTD_NO_COPY_METHOD,
    {NULL, NULL, 0, NULL},
};

static PyMemberDef Mutex_members[] = {
    {"__weaklistoffset__", T_PYSSIZET, offsetof(MutexObject, weakreflist), READONLY, NULL},
    {NULL, 0, 0, 0, NULL},
};

static PyType_Slot Mutex_slots[] = {
    {Py_tp_new, Mutex_new},
    {Py_tp_dealloc, gostd_lock_dealloc},
    {Py_tp_repr, Mutex_repr},
    {Py_tp_methods, Mutex_methods},
    {Py_tp_members, Mutex_members},
    {Py_tp_doc,
     "Mutex()\n\n"
     "A mutual exclusion lock (Go's sync.Mutex); a new Mutex is unlocked.\n\n"
     "lock() waits until the mutex is free; try_lock() takes it only if it is free\n"
     "now and says whether it did; unlock() frees it.  As in Go a Mutex is not\n"
     "tied to a goroutine: one may lock it and another unlock it, and locking it\n"
     "twice from one goroutine deadlocks.  `with m:` locks for the block.\n"
     "unlock() of an unlocked mutex raises gostd.Panic('sync: unlock of unlocked mutex').\n"
     "Waiters that wait over 1 ms switch the mutex to hand-off (Go's starvation\n"
     "mode), so no waiter is starved.  Copying or pickling raises TypeError."},
    {0, NULL},
};

static PyType_Spec Mutex_spec = {
    .name = "gostd.sync.Mutex",
    .basicsize = sizeof(MutexObject),
    .flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE | Py_TPFLAGS_IMMUTABLETYPE,
    .slots = Mutex_slots,
};

int
gostd_mutex_exec(PyObject *module, core_state *st)
{
    PyObject *tp = PyType_FromModuleAndSpec(module, &Mutex_spec, NULL);
    if (tp == NULL) {
        return -1;
    }
    int rc = PyModule_AddType(module, (PyTypeObject *)tp);
    Py_DECREF(tp);
    return rc;
}
