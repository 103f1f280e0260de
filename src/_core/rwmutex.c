/* sync.RWMutex, after Go's sync/rwmutex.go: a reader/writer lock that
 * prefers writers.
 *
 * Go's algorithm, with its names:
 *   readerCount  readers holding or waiting for the lock, minus
 *                rwmutexMaxReaders (1 << 30) while a writer has announced
 *                itself, so that arriving readers see a negative count and wait;
 *   readerWait   readers the announced writer still waits for (those that held
 *                the lock when it announced);
 *   w            a Mutex excluding writers from each other (mutex.h).
 * r_lock/r_unlock are one atomic operation each when no writer is around.
 * Once a writer has announced itself new readers wait, so a flood of readers
 * cannot starve it; its unlock admits every reader that queued meanwhile
 * before the next writer can announce itself (it still holds w while it
 * does).
 *
 * Difference from Go, for interruptible waits: readerCount shares one 64-bit
 * atomic word with a generation number, bumped by every writer unlock:
 *
 *     word = gen << 32 | (readerCount + 2**31)
 *
 * (the bias keeps readerCount's field from carrying into gen).  A reader
 * that must wait learns from its own fetch-add which writer's term it waits
 * out, and sleeps on the `readers` queue until gen moves on; a writer unlock
 * moves gen and wakes the whole queue (Go releases readerSem once per
 * waiting reader, the same set).  A waiting reader interrupted by a raising
 * signal handler can then tell, by a CAS on the word, whether the writer has
 * admitted it yet: if not it uncounts itself; if so it leaves as a reader.
 *
 * The announced writer waits on the `writer` queue (it holds w, so it is
 * the only one) until the last departing reader lets it in, or finds
 * `writer_token` left for it if that happened first.  If it is interrupted
 * before that it marks itself `writer_abandoned`, and the last departing
 * reader then does its unlock for it; if it was already let in it unlocks
 * itself.  Either way the lock ends up as if the writer had taken it and
 * let it go at once; no helper threads are needed.
 *
 * Misuse leaves the state unchanged (CAS loops, not blind adds) and raises
 * gostd.Panic with Go's texts: "sync: RUnlock of unlocked RWMutex",
 * "sync: Unlock of unlocked RWMutex".
 *
 * Free-threading: the word and readerWait are atomics; the queues and the
 * two writer flags change only under their queue's lock; waiting threads
 * detach.  A waiting reader relies on gen not wrapping around (2**32 writer
 * terms) while it sleeps.
 */
#include "mutex.h"

#include <structmember.h>

#define MAX_READERS ((int64_t)1 << 30) /* Go's rwmutexMaxReaders */
#define BIAS ((int64_t)1 << 31)
#define GEN_ONE ((uint64_t)1 << 32)
#define RC(w) ((int64_t)(uint32_t)(w) - BIAS)
#define GEN(w) ((uint32_t)((w) >> 32))

#define RUNLOCK_OF_UNLOCKED "sync: RUnlock of unlocked RWMutex"
#define UNLOCK_OF_UNLOCKED "sync: Unlock of unlocked RWMutex"

typedef struct {
    PyObject_HEAD
    gostd_gomutex w;
    _Atomic(uint64_t) word;
    _Atomic(int32_t) reader_wait;
    gostd_waitq readers;  /* readers waiting for a writer's term to end */
    gostd_waitq writer;   /* the announced writer, waiting for departing readers */
    int writer_token;     /* under writer.mu: readers left before the writer slept */
    int writer_abandoned; /* under writer.mu: the writer gave up waiting */
    PyObject *weakreflist;
} RWMutexObject;

static int write_unlock(RWMutexObject *rw);

/* ---- the read side ------------------------------------------------------ */

