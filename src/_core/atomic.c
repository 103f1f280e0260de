/* sync/atomic: Int32, Int64, Uint32, Uint64, Uintptr, Bool, Pointer, Value.
 *
 * The integer types keep their value in C11 `_Atomic` fixed-width storage
 * and use the hardware's read-modify-write instructions, so every method is
 * lock-free and, as in Go, wraps around modulo 2**width.  Values are Python
 * ints: storing one that does not fit raises OverflowError, a non-int (bool
 * included, since Go has no implicit conversion from bool) raises TypeError.
 * `add` takes any int delta and reduces it modulo 2**width, which is Go's
 * `AddUint32(&x, ^uint32(0))` idiom for subtracting.
 *
 * Pointer and Value hold a PyObject* in an `_Atomic` slot.  The slot owns one
 * reference; readers take theirs inside a reclaim.h read section and writers
 * retire what they replace through gostd_retire() (or synchronize before
 * handing it to the caller), which is what keeps lock-free loads safe on
 * free-threaded builds.
 */
#include "core.h"

/* ---- integer conversion ------------------------------------------------ */

static int
int_arg(PyObject *o, const char *goname, int bits, int is_signed, uint64_t *out)
{
    if (PyBool_Check(o) || !PyIndex_Check(o)) {
        PyErr_Format(PyExc_TypeError, "%s value must be an int, not %.100s",
                     goname, Py_TYPE(o)->tp_name);
        return -1;
    }
    PyObject *n = PyNumber_Index(o);
    if (n == NULL) {
        return -1;
    }
    int fits;
    if (is_signed) {
        int overflow;
        long long x = PyLong_AsLongLongAndOverflow(n, &overflow);
        if (x == -1 && PyErr_Occurred()) {
            Py_DECREF(n);
            return -1;
        }
        fits = !overflow && (bits == 64 || (x >= INT32_MIN && x <= INT32_MAX));
        *out = (uint64_t)x;
    }
    else {
        unsigned long long x = PyLong_AsUnsignedLongLong(n);
        if (x == (unsigned long long)-1 && PyErr_Occurred()) {
            if (!PyErr_ExceptionMatches(PyExc_OverflowError)) {
                Py_DECREF(n);
                return -1;
            }
            PyErr_Clear();
            fits = 0;
        }
        else {
            fits = bits == 64 || x <= UINT32_MAX;
        }
        *out = (uint64_t)x;
    }
    if (!fits) {
        PyErr_Format(PyExc_OverflowError, "%R overflows %s", n, goname);
        Py_DECREF(n);
        return -1;
    }
    Py_DECREF(n);
    return 0;
}

/* Any int, reduced modulo 2**64 (callers truncate further for 32 bits). */
static int
delta_arg(PyObject *o, const char *goname, uint64_t *out)
{
    if (PyBool_Check(o) || !PyIndex_Check(o)) {
        PyErr_Format(PyExc_TypeError, "%s delta must be an int, not %.100s",
                     goname, Py_TYPE(o)->tp_name);
        return -1;
    }
    PyObject *n = PyNumber_Index(o);
    if (n == NULL) {
        return -1;
    }
    unsigned long long x = PyLong_AsUnsignedLongLongMask(n);
    Py_DECREF(n);
    if (x == (unsigned long long)-1 && PyErr_Occurred()) {
        return -1;
    }
    *out = (uint64_t)x;
    return 0;
}

static PyObject *
int_out(uint64_t v, int bits, int is_signed)
{
    if (bits == 32) {
        return is_signed ? PyLong_FromLong((long)(int32_t)(uint32_t)v)
                         : PyLong_FromUnsignedLong((unsigned long)(uint32_t)v);
    }
    return is_signed ? PyLong_FromLongLong((long long)(int64_t)v)
                     : PyLong_FromUnsignedLongLong((unsigned long long)v);
}

/* ---- integer types ----------------------------------------------------- */

typedef struct {
    PyObject_HEAD
    _Atomic(uint32_t) v;
} Atomic32;

typedef struct {
    PyObject_HEAD
    _Atomic(uint64_t) v;
} Atomic64;

