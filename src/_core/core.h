/* Shared declarations of the gostd._core extension. */
#ifndef GOSTD_CORE_H
#define GOSTD_CORE_H

#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdatomic.h>
#include <stdint.h>

#include "reclaim.h"

/* Per-module state: what the types need to find at run time. */
typedef struct {
    PyObject *panic;             /* gostd._panic.Panic */
    PyTypeObject *entry_type;    /* sync.Map's internal entry */
    PyTypeObject *map_iter_type; /* iterator over a Map snapshot */
    PyObject *miss;              /* (None, False), what Map.load returns on a miss */
} core_state;

static inline core_state *
core_state_of_type(PyTypeObject *tp)
{
    return (core_state *)PyType_GetModuleState(tp);
}

/* __reduce_ex__ of every type here: Go forbids copying a Map or an atomic
 * after first use (go vet's copylocks), so copy, deepcopy and pickle raise
 * TypeError instead of silently producing an unrelated zero value. */
PyObject *gostd_no_copy(PyObject *self, PyObject *protocol);
#define GOSTD_NO_COPY_METHOD \
    {"__reduce_ex__", (PyCFunction)gostd_no_copy, METH_O, "Refuse copying and pickling."}

/* tp_dealloc of a lock type (Mutex, RWMutex): it holds no references,
 * only a weak-reference list at its type's __weaklistoffset__. */
void gostd_lock_dealloc(PyObject *self);

/* Go's == on the values of Map.CompareAndSwap/CompareAndDelete and
 * Value.CompareAndSwap, spelt as Python's `a == b`: 1 equal, 0 not, -1 error.
 * Unlike PyObject_RichCompareBool there is no identity shortcut, so a NaN
 * never equals itself (Go: NaN != NaN), and an object whose == has no truth
 * value (a NumPy array) raises, as Go panics comparing uncomparable values. */
static inline int
gostd_equal(PyObject *a, PyObject *b)
{
    PyObject *r = PyObject_RichCompare(a, b, Py_EQ);
    if (r == NULL) {
        return -1;
    }
    int eq = PyObject_IsTrue(r);
    Py_DECREF(r);
    return eq;
}

/* Each concept registers its types on the module; 0 on success. */
int gostd_atomic_exec(PyObject *module, core_state *st);
int gostd_map_exec(PyObject *module, core_state *st);

/* A mutex that never blocks the interpreter: while a thread waits for it,
 * other threads run (the GIL, or the free-threaded stop-the-world requests,
 * are not held up). */
#if PY_VERSION_HEX >= 0x030D0000
typedef struct { PyMutex m; } gostd_mutex;
static inline int gostd_mutex_init(gostd_mutex *mu) { memset(mu, 0, sizeof(*mu)); return 0; }
static inline void gostd_mutex_fini(gostd_mutex *mu) { (void)mu; }
static inline void gostd_mutex_lock(gostd_mutex *mu) { PyMutex_Lock(&mu->m); }
static inline void gostd_mutex_unlock(gostd_mutex *mu) { PyMutex_Unlock(&mu->m); }
#else
typedef struct { PyThread_type_lock l; } gostd_mutex;
static inline int
gostd_mutex_init(gostd_mutex *mu)
{
    mu->l = PyThread_allocate_lock();
    if (mu->l == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    return 0;
}
static inline void
gostd_mutex_fini(gostd_mutex *mu)
{
    if (mu->l != NULL) {
        PyThread_free_lock(mu->l);
        mu->l = NULL;
    }
}
static inline void
gostd_mutex_lock(gostd_mutex *mu)
{
    if (!PyThread_acquire_lock(mu->l, NOWAIT_LOCK)) {
        Py_BEGIN_ALLOW_THREADS
        PyThread_acquire_lock(mu->l, WAIT_LOCK);
        Py_END_ALLOW_THREADS
    }
}
static inline void gostd_mutex_unlock(gostd_mutex *mu) { PyThread_release_lock(mu->l); }
#endif

#endif /* GOSTD_CORE_H */