static void
release_writer(RWMutexObject *rw)
{
    gostd_qlock_acquire(&rw->writer.mu);
    if (rw->writer_abandoned) {
        rw->writer_abandoned = 0;
        gostd_qlock_release(&rw->writer.mu);
        (void)write_unlock(rw); /* the writer's term, begun and ended for it */
        return;
    }
    if (!gostd_waitq_wake_one(&rw->writer, 1)) {
        rw->writer_token = 1;
    }
    gostd_qlock_release(&rw->writer.mu);
}

/* 0, or -1 (state unchanged, no exception) if no reader holds the lock. */
static int
r_unlock(RWMutexObject *rw)
{
    uint64_t old = atomic_load_explicit(&rw->word, memory_order_relaxed);
    int64_t r;
    do {
        r = RC(old);
        if (r == 0 || r == -MAX_READERS) {
            return -1;
        }
    } while (!atomic_compare_exchange_weak_explicit(&rw->word, &old, old - 1,
                                                    memory_order_release,
                                                    memory_order_relaxed));
    /* A writer is waiting: the last reader it waits for lets it in. */
    if (r - 1 < 0 && atomic_fetch_sub(&rw->reader_wait, 1) == 1) {
        release_writer(rw);
    }
    return 0;
}

/* A reader counted in during term `gen` leaves before being admitted: it
 * uncounts itself if the term is still on, else it was admitted and leaves
 * as a reader. */
static void
withdraw_reader(RWMutexObject *rw, uint32_t gen)
{
    uint64_t old = atomic_load(&rw->word);
    while (GEN(old) == gen) {
        if (atomic_compare_exchange_weak(&rw->word, &old, old - 1)) {
            return;
        }
    }
    (void)r_unlock(rw);
}

static int
r_lock_slow(RWMutexObject *rw, uint32_t gen)
{
    gostd_waiter w;
    if (gostd_waiter_init(&w) < 0) {
        withdraw_reader(rw, gen);
        return -1;
    }
    int rc = 0;
    gostd_qlock_acquire(&rw->readers.mu);
    if (GEN(atomic_load(&rw->word)) != gen) {
        gostd_qlock_release(&rw->readers.mu); /* the term ended: admitted */
    }
    else {
        gostd_waitq_push(&rw->readers, &w, 0);
        gostd_qlock_release(&rw->readers.mu);
        if (gostd_waiter_sleep(&w) < 0) {
            rc = -1;
            gostd_qlock_acquire(&rw->readers.mu);
            int queued = w.queued;
            if (queued) {
                gostd_waitq_remove(&rw->readers, &w);
            }
            gostd_qlock_release(&rw->readers.mu);
            if (queued) {
                withdraw_reader(rw, gen);
            }
            else {
                (void)r_unlock(rw);
            }
        }
    }
    gostd_waiter_fini(&rw->readers, &w);
    return rc;
}

static inline int
r_lock(RWMutexObject *rw)
{
    uint64_t old = atomic_fetch_add_explicit(&rw->word, 1, memory_order_acquire);
    if (RC(old) + 1 >= 0) {
        return 0;
    }
    return r_lock_slow(rw, GEN(old));
}

static int
try_r_lock(RWMutexObject *rw)
{
    uint64_t old = atomic_load_explicit(&rw->word, memory_order_relaxed);
    while (RC(old) >= 0) {
        if (atomic_compare_exchange_weak_explicit(&rw->word, &old, old + 1,
                                                  memory_order_acquire,
                                                  memory_order_relaxed)) {
            return 1;
        }
    }
    return 0;
}

/* ---- the write side ----------------------------------------------------- */

/* 0, or -1 (state unchanged, no exception) if no writer holds the lock. */
static int
write_unlock(RWMutexObject *rw)
{
    uint64_t old = atomic_load(&rw->word);
    do {
        if (RC(old) >= 0) {
            return -1;
        }
    } while (!atomic_compare_exchange_weak(&rw->word, &old,
                                           old + (uint64_t)MAX_READERS + GEN_ONE));
    if (RC(old) + MAX_READERS != 0) {
        /* Admit every reader that queued during this term. */
        gostd_qlock_acquire(&rw->readers.mu);
        while (gostd_waitq_wake_one(&rw->readers, 1)) {
        }
        gostd_qlock_release(&rw->readers.mu);
    }
    (void)gostd_gomutex_unlock(&rw->w); /* held since lock(): cannot fail */
    return 0;
}