#define DOC_LOAD "load() -> int\n\nAtomically load and return the value."
#define DOC_STORE "store(v: int) -> None\n\nAtomically store v.  OverflowError if v does not fit, TypeError if it is not an int."
#define DOC_SWAP "swap(new: int) -> int\n\nAtomically store new and return the previous value."
#define DOC_CAS "compare_and_swap(old: int, new: int) -> bool\n\nAtomically store new if the value is old; report whether it did."
#define DOC_ADD "add(delta: int) -> int\n\nAtomically add delta (any int, reduced modulo 2**width) and return the new value, wrapping around as Go does."
#define DOC_AND "and_(mask: int) -> int\n\nAtomically AND the value with mask and return the previous value."
#define DOC_OR "or_(mask: int) -> int\n\nAtomically OR the value with mask and return the previous value."

#define ATOMIC_INT_TYPE(NAME, GONAME, BITS, SIGNED, OBJ, UT)                        \
    static PyObject *                                                               \
    NAME##_new(PyTypeObject *type, PyObject *args, PyObject *kwds)                  \
    {                                                                               \
        static char *kwlist[] = {"value", NULL};                                    \
        PyObject *init = NULL;                                                      \
        uint64_t x = 0;                                                             \
        if (!PyArg_ParseTupleAndKeywords(args, kwds, "|O:" #NAME, kwlist, &init)) { \
            return NULL;                                                            \
        }                                                                           \
        if (init != NULL && int_arg(init, GONAME, BITS, SIGNED, &x) < 0) {          \
            return NULL;                                                            \
        }                                                                           \
        OBJ *self = (OBJ *)type->tp_alloc(type, 0);                                 \
        if (self != NULL) {                                                         \
            atomic_store(&self->v, (UT)x);                                          \
        }                                                                           \
        return (PyObject *)self;                                                    \
    }                                                                               \
    static PyObject *                                                               \
    NAME##_load(OBJ *self, PyObject *unused)                                        \
    {                                                                               \
        return int_out(atomic_load(&self->v), BITS, SIGNED);                        \
    }                                                                               \
    static PyObject *                                                               \
    NAME##_store(OBJ *self, PyObject *arg)                                          \
    {                                                                               \
        uint64_t x;                                                                 \
        if (int_arg(arg, GONAME, BITS, SIGNED, &x) < 0) {                           \
            return NULL;                                                            \
        }                                                                           \
        atomic_store(&self->v, (UT)x);                                              \
        Py_RETURN_NONE;                                                             \
    }                                                                               \
    static PyObject *                                                               \
    NAME##_swap(OBJ *self, PyObject *arg)                                           \
    {                                                                               \
        uint64_t x;                                                                 \
        if (int_arg(arg, GONAME, BITS, SIGNED, &x) < 0) {                           \
            return NULL;                                                            \
        }                                                                           \
        return int_out(atomic_exchange(&self->v, (UT)x), BITS, SIGNED);             \
    }                                                                               \
    static PyObject *                                                               \
    NAME##_cas(OBJ *self, PyObject *const *args, Py_ssize_t nargs)                  \
    {                                                                               \
        uint64_t o, n;                                                              \
        if (nargs != 2) {                                                           \
            PyErr_Format(PyExc_TypeError,                                           \
                         "compare_and_swap() takes 2 arguments (%zd given)", nargs); \
            return NULL;                                                            \
        }                                                                           \
        if (int_arg(args[0], GONAME, BITS, SIGNED, &o) < 0 ||                       \
            int_arg(args[1], GONAME, BITS, SIGNED, &n) < 0) {                       \
            return NULL;                                                            \
        }                                                                           \
        UT expected = (UT)o;                                                        \
        return PyBool_FromLong(                                                     \
            atomic_compare_exchange_strong(&self->v, &expected, (UT)n));            \
    }                                                                               \
    static PyObject *                                                               \
    NAME##_add(OBJ *self, PyObject *arg)                                            \
    {                                                                               \
        uint64_t d;                                                                 \
        if (delta_arg(arg, GONAME, &d) < 0) {                                       \
            return NULL;                                                            \
        }                                                                           \
        UT now = (UT)(atomic_fetch_add(&self->v, (UT)d) + (UT)d);                   \
        return int_out(now, BITS, SIGNED);                                          \
    }                                                                               \
    static PyObject *                                                               \
    NAME##_and(OBJ *self, PyObject *arg)                                            \
    {                                                                               \
        uint64_t m;                                                                 \
        if (int_arg(arg, GONAME, BITS, SIGNED, &m) < 0) {                           \
            return NULL;                                                            \
        }                                                                           \
        return int_out(atomic_fetch_and(&self->v, (UT)m), BITS, SIGNED);            \
    }                                                                               \
    static PyObject *                                                               \
    NAME##_or(OBJ *self, PyObject *arg)                                             \
    {                                                                               \
        uint64_t m;                                                                 \
        if (int_arg(arg, GONAME, BITS, SIGNED, &m) < 0) {                           \
            return NULL;                                                            \
        }                                                                           \
        return int_out(atomic_fetch_or(&self->v, (UT)m), BITS, SIGNED);             \
    }                                                                               \
    static PyObject *                                                               \
    NAME##_repr(OBJ *self)                                                          \
    {                                                                               \
        PyObject *v = int_out(atomic_load(&self->v), BITS, SIGNED);                 \
        if (v == NULL) {                                                            \
            return NULL;                                                            \
        }                                                                           \
        PyObject *r = PyUnicode_FromFormat(#NAME "(%S)", v);                        \
        Py_DECREF(v);                                                               \
        return r;                                                                   \
    }                                                                               \
    static PyMethodDef NAME##_methods[] = {                                         \
        {"load", (PyCFunction)NAME##_load, METH_NOARGS, DOC_LOAD},                  \
        {"store", (PyCFunction)NAME##_store, METH_O, DOC_STORE},                    \
        {"swap", (PyCFunction)NAME##_swap, METH_O, DOC_SWAP},                       \
        {"compare_and_swap", (PyCFunction)(void (*)(void))NAME##_cas,               \
         METH_FASTCALL, DOC_CAS},                                                   \
        {"add", (PyCFunction)NAME##_add, METH_O, DOC_ADD},                          \
        {"and_", (PyCFunction)NAME##_and, METH_O, DOC_AND},                         \
        {"or_", (PyCFunction)NAME##_or, METH_O, DOC_OR},                            \
        GOSTD_NO_COPY_METHOD,                                                       \
        {NULL, NULL, 0, NULL},                                                      \
    };                                                                              \
    static PyType_Slot NAME##_slots[] = {                                           \
        {Py_tp_new, NAME##_new},                                                    \
        {Py_tp_repr, NAME##_repr},                                                  \
        {Py_tp_methods, NAME##_methods},                                            \
        {Py_tp_doc, #NAME "(value: int = 0)\n\nAn atomic " GONAME                   \
                    ": a fixed-width integer whose methods are lock-free and wrap " \
                    "around modulo 2**" #BITS " as Go's sync/atomic." #NAME " does."}, \
        {0, NULL},                                                                  \
    };                                                                              \
    static PyType_Spec NAME##_spec = {                                              \
        .name = "gostd.sync.atomic." #NAME,                                         \
        .basicsize = sizeof(OBJ),                                                   \
        .flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_IMMUTABLETYPE,                     \
        .slots = NAME##_slots,                                                      \
    };

ATOMIC_INT_TYPE(Int32, "int32", 32, 1, Atomic32, uint32_t)
ATOMIC_INT_TYPE(Uint32, "uint32", 32, 0, Atomic32, uint32_t)
ATOMIC_INT_TYPE(Int64, "int64", 64, 1, Atomic64, uint64_t)
ATOMIC_INT_TYPE(Uint64, "uint64", 64, 0, Atomic64, uint64_t)
#if UINTPTR_MAX == UINT64_MAX
ATOMIC_INT_TYPE(Uintptr, "uintptr", 64, 0, Atomic64, uint64_t)
#else
ATOMIC_INT_TYPE(Uintptr, "uintptr", 32, 0, Atomic32, uint32_t)
#endif

/* ---- Bool -------------------------------------------------------------- */

typedef struct {
    PyObject_HEAD
    _Atomic(uint32_t) v; /* 0 or 1, as Go's Bool */
} AtomicBool;

static int
bool_arg(PyObject *o, uint32_t *out)
{
    if (!PyBool_Check(o)) {
        PyErr_Format(PyExc_TypeError, "bool value must be True or False, not %.100s",
                     Py_TYPE(o)->tp_name);
        return -1;
    }
    *out = o == Py_True;
    return 0;
}

static PyObject *
Bool_new(PyTypeObject *type, PyObject *args, PyObject *kwds)
{
    static char *kwlist[] = {"value", NULL};
    PyObject *init = NULL;
    uint32_t x = 0;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "|O:Bool", kwlist, &init)) {
        return NULL;
    }
    if (init != NULL && bool_arg(init, &x) < 0) {
        return NULL;
    }
    AtomicBool *self = (AtomicBool *)type->tp_alloc(type, 0);
    if (self != NULL) {
        atomic_store(&self->v, x);
    }
    return (PyObject *)self;
}

static PyObject *
Bool_load(AtomicBool *self, PyObject *unused)
{
    return PyBool_FromLong(atomic_load(&self->v));
}

static PyObject *
Bool_store(AtomicBool *self, PyObject *arg)
{
    uint32_t x;
    if (bool_arg(arg, &x) < 0) {
        return NULL;
    }
    atomic_store(&self->v, x);
    Py_RETURN_NONE;
}

static PyObject *
Bool_swap(AtomicBool *self, PyObject *arg)
{
    uint32_t x;
    if (bool_arg(arg, &x) < 0) {
        return NULL;
    }
    return PyBool_FromLong(atomic_exchange(&self->v, x));
}

static PyObject *
Bool_cas(AtomicBool *self, PyObject *const *args, Py_ssize_t nargs)
{
    uint32_t o, n;
    if (nargs != 2) {
        PyErr_Format(PyExc_TypeError, "compare_and_swap() takes 2 arguments (%zd given)", nargs);
        return NULL;
    }
    if (bool_arg(args[0], &o) < 0 || bool_arg(args[1], &n) < 0) {
        return NULL;
    }
    return PyBool_FromLong(atomic_compare_exchange_strong(&self->v, &o, n));
}

static PyObject *
Bool_repr(AtomicBool *self)
{
    return PyUnicode_FromString(atomic_load(&self->v) ? "Bool(True)" : "Bool(False)");
}

static PyMethodDef Bool_methods[] = {
    GOSTD_NO_COPY_METHOD,
    {"load", (PyCFunction)Bool_load, METH_NOARGS, "load() -> bool\n\nAtomically load the value."},
    {"store", (PyCFunction)Bool_store, METH_O,
     "store(v: bool) -> None\n\nAtomically store v; TypeError unless v is a bool."},
    {"swap", (PyCFunction)Bool_swap, METH_O,
     "swap(new: bool) -> bool\n\nAtomically store new and return the previous value."},
    {"compare_and_swap", (PyCFunction)(void (*)(void))Bool_cas, METH_FASTCALL,
     "compare_and_swap(old: bool, new: bool) -> bool\n\nAtomically store new if the value is old."},
    {NULL, NULL, 0, NULL},
};

static PyType_Slot Bool_slots[] = {
    {Py_tp_new, Bool_new},
    {Py_tp_repr, Bool_repr},
    {Py_tp_methods, Bool_methods},
    {Py_tp_doc, "Bool(value: bool = False)\n\nAn atomic boolean (Go's atomic.Bool)."},
    {0, NULL},
};

static PyType_Spec Bool_spec = {
    .name = "gostd.sync.atomic.Bool",
    .basicsize = sizeof(AtomicBool),
    .flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_IMMUTABLETYPE,
    .slots = Bool_slots,
};

/* ---- object slots shared by Pointer and Value ---------------------------- */

/* The slot owns one reference to its object, or is NULL. */
typedef struct {
    PyObject_HEAD
    _Atomic(PyObject *) p;
} AtomicRef;

static int
ref_traverse(AtomicRef *self, visitproc visit, void *arg)
{
    Py_VISIT(Py_TYPE(self));
    Py_VISIT(atomic_load_explicit(&self->p, memory_order_relaxed));
    return 0;
}

static int
ref_clear(AtomicRef *self)
{
    /* Only the collector calls this, with the world stopped or the GIL held
     * and no other reference to self that could be loading. */
    PyObject *old = atomic_exchange(&self->p, NULL);
    Py_XDECREF(old);
    return 0;
}

static void
ref_dealloc(AtomicRef *self)
{
    PyTypeObject *tp = Py_TYPE(self);
    PyObject_GC_UnTrack(self);
    (void)ref_clear(self);
    tp->tp_free(self);
    Py_DECREF(tp);
}

/* Store a new reference to `v` (or NULL) and return the owned previous
 * object, already past its grace period, or NULL. */
static PyObject *
ref_exchange(AtomicRef *self, PyObject *v)
{
    Py_XINCREF(v);
    PyObject *old = atomic_exchange(&self->p, v);
    if (old != NULL) {
        gostd_rc_synchronize();
    }
    return old;
}

static PyObject *
ref_repr(AtomicRef *self, const char *name)
{
    PyObject *cur = gostd_load_ref(&self->p);
    if (cur == NULL) {
        return PyUnicode_FromFormat("%s()", name);
    }
    PyObject *r = PyUnicode_FromFormat("%s(%R)", name, cur);
    Py_DECREF(cur);
    return r;
}

/* ---- Pointer ------------------------------------------------------------ */
/* None is Go's nil pointer and is kept as NULL.  Comparison is by identity. */

#define NIL_TO_NULL(o) ((o) == Py_None ? NULL : (o))

static PyObject *
Pointer_new(PyTypeObject *type, PyObject *args, PyObject *kwds)
{
    static char *kwlist[] = {"value", NULL};
    PyObject *init = Py_None;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "|O:Pointer", kwlist, &init)) {
        return NULL;
    }
    AtomicRef *self = (AtomicRef *)type->tp_alloc(type, 0);
    if (self != NULL) {
        init = NIL_TO_NULL(init);
        Py_XINCREF(init);
        atomic_store(&self->p, init);
    }
    return (PyObject *)self;
}

static PyObject *
Pointer_load(AtomicRef *self, PyObject *unused)
{
    PyObject *cur = gostd_load_ref(&self->p);
    if (cur == NULL) {
        Py_RETURN_NONE;
    }
    return cur;
}

static PyObject *
Pointer_store(AtomicRef *self, PyObject *arg)
{
    PyObject *old = ref_exchange(self, NIL_TO_NULL(arg));
    Py_XDECREF(old);
    Py_RETURN_NONE;
}

static PyObject *
Pointer_swap(AtomicRef *self, PyObject *arg)
{
    PyObject *old = ref_exchange(self, NIL_TO_NULL(arg));
    if (old == NULL) {
        Py_RETURN_NONE;
    }
    return old;
}

static PyObject *
Pointer_cas(AtomicRef *self, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 2) {
        PyErr_Format(PyExc_TypeError, "compare_and_swap() takes 2 arguments (%zd given)", nargs);
        return NULL;
    }
    /* The caller holds `old`, so its address cannot be reused while we
     * compare: identity is exact, no ABA. */
    PyObject *expected = NIL_TO_NULL(args[0]);
    PyObject *new = NIL_TO_NULL(args[1]);
    Py_XINCREF(new);
    if (atomic_compare_exchange_strong(&self->p, &expected, new)) {
        gostd_retire(expected);
        Py_RETURN_TRUE;
    }
    Py_XDECREF(new);
    Py_RETURN_FALSE;
}

static PyObject *
Pointer_repr(AtomicRef *self)
{
    return ref_repr(self, "Pointer");
}

static PyMethodDef Pointer_methods[] = {
    GOSTD_NO_COPY_METHOD,
    {"load", (PyCFunction)Pointer_load, METH_NOARGS,
     "load() -> T | None\n\nAtomically load the pointer (None is Go's nil)."},
    {"store", (PyCFunction)Pointer_store, METH_O,
     "store(v: T | None) -> None\n\nAtomically store v."},
    {"swap", (PyCFunction)Pointer_swap, METH_O,
     "swap(new: T | None) -> T | None\n\nAtomically store new and return the previous pointer."},
    {"compare_and_swap", (PyCFunction)(void (*)(void))Pointer_cas, METH_FASTCALL,
     "compare_and_swap(old: T | None, new: T | None) -> bool\n\n"
     "Atomically store new if the pointer is old (compared by identity, `is`)."},
    {"__class_getitem__", Py_GenericAlias, METH_O | METH_CLASS, "Pointer[T]"},
    {NULL, NULL, 0, NULL},
};

static PyType_Slot Pointer_slots[] = {
    {Py_tp_new, Pointer_new},
    {Py_tp_dealloc, ref_dealloc},
    {Py_tp_traverse, ref_traverse},
    {Py_tp_clear, ref_clear},
    {Py_tp_repr, Pointer_repr},
    {Py_tp_methods, Pointer_methods},
    {Py_tp_doc, "Pointer[T](value: T | None = None)\n\n"
                "An atomic pointer to an object (Go's atomic.Pointer[T]); None is nil.\n"
                "compare_and_swap compares by identity, as Go compares pointers."},
    {0, NULL},
};

static PyType_Spec Pointer_spec = {
    .name = "gostd.sync.atomic.Pointer",
    .basicsize = sizeof(AtomicRef),
    .flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_IMMUTABLETYPE | Py_TPFLAGS_HAVE_GC,
    .slots = Pointer_slots,
};

/* ---- Value --------------------------------------------------------------- */
/* Empty (NULL) until the first store; never empty again, since storing None
 * panics.  So the type of any loaded value is the type every later store
 * must have. */

static PyObject *
value_panic(AtomicRef *self, const char *msg)
{
    PyErr_SetString(core_state_of_type(Py_TYPE(self))->panic, msg);
    return NULL;
}

/* Install `v` (a non-None object) and return the owned previous value, or
 * NULL with *err set on panic.  `what` is "store" or "swap" for messages. */
static PyObject *
value_exchange(AtomicRef *self, PyObject *v, int is_swap, int *err)
{
    *err = 0;
    for (;;) {
        PyObject *cur = gostd_load_ref(&self->p);
        if (cur == NULL) {
            PyObject *expected = NULL;
            Py_INCREF(v);
            if (atomic_compare_exchange_strong(&self->p, &expected, v)) {
                return NULL;
            }
            Py_DECREF(v);
            continue;
        }
        int same = Py_TYPE(cur) == Py_TYPE(v);
        Py_DECREF(cur);
        if (!same) {
            *err = 1;
            value_panic(self, is_swap
                ? "sync/atomic: swap of inconsistently typed value into Value"
                : "sync/atomic: store of inconsistently typed value into Value");
            return NULL;
        }
        return ref_exchange(self, v);
    }
}

static PyObject *
Value_new(PyTypeObject *type, PyObject *args, PyObject *kwds)
{
    if (PyTuple_GET_SIZE(args) != 0 || (kwds != NULL && PyDict_GET_SIZE(kwds) != 0)) {
        PyErr_SetString(PyExc_TypeError, "Value() takes no arguments");
        return NULL;
    }
    return type->tp_alloc(type, 0);
}

static PyObject *
Value_load(AtomicRef *self, PyObject *unused)
{
    PyObject *cur = gostd_load_ref(&self->p);
    if (cur == NULL) {
        Py_RETURN_NONE;
    }
    return cur;
}

static PyObject *
Value_store(AtomicRef *self, PyObject *arg)
{
    int err;
    if (arg == Py_None) {
        return value_panic(self, "sync/atomic: store of nil value into Value");
    }
    PyObject *old = value_exchange(self, arg, 0, &err);
    if (err) {
        return NULL;
    }
    Py_XDECREF(old);
    Py_RETURN_NONE;
}

static PyObject *
Value_swap(AtomicRef *self, PyObject *arg)
{
    int err;
    if (arg == Py_None) {
        return value_panic(self, "sync/atomic: swap of nil value into Value");
    }
    PyObject *old = value_exchange(self, arg, 1, &err);
    if (err) {
        return NULL;
    }
    if (old == NULL) {
        Py_RETURN_NONE;
    }
    return old;
}

static PyObject *
Value_cas(AtomicRef *self, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 2) {
        PyErr_Format(PyExc_TypeError, "compare_and_swap() takes 2 arguments (%zd given)", nargs);
        return NULL;
    }
    PyObject *old = args[0], *new = args[1];
    if (new == Py_None) {
        return value_panic(self, "sync/atomic: compare and swap of nil value into Value");
    }
    if (old != Py_None && Py_TYPE(old) != Py_TYPE(new)) {
        return value_panic(self, "sync/atomic: compare and swap of inconsistently typed values");
    }
    for (;;) {
        PyObject *cur = gostd_load_ref(&self->p);
        if (cur == NULL) {
            if (old != Py_None) {
                Py_RETURN_FALSE;
            }
            PyObject *expected = NULL;
            Py_INCREF(new);
            if (atomic_compare_exchange_strong(&self->p, &expected, new)) {
                Py_RETURN_TRUE;
            }
            Py_DECREF(new);
            continue;
        }
        if (Py_TYPE(cur) != Py_TYPE(new)) {
            Py_DECREF(cur);
            return value_panic(
                self, "sync/atomic: compare and swap of inconsistently typed value into Value");
        }
        if (old == Py_None) { /* a stored value never equals nil */
            Py_DECREF(cur);
            Py_RETURN_FALSE;
        }
        /* Go compares the values with ==; so do we, then swap only if the
         * slot still holds the very object we compared (we hold a reference
         * to it, so its address cannot be reused meanwhile). */
        int eq = gostd_equal(cur, old);
        if (eq <= 0) {
            Py_DECREF(cur);
            if (eq < 0) {
                return NULL;
            }
            Py_RETURN_FALSE;
        }
        PyObject *expected = cur;
        Py_INCREF(new);
        if (atomic_compare_exchange_strong(&self->p, &expected, new)) {
            Py_DECREF(cur);   /* our load's reference */
            gostd_retire(cur); /* the slot's reference */
            Py_RETURN_TRUE;
        }
        Py_DECREF(new);
        Py_DECREF(cur);
    }
}

static PyObject *
Value_repr(AtomicRef *self)
{
    return ref_repr(self, "Value");
}

static PyMethodDef Value_methods[] = {
    GOSTD_NO_COPY_METHOD,
    {"load", (PyCFunction)Value_load, METH_NOARGS,
     "load() -> object\n\nThe value most recently stored, or None if none was."},
    {"store", (PyCFunction)Value_store, METH_O,
     "store(v: object) -> None\n\nAtomically store v.  Panic if v is None or its type differs\n"
     "from the first value stored."},
    {"swap", (PyCFunction)Value_swap, METH_O,
     "swap(new: object) -> object\n\nAtomically store new and return the previous value (None\n"
     "if empty); Panic on None or an inconsistent type."},
    {"compare_and_swap", (PyCFunction)(void (*)(void))Value_cas, METH_FASTCALL,
     "compare_and_swap(old: object, new: object) -> bool\n\nAtomically store new if the value "
     "== old (old None matches only an empty Value).\nPanic on None new or inconsistent types, "
     "with Go's messages."},
    {NULL, NULL, 0, NULL},
};

static PyType_Slot Value_slots[] = {
    {Py_tp_new, Value_new},
    {Py_tp_dealloc, ref_dealloc},
    {Py_tp_traverse, ref_traverse},
    {Py_tp_clear, ref_clear},
    {Py_tp_repr, Value_repr},
    {Py_tp_methods, Value_methods},
    {Py_tp_doc, "Value()\n\nGo's atomic.Value: an atomically loaded and stored object whose\n"
                "type is fixed by the first store.  Misuse raises gostd.Panic."},
    {0, NULL},
};

static PyType_Spec Value_spec = {
    .name = "gostd.sync.atomic.Value",
    .basicsize = sizeof(AtomicRef),
    .flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_IMMUTABLETYPE | Py_TPFLAGS_HAVE_GC,
    .slots = Value_slots,
};

/* ---- registration ------------------------------------------------------- */

static int
add_type(PyObject *module, PyType_Spec *spec)
{
    PyObject *tp = PyType_FromModuleAndSpec(module, spec, NULL);
    if (tp == NULL) {
        return -1;
    }
    int rc = PyModule_AddType(module, (PyTypeObject *)tp);
    Py_DECREF(tp);
    return rc;
}

int
gostd_atomic_exec(PyObject *module, core_state *st)
{
    PyType_Spec *specs[] = {&Int32_spec, &Int64_spec, &Uint32_spec, &Uint64_spec,
                            &Uintptr_spec, &Bool_spec, &Pointer_spec, &Value_spec};
    for (size_t i = 0; i < sizeof(specs) / sizeof(specs[0]); i++) {
        if (add_type(module, specs[i]) < 0) {
            return -1;
        }
    }
    return 0;
}