/* The announced writer gives up: unlock if it was let in, else leave that
 * to the last departing reader. */
static void
abandon_writer(RWMutexObject *rw)
{
    gostd_qlock_acquire(&rw->writer.mu);
    if (rw->writer_token) {
        rw->writer_token = 0;
        gostd_qlock_release(&rw->writer.mu);
        (void)write_unlock(rw);
        return;
    }
    rw->writer_abandoned = 1;
    gostd_qlock_release(&rw->writer.mu);
}

static int
wait_for_departing_readers(RWMutexObject *rw)
{
    gostd_waiter w;
    if (gostd_waiter_init(&w) < 0) {
        abandon_writer(rw);
        return -1;
    }
    int rc = 0;
    gostd_qlock_acquire(&rw->writer.mu);
    if (rw->writer_token) {
        rw->writer_token = 0;
        gostd_qlock_release(&rw->writer.mu);
    }
    else {
        gostd_waitq_push(&rw->writer, &w, 0);
        gostd_qlock_release(&rw->writer.mu);
        if (gostd_waiter_sleep(&w) < 0) {
            rc = -1;
            gostd_qlock_acquire(&rw->writer.mu);
            if (w.queued) {
                gostd_waitq_remove(&rw->writer, &w);
                rw->writer_abandoned = 1;
                gostd_qlock_release(&rw->writer.mu);
            }
            else {
                gostd_qlock_release(&rw->writer.mu);
                (void)write_unlock(rw);
            }
        }
    }
    gostd_waiter_fini(&rw->writer, &w);
    return rc;
}

static int
write_lock(RWMutexObject *rw)
{
    if (gostd_gomutex_lock(&rw->w) < 0) {
        return -1;
    }
    /* Announce: from here on arriving readers wait. */
    uint64_t old = atomic_fetch_sub(&rw->word, (uint64_t)MAX_READERS);
    int32_t r = (int32_t)RC(old);
    if (r != 0 && atomic_fetch_add(&rw->reader_wait, r) + r != 0) {
        return wait_for_departing_readers(rw);
    }
    return 0;
}

static int
try_write_lock(RWMutexObject *rw)
{
    if (!gostd_gomutex_try_lock(&rw->w)) {
        return 0;
    }
    uint64_t old = atomic_load(&rw->word);
    while (RC(old) == 0) {
        if (atomic_compare_exchange_weak(&rw->word, &old, old - (uint64_t)MAX_READERS)) {
            return 1;
        }
    }
    (void)gostd_gomutex_unlock(&rw->w);
    return 0;
}

/* ---- the Python types --------------------------------------------------- */

typedef struct {
    PyObject_HEAD
    RWMutexObject *rw;
} RLockerObject;

static PyObject *
RWMutex_new(PyTypeObject *type, PyObject *args, PyObject *kwds)
{
    /* Arguments are for a subclass's __init__ only. */
    if (type->tp_init == PyBaseObject_Type.tp_init &&
        ((args != NULL && PyTuple_GET_SIZE(args) != 0) ||
         (kwds != NULL && PyDict_GET_SIZE(kwds) != 0))) {
        PyErr_SetString(PyExc_TypeError, "RWMutex() takes no arguments");
        return NULL;
    }
    RWMutexObject *self = (RWMutexObject *)type->tp_alloc(type, 0);
    if (self != NULL) {
        gostd_gomutex_init(&self->w);
        atomic_store(&self->word, (uint64_t)BIAS);
        atomic_store(&self->reader_wait, 0);
        gostd_waitq_init(&self->readers);
        gostd_waitq_init(&self->writer);
        self->writer_token = 0;
        self->writer_abandoned = 0;
        self->weakreflist = NULL;
    }
    return (PyObject *)self;
}

static PyObject *
RWMutex_lock(RWMutexObject *self, PyObject *unused)
{
    if (write_lock(self) < 0) {
        return NULL;
    }
    Py_RETURN_NONE;
}

static PyObject *
RWMutex_unlock(RWMutexObject *self, PyObject *unused)
{
    if (write_unlock(self) < 0) {
        return gostd_raise_panic((PyObject *)self, UNLOCK_OF_UNLOCKED);
    }
    Py_RETURN_NONE;
}

static PyObject *
RWMutex_try_lock(RWMutexObject *self, PyObject *unused)
{
    return PyBool_FromLong(try_write_lock(self));
}

static PyObject *
RWMutex_r_lock(RWMutexObject *self, PyObject *unused)
{
    if (r_lock(self) < 0) {
        return NULL;
    }
    Py_RETURN_NONE;
}

static PyObject *
RWMutex_r_unlock(RWMutexObject *self, PyObject *unused)
{
    if (r_unlock(self) < 0) {
        return gostd_raise_panic((PyObject *)self, RUNLOCK_OF_UNLOCKED);
    }
    Py_RETURN_NONE;
}

static PyObject *
RWMutex_try_r_lock(RWMutexObject *self, PyObject *unused)
{
    return PyBool_FromLong(try_r_lock(self));
}

static PyObject *
RWMutex_enter(RWMutexObject *self, PyObject *unused)
{
    if (write_lock(self) < 0) {
        return NULL;
    }
    return Py_NewRef(self);
}

static PyObject *
RWMutex_exit(RWMutexObject *self, PyObject *const *args, Py_ssize_t nargs)
{
    return RWMutex_unlock(self, NULL);
}

static PyObject *
RWMutex_r_locker(RWMutexObject *self, PyObject *unused)
{
    PyTypeObject *tp = Py_TYPE(self);
    while (!((tp->tp_flags & Py_TPFLAGS_HEAPTYPE) && ((PyHeapTypeObject *)tp)->ht_module)) {
        tp = tp->tp_base;
    }
    PyObject *rl_type = PyObject_GetAttrString(((PyHeapTypeObject *)tp)->ht_module, "_RLocker");
    if (rl_type == NULL) {
        return NULL;
    }
    RLockerObject *rl = PyObject_GC_New(RLockerObject, (PyTypeObject *)rl_type);
    Py_DECREF(rl_type);
    if (rl == NULL) {
        return NULL;
    }
    rl->rw = (RWMutexObject *)Py_NewRef(self);
    PyObject_GC_Track(rl);
    return (PyObject *)rl;
}

static PyObject *
RWMutex_counts(RWMutexObject *self, PyObject *unused)
{
    uint64_t w = atomic_load(&self->word);
    return Py_BuildValue("(Li)", (long long)RC(w), (int)atomic_load(&self->reader_wait));
}

static PyObject *
RWMutex_writer_state(RWMutexObject *self, PyObject *unused)
{
    return gostd_gomutex_state(&self->w);
}

static PyObject *
RWMutex_repr(RWMutexObject *self)
{
    int64_t c = RC(atomic_load(&self->word));
    if (c < 0) {
        return PyUnicode_FromFormat("<RWMutex write-locked, readers=%lld at %p>",
                                    (long long)(c + MAX_READERS), (void *)self);
    }
    return PyUnicode_FromFormat("<RWMutex readers=%lld at %p>", (long long)c, (void *)self);
}

static PyMethodDef RWMutex_methods[] = {
    {"lock", (PyCFunction)RWMutex_lock, METH_NOARGS,
     "lock() -> None\n\nLock for writing; waits for the current readers or writer to leave.\n"
     "From the moment it waits, arriving readers wait behind it.  Interruptible\n"
     "like threading.Lock.acquire; an interrupted lock() leaves nothing held."},
    {"unlock", (PyCFunction)RWMutex_unlock, METH_NOARGS,
     "unlock() -> None\n\nUndo lock(); the readers that queued meanwhile get in before the next\n"
     "writer.  Raises gostd.Panic('sync: Unlock of unlocked RWMutex') if not write-locked."},
    {"try_lock", (PyCFunction)RWMutex_try_lock, METH_NOARGS,
     "try_lock() -> bool\n\nLock for writing only if the lock is free now; return whether it did."},
    {"r_lock", (PyCFunction)RWMutex_r_lock, METH_NOARGS,
     "r_lock() -> None\n\nLock for reading; waits while a writer holds or awaits the lock.\n"
     "So r_lock must not be used recursively.  Interruptible like lock()."},
    {"r_unlock", (PyCFunction)RWMutex_r_unlock, METH_NOARGS,
     "r_unlock() -> None\n\nUndo one r_lock(); raises\n"
     "gostd.Panic('sync: RUnlock of unlocked RWMutex') if no reader holds the lock."},
    {"try_r_lock", (PyCFunction)RWMutex_try_r_lock, METH_NOARGS,
     "try_r_lock() -> bool\n\nLock for reading only if no writer holds or awaits the lock."},
    {"r_locker", (PyCFunction)RWMutex_r_locker, METH_NOARGS,
     "r_locker() -> Locker\n\nA Locker (also a context manager) whose lock/unlock are\n"
     "this RWMutex's r_lock/r_unlock (Go's RLocker)."},
    {"__enter__", (PyCFunction)RWMutex_enter, METH_NOARGS, "Lock for writing; return the RWMutex."},
    {"__exit__", (PyCFunction)(void (*)(void))RWMutex_exit, METH_FASTCALL, "Unlock for writing."},
    {"_counts", (PyCFunction)RWMutex_counts, METH_NOARGS,
     "_counts() -> (reader_count, reader_wait)\n\nGo's two counters, for tests and debugging."},
    {"_writer_state", (PyCFunction)RWMutex_writer_state, METH_NOARGS,
     "_writer_state() -> dict\n\nA snapshot of the writers' Mutex, for tests and debugging."},
    GOSTD_NO_COPY_METHOD,
    {NULL, NULL, 0, NULL},
};

static PyMemberDef RWMutex_members[] = {
    {"__weaklistoffset__", T_PYSSIZET, offsetof(RWMutexObject, weakreflist), READONLY, NULL},
    {NULL, 0, 0, 0, NULL},
};

static PyType_Slot RWMutex_slots[] = {
    {Py_tp_new, RWMutex_new},
    {Py_tp_dealloc, gostd_lock_dealloc},
    {Py_tp_repr, RWMutex_repr},
    {Py_tp_methods, RWMutex_methods},
    {Py_tp_members, RWMutex_members},
    {Py_tp_doc,
     "RWMutex()\n\n"
     "A reader/writer mutual exclusion lock (Go's sync.RWMutex).\n\n"
     "Any number of readers (r_lock/r_unlock) or one writer (lock/unlock) hold it\n"
     "at a time.  Writers are never starved: once a writer waits, new readers wait\n"
     "behind it; when it unlocks, the readers that queued during its turn go before\n"
     "the next writer.  So a goroutine must not r_lock recursively, and a lock may\n"
     "be released by a goroutine other than the one that took it.\n"
     "`with rw:` holds the write side; `with rw.r_locker():` the read side.\n"
     "Misuse raises gostd.Panic: 'sync: RUnlock of unlocked RWMutex',\n"
     "'sync: Unlock of unlocked RWMutex'.  Copying or pickling raises TypeError."},
    {0, NULL},
};

static PyType_Spec RWMutex_spec = {
    .name = "gostd.sync.RWMutex",
    .basicsize = sizeof(RWMutexObject),
    .flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE | Py_TPFLAGS_IMMUTABLETYPE,
    .slots = RWMutex_slots,
};

/* _RLocker: the read side as a Locker; holds a reference to its RWMutex. */

static int
RLocker_traverse(RLockerObject *self, visitproc visit, void *arg)
{
    Py_VISIT(Py_TYPE(self));
    Py_VISIT(self->rw);
    return 0;
}

static int
RLocker_clear(RLockerObject *self)
{
    Py_CLEAR(self->rw);
    return 0;
}

static void
RLocker_dealloc(RLockerObject *self)
{
    PyTypeObject *tp = Py_TYPE(self);
    PyObject_GC_UnTrack(self);
    Py_CLEAR(self->rw);
    PyObject_GC_Del(self);
    Py_DECREF(tp);
}

static PyObject *
RLocker_lock(RLockerObject *self, PyObject *unused)
{
    if (self->rw == NULL) {
        PyErr_SetString(PyExc_ValueError, "RLocker was cleared");
        return NULL;
    }
    return RWMutex_r_lock(self->rw, NULL);
}

static PyObject *
RLocker_unlock(RLockerObject *self, PyObject *unused)
{
    if (self->rw == NULL) {
        PyErr_SetString(PyExc_ValueError, "RLocker was cleared");
        return NULL;
    }
    return RWMutex_r_unlock(self->rw, NULL);
}

static PyObject *
RLocker_enter(RLockerObject *self, PyObject *unused)
{
    PyObject *r = RLocker_lock(self, NULL);
    if (r == NULL) {
        return NULL;
    }
    Py_DECREF(r);
    return Py_NewRef(self);
}

static PyObject *
RLocker_exit(RLockerObject *self, PyObject *const *args, Py_ssize_t nargs)
{
    return RLocker_unlock(self, NULL);
}

static PyObject *
RLocker_repr(RLockerObject *self)
{
    return PyUnicode_FromFormat("<RLocker of %R>", (PyObject *)self->rw);
}

static PyMethodDef RLocker_methods[] = {
    {"lock", (PyCFunction)RLocker_lock, METH_NOARGS, "lock() -> None\n\nr_lock() the RWMutex."},
    {"unlock", (PyCFunction)RLocker_unlock, METH_NOARGS,
     "unlock() -> None\n\nr_unlock() the RWMutex."},
    {"__enter__", (PyCFunction)RLocker_enter, METH_NOARGS, "r_lock(); return the RLocker."},
    {"__exit__", (PyCFunction)(void (*)(void))RLocker_exit, METH_FASTCALL, "r_unlock()."},
    GOSTD_NO_COPY_METHOD,
    {NULL, NULL, 0, NULL},
};

static PyType_Slot RLocker_slots[] = {
    {Py_tp_dealloc, RLocker_dealloc},
    {Py_tp_traverse, RLocker_traverse},
    {Py_tp_clear, RLocker_clear},
    {Py_tp_repr, RLocker_repr},
    {Py_tp_methods, RLocker_methods},
    {Py_tp_doc, "The read side of an RWMutex as a Locker; made by RWMutex.r_locker()."},
    {0, NULL},
};

static PyType_Spec RLocker_spec = {
    .name = "gostd.sync._RLocker",
    .basicsize = sizeof(RLockerObject),
    .flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC | Py_TPFLAGS_IMMUTABLETYPE |
             Py_TPFLAGS_DISALLOW_INSTANTIATION,
    .slots = RLocker_slots,
};

int
gostd_rwmutex_exec(PyObject *module, core_state *st)
{
    PyObject *tp = PyType_FromModuleAndSpec(module, &RWMutex_spec, NULL);
    if (tp == NULL) {
        return -1;
    }
    int rc = PyModule_AddType(module, (PyTypeObject *)tp);
    Py_DECREF(tp);
    if (rc < 0) {
        return -1;
    }
    tp = PyType_FromModuleAndSpec(module, &RLocker_spec, NULL);
    if (tp == NULL) {
        return -1;
    }
    rc = PyModule_AddType(module, (PyTypeObject *)tp);
    Py_DECREF(tp);
    return rc;
}
