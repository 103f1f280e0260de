/* encoding/gob: the hot loops of struct encoding and decoding, in C.
 *
 * The pure-Python codec (gostd/encoding/gob) compiles, per Go struct type,
 * generated Python functions.  The two types here run the same loops from
 * an immutable table (a "plan") built once from that same compilation:
 *
 *   GobEncPlan(fields, fallback, slice, nil_check, gob_error)
 *       called as op(enc, b, v): appends v's field list (or, with slice, a
 *       slice of such structs) to bytearray b.  fields is a tuple of
 *       (attr, kind, fieldop) in field order; fieldop(enc, b, x, last) is the
 *       generated Python code of that one field and returns the new "last
 *       field sent".  A kind below ENC_OTHER is done here when the value has
 *       the exact expected Python type (int, float, str, bool, bytes, list
 *       or tuple of ASCII str); anything else, including every error, runs
 *       fieldop, so values and error texts are the Python path's by
 *       construction.  fallback is the generated Python op, used for a slice
 *       that is not an exact list or tuple.
 *
 *   GobDecPlan(fields, names, defaults, slots, cls, fallback, gob_error,
 *              read_uint, string_op, slice, size, elem_go)
 *       called as op(dec, buf, pos) -> (value, pos), a struct (or with slice
 *       a list of structs) decoded from bytes or bytearray buf.  fields is a
 *       tuple of (kind, target, op) per remote field; target indexes names
 *       and defaults (the local fields, each default a (is_factory, value)
 *       pair) or is -1 for a skipped field.  Only well-formed short
 *       encodings are decoded here; whatever the generated code hands to a
 *       Python op (long or malformed integers, long strings, kinds DEC_OTHER)
 *       is handed to the same op, and errors raised directly by the generated
 *       code are raised here with the same texts.  Reading past the end of
 *       buf raises IndexError, as buf[pos] does.  fallback (the generated
 *       decoder) runs for any other buffer type.
 *
 * Invariants: a plan never changes after construction, so threads share
 * plans freely (free-threaded builds included).  Every read of buf is
 * bounds-checked against its current length, which is reloaded after any
 * Python call (an op decoding an interface may append to a bytearray).
 * Memory grows only with bytes consumed: each struct of a slice and each
 * string of a []string consumes at least one byte before anything is
 * allocated for it.  The bytearray being encoded into is private to the
 * encoder call; the C writer over-allocates it and trims it back before
 * any Python code runs and before returning.  Python code (field ops,
 * element ops, factories, __new__, __setattr__ of "obj" classes) may run
 * in the middle of a loop: nothing here holds a borrowed pointer into a
 * mutable object across such a call.
 *
 * Depth: values nest through Python code (a field's op) calling a plan
 * again, and every such level costs C stack (the plan's frame and the
 * interpreter's), which Python's recursion limit does not bound: a value
 * 600 deep overflowed a 512 KiB thread stack.  So each plan call first
 * checks the thread's remaining stack (stack.h) and fails with GobError
 * "gob: invalid nesting depth" below the floor, whatever thread it runs on.
 */
#include "core.h"
#include "stack.h"

#include <stddef.h>
#include <string.h>
#if PY_VERSION_HEX < 0x030C0000
#include <structmember.h>
#define Py_T_PYSSIZET T_PYSSIZET
#define Py_T_OBJECT_EX T_OBJECT_EX
#define Py_READONLY READONLY
#endif

#define GOB_TOO_BIG ((uint64_t)1 << 33)   /* Go's tooBig: 1 GiB << 3 */

/* Encoding kinds (the generated Python's inline cases). */
enum { ENC_INT, ENC_UINT, ENC_BOOL, ENC_STRING, ENC_FLOAT, ENC_STRSLICE, ENC_BYTES, ENC_OTHER };
/* Decoding kinds, as _decgen's K_* names. */
enum { DEC_INT, DEC_UINT, DEC_BOOL, DEC_STRING, DEC_FLOAT, DEC_STRSLICE, DEC_OTHER };

/* A critical section on a list being iterated (free-threaded builds); the
 * GIL does the job before 3.13, as long as no Python code runs inside. */
#if PY_VERSION_HEX >= 0x030D0000
#define GOB_BEGIN_CS(o) Py_BEGIN_CRITICAL_SECTION(o)
#define GOB_END_CS() Py_END_CRITICAL_SECTION()
#else
#define GOB_BEGIN_CS(o) {
#define GOB_END_CS() }
#endif

static inline uint64_t
bswap64(uint64_t x)
{
    x = ((x & 0x00ff00ff00ff00ffULL) << 8) | ((x >> 8) & 0x00ff00ff00ff00ffULL);
    x = ((x & 0x0000ffff0000ffffULL) << 16) | ((x >> 16) & 0x0000ffff0000ffffULL);
    return (x << 32) | (x >> 32);
}

/* ===================================================================== */
/* ---- encoding ---------------------------------------------------------- */

/* An append cursor over a bytearray.  Between w_open and w_sync the
 * bytearray's size is cap (bytes past len are scratch); after w_sync it is
 * exactly len again, which is what Python code must see. */
typedef struct {
    PyObject *ba;
    char *p;
    Py_ssize_t len;
    Py_ssize_t cap;
} gob_writer;

static void
w_open(gob_writer *w, PyObject *ba)
{
    w->ba = ba;
    w->len = w->cap = PyByteArray_GET_SIZE(ba);
    w->p = PyByteArray_AS_STRING(ba);
}

/* Room for n more bytes at p + len.  The size asked for grows by an
 * eighth: a bytearray over-allocates such requests itself, and trimming it
 * back in w_sync then stays within its allocation (no copy), so a plan
 * called once per element of a long slice (a nested struct field) costs
 * amortised O(1) here, not a copy of everything written so far. */
static int
w_reserve(gob_writer *w, Py_ssize_t n)
{
    if (w->cap - w->len >= n) {
        return 0;
    }
    if (n > PY_SSIZE_T_MAX / 4 - w->len) {
        PyErr_NoMemory();
        return -1;
    }
    Py_ssize_t want = w->len + n + (w->len >> 3) + 64;
    if (PyByteArray_Resize(w->ba, want) < 0) {
        return -1;
    }
    w->cap = want;
    w->p = PyByteArray_AS_STRING(w->ba);
    return 0;
}

static int
w_sync(gob_writer *w)
{
    if (w->cap != w->len) {
        if (PyByteArray_Resize(w->ba, w->len) < 0) {
            return -1;
        }
        w->cap = w->len;
        w->p = PyByteArray_AS_STRING(w->ba);
    }
    return 0;
}

/* gob's unsigned integer; the caller reserved 9 bytes. */
static inline void
w_uint(gob_writer *w, uint64_t x)
{
    if (x < 0x80) {
        w->p[w->len++] = (char)x;
        return;
    }
    int n = 1;
    while (n < 8 && (x >> (8 * n)) != 0) {
        n++;
    }
    w->p[w->len++] = (char)(256 - n);
    for (int k = n - 1; k >= 0; k--) {
        w->p[w->len++] = (char)(x >> (8 * k));
    }
}

static int
w_bytes(gob_writer *w, const char *s, Py_ssize_t n)
{
    if (w_reserve(w, n + 9) < 0) {
        return -1;
    }
    w_uint(w, (uint64_t)n);
    memcpy(w->p + w->len, s, (size_t)n);
    w->len += n;
    return 0;
}

typedef struct {
    PyObject *attr;     /* interned attribute name */
    int kind;           /* ENC_* */
    PyObject *fieldop;  /* fieldop(enc, b, x, last) -> last */
} enc_field;

typedef struct {
    PyObject_HEAD
    vectorcallfunc vectorcall;
    PyObject *fields_tuple; /* the constructor's tuple, kept for traverse */
    PyObject *fallback;
    PyObject *gob_error;
    Py_ssize_t nfields;
    int slice;
    int nil_check;
    enc_field *fields;      /* borrowed from fields_tuple */
} EncPlan;

/* Results of the per-kind encoders. */
#define F_ERROR (-1)
#define F_PYTHON 0     /* not handled: run the field's Python code */
#define F_OMITTED 1    /* a zero value: nothing sent */
#define F_SENT 2
#define F_GROW 3       /* (strslice) the buffer needs *need free bytes first */

/* Exact list or tuple of ASCII str (caller holds the critical section).
 * It never grows the buffer: a resize might take a lock of its own and so
 * suspend the section, leaving `items` stale.  With too little room it
 * returns F_GROW and the size needed, for the caller to grow it outside. */
static int
enc_strslice_locked(gob_writer *w, uint64_t delta, PyObject *seq, Py_ssize_t *need)
{
    Py_ssize_t n = PySequence_Fast_GET_SIZE(seq);
    PyObject **items = PySequence_Fast_ITEMS(seq);
    if (n == 0) {
        return F_OMITTED;
    }
    Py_ssize_t total = 18;
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *s = items[i];
        if (!PyUnicode_CheckExact(s)) {
            return F_PYTHON;
        }
#if PY_VERSION_HEX < 0x030C0000
        if (PyUnicode_READY(s) < 0) {
            return F_ERROR;
        }
#endif
        if (!PyUnicode_IS_ASCII(s)) {
            return F_PYTHON;
        }
        Py_ssize_t len = PyUnicode_GET_LENGTH(s);
        if (len > PY_SSIZE_T_MAX / 4 - total) {
            PyErr_NoMemory();
            return F_ERROR;
        }
        total += len + 9;
    }
    if (w->cap - w->len < total) {
        *need = total;
        return F_GROW;
    }
    w_uint(w, delta);
    w_uint(w, (uint64_t)n);
    for (Py_ssize_t i = 0; i < n; i++) {
        Py_ssize_t len = PyUnicode_GET_LENGTH(items[i]);
        w_uint(w, (uint64_t)len);
        memcpy(w->p + w->len, PyUnicode_1BYTE_DATA(items[i]), (size_t)len);
        w->len += len;
    }
    return F_SENT;
}

/* One field value x of kind `kind`, sent with field delta `delta`. */
static int
enc_value(gob_writer *w, int kind, uint64_t delta, PyObject *x)
{
    switch (kind) {
    case ENC_INT: {
        if (!PyLong_CheckExact(x)) {
            return F_PYTHON;
        }
        int overflow;
        long long v = PyLong_AsLongLongAndOverflow(x, &overflow);
        if (overflow) {
            return F_PYTHON;
        }
        if (v == -1 && PyErr_Occurred()) {
            return F_ERROR;
        }
        if (v == 0) {
            return F_OMITTED;
        }
        uint64_t u = v >= 0 ? (uint64_t)v << 1 : ((uint64_t)~v << 1) | 1;
        if (w_reserve(w, 18) < 0) {
            return F_ERROR;
        }
        w_uint(w, delta);
        w_uint(w, u);
        return F_SENT;
    }
    case ENC_UINT: {
        if (!PyLong_CheckExact(x)) {
            return F_PYTHON;
        }
        int overflow;
        long long v = PyLong_AsLongLongAndOverflow(x, &overflow);
        uint64_t u;
        if (v == -1 && PyErr_Occurred()) {
            return F_ERROR;
        }
        if (overflow < 0 || (overflow == 0 && v < 0)) {
            return F_PYTHON;          /* out of range: Python raises */
        }
        if (overflow == 0) {
            if (v == 0) {
                return F_OMITTED;
            }
            u = (uint64_t)v;
        }
        else {
            unsigned long long ux = PyLong_AsUnsignedLongLong(x);
            if (ux == (unsigned long long)-1 && PyErr_Occurred()) {
                PyErr_Clear();
                return F_PYTHON;
            }
            u = ux;
        }
        if (w_reserve(w, 18) < 0) {
            return F_ERROR;
        }
        w_uint(w, delta);
        w_uint(w, u);
        return F_SENT;
    }
    case ENC_BOOL:
        if (x == Py_False) {
            return F_OMITTED;
        }
        if (x != Py_True) {
            return F_PYTHON;
        }
        if (w_reserve(w, 10) < 0) {
            return F_ERROR;
        }
        w_uint(w, delta);
        w->p[w->len++] = 1;
        return F_SENT;
    case ENC_FLOAT: {
        if (!PyFloat_CheckExact(x)) {
            return F_PYTHON;
        }
        double d = PyFloat_AS_DOUBLE(x);
        if (d == 0.0) {               /* 0.0 and -0.0 are falsy (NaN is not) */
            return F_OMITTED;
        }
        uint64_t bits;
        memcpy(&bits, &d, sizeof bits);
        if (w_reserve(w, 18) < 0) {
            return F_ERROR;
        }
        w_uint(w, delta);
        w_uint(w, bswap64(bits));
        return F_SENT;
    }
    case ENC_STRING: {
        if (!PyUnicode_CheckExact(x)) {
            return F_PYTHON;
        }
#if PY_VERSION_HEX < 0x030C0000
        if (PyUnicode_READY(x) < 0) {
            return F_ERROR;
        }
#endif
        if (PyUnicode_GET_LENGTH(x) == 0) {
            return F_OMITTED;
        }
        if (w_reserve(w, 9) < 0) {
            return F_ERROR;
        }
        w_uint(w, delta);
        if (PyUnicode_IS_ASCII(x)) {
            return w_bytes(w, (const char *)PyUnicode_1BYTE_DATA(x), PyUnicode_GET_LENGTH(x)) < 0
                   ? F_ERROR : F_SENT;
        }
        PyObject *enc = PyUnicode_AsEncodedString(x, "utf-8", "surrogateescape");
        if (enc == NULL) {
            return F_ERROR;
        }
        int r = w_bytes(w, PyBytes_AS_STRING(enc), PyBytes_GET_SIZE(enc));
        Py_DECREF(enc);
        return r < 0 ? F_ERROR : F_SENT;
    }
    case ENC_BYTES:
        if (!PyBytes_CheckExact(x)) {
            return F_PYTHON;
        }
        if (PyBytes_GET_SIZE(x) == 0) {
            return F_OMITTED;
        }
        if (w_reserve(w, 9) < 0) {
            return F_ERROR;
        }
        w_uint(w, delta);
        return w_bytes(w, PyBytes_AS_STRING(x), PyBytes_GET_SIZE(x)) < 0 ? F_ERROR : F_SENT;
    case ENC_STRSLICE: {
        if (!PyList_CheckExact(x) && !PyTuple_CheckExact(x)) {
            return F_PYTHON;
        }
        /* Size under the list's critical section, grow the buffer outside
         * it, write under it again; a list that keeps outgrowing the room
         * (another thread appending) goes to the Python code. */
        for (int tries = 0; tries < 4; tries++) {
            Py_ssize_t need = 0;
            int r;
            GOB_BEGIN_CS(x);
            r = enc_strslice_locked(w, delta, x, &need);
            GOB_END_CS();
            if (r != F_GROW) {
                return r;
            }
            if (w_reserve(w, need) < 0) {
                return F_ERROR;
            }
        }
        return F_PYTHON;
    }
    default:
        return F_PYTHON;
    }
}

/* The field's generated Python code: fieldop(enc, b, x, last) -> last. */
static int
enc_python_field(gob_writer *w, PyObject *fieldop, PyObject *enc, PyObject *x,
                 Py_ssize_t *last)
{
    if (w_sync(w) < 0) {
        return -1;
    }
    PyObject *lastobj = PyLong_FromSsize_t(*last);
    if (lastobj == NULL) {
        return -1;
    }
    PyObject *args[4] = {enc, w->ba, x, lastobj};
    PyObject *r = PyObject_Vectorcall(fieldop, args, 4, NULL);
    Py_DECREF(lastobj);
    if (r == NULL) {
        return -1;
    }
    Py_ssize_t n = PyLong_AsSsize_t(r);
    Py_DECREF(r);
    if (n == -1 && PyErr_Occurred()) {
        return -1;
    }
    *last = n;
    w_open(w, w->ba);
    return 0;
}

/* v's field list: deltas and values of the non-zero fields, then 0. */
static int
enc_struct(EncPlan *pl, gob_writer *w, PyObject *enc, PyObject *v)
{
    Py_ssize_t last = -1;
    for (Py_ssize_t i = 0; i < pl->nfields; i++) {
        enc_field *f = &pl->fields[i];
        PyObject *x = PyObject_GetAttr(v, f->attr);
        if (x == NULL) {
            return -1;
        }
        int r = enc_value(w, f->kind, (uint64_t)(i - last), x);
        if (r == F_SENT) {
            last = i;
        }
        else if (r == F_PYTHON) {
            r = enc_python_field(w, f->fieldop, enc, x, &last);
        }
        Py_DECREF(x);
        if (r < 0) {
            return -1;
        }
    }
    if (w_reserve(w, 1) < 0) {
        return -1;
    }
    w->p[w->len++] = 0;
    return 0;
}

/* A slice of structs: the count, then each element's field list.  A list
 * is encoded from a snapshot (as the Python code's as_seq does): another
 * thread changing it meanwhile cannot make the count disagree with the
 * elements written. */
static int
enc_slice(EncPlan *pl, gob_writer *w, PyObject *enc, PyObject *vs)
{
    if (w_reserve(w, 9) < 0) {
        return -1;
    }
    PyObject *snap;
    if (PyTuple_CheckExact(vs)) {
        snap = Py_NewRef(vs);
    }
    else {
        GOB_BEGIN_CS(vs);
        snap = PyList_GetSlice(vs, 0, PyList_GET_SIZE(vs));
        GOB_END_CS();
        if (snap == NULL) {
            return -1;
        }
    }
    Py_ssize_t n = PySequence_Fast_GET_SIZE(snap);
    PyObject **items = PySequence_Fast_ITEMS(snap);
    w_uint(w, (uint64_t)n);
    int r = 0;
    for (Py_ssize_t i = 0; i < n && r == 0; i++) {
        PyObject *v = items[i];     /* the snapshot is private: never resized */
        if (pl->nil_check && v == Py_None) {
            PyErr_SetString(pl->gob_error, "gob: encodeArray: nil element");
            r = -1;
        }
        else {
            r = enc_struct(pl, w, enc, v);
        }
    }
    Py_DECREF(snap);
    return r;
}

static PyObject *
EncPlan_vectorcall(PyObject *self, PyObject *const *args, size_t nargsf, PyObject *kwnames)
{
    EncPlan *pl = (EncPlan *)self;
    Py_ssize_t nargs = PyVectorcall_NARGS(nargsf);
    if (nargs != 3 || (kwnames != NULL && PyTuple_GET_SIZE(kwnames) != 0)) {
        PyErr_SetString(PyExc_TypeError, "gob encoder op takes (enc, b, v)");
        return NULL;
    }
    PyObject *enc = args[0], *ba = args[1], *v = args[2];
    if (!PyByteArray_CheckExact(ba)
        || (pl->slice && v != Py_None && !PyList_CheckExact(v) && !PyTuple_CheckExact(v))) {
        return PyObject_Vectorcall(pl->fallback, args, 3, NULL);
    }
    if (gostd_stack_exhausted()) {           /* see "Depth" at the top */
        PyErr_SetString(pl->gob_error, "gob: invalid nesting depth");
        return NULL;
    }
    gob_writer w;
    w_open(&w, ba);
    int r;
    if (pl->slice && v == Py_None) {
        r = w_reserve(&w, 1);
        if (r == 0) {
            w.p[w.len++] = 0;
        }
    }
    else {
        r = pl->slice ? enc_slice(pl, &w, enc, v) : enc_struct(pl, &w, enc, v);
    }
    if (r < 0) {
        /* Leave b a valid bytearray (its content no longer matters). */
        PyObject *et, *ev, *tb;
        PyErr_Fetch(&et, &ev, &tb);
        (void)w_sync(&w);
        PyErr_Clear();
        PyErr_Restore(et, ev, tb);
        return NULL;
    }
    if (w_sync(&w) < 0) {
        return NULL;
    }
    Py_RETURN_NONE;
}

static int
EncPlan_traverse(EncPlan *self, visitproc visit, void *arg)
{
    Py_VISIT(Py_TYPE(self));
    Py_VISIT(self->fields_tuple);
    Py_VISIT(self->fallback);
    Py_VISIT(self->gob_error);
    return 0;
}

static int
EncPlan_clear(EncPlan *self)
{
    /* fields borrows from fields_tuple: forget it first. */
    self->nfields = 0;
    PyMem_Free(self->fields);
    self->fields = NULL;
    Py_CLEAR(self->fields_tuple);
    Py_CLEAR(self->fallback);
    Py_CLEAR(self->gob_error);
    return 0;
}

static void
EncPlan_dealloc(EncPlan *self)
{
    PyTypeObject *tp = Py_TYPE(self);
    PyObject_GC_UnTrack(self);
    (void)EncPlan_clear(self);
    tp->tp_free((PyObject *)self);
    Py_DECREF(tp);
}

static PyObject *
EncPlan_new(PyTypeObject *type, PyObject *args, PyObject *kwds)
{
    PyObject *fields, *fallback, *gob_error;
    int slice, nil_check;
    if (!PyArg_ParseTuple(args, "O!OppO:GobEncPlan", &PyTuple_Type, &fields, &fallback,
                          &slice, &nil_check, &gob_error)) {
        return NULL;
    }
    Py_ssize_t n = PyTuple_GET_SIZE(fields);
    enc_field *fs = PyMem_Calloc((size_t)(n ? n : 1), sizeof(enc_field));
    if (fs == NULL) {
        return PyErr_NoMemory();
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *t = PyTuple_GET_ITEM(fields, i);
        if (!PyTuple_Check(t) || PyTuple_GET_SIZE(t) != 3
            || !PyUnicode_Check(PyTuple_GET_ITEM(t, 0))
            || !PyLong_Check(PyTuple_GET_ITEM(t, 1))) {
            PyMem_Free(fs);
            PyErr_SetString(PyExc_TypeError, "GobEncPlan fields are (attr, kind, fieldop)");
            return NULL;
        }
        long kind = PyLong_AsLong(PyTuple_GET_ITEM(t, 1));
        fs[i].attr = PyTuple_GET_ITEM(t, 0);
        fs[i].kind = (kind >= 0 && kind <= ENC_OTHER) ? (int)kind : ENC_OTHER;
        fs[i].fieldop = PyTuple_GET_ITEM(t, 2);
    }
    PyErr_Clear();
    EncPlan *self = (EncPlan *)type->tp_alloc(type, 0);
    if (self == NULL) {
        PyMem_Free(fs);
        return NULL;
    }
    self->vectorcall = EncPlan_vectorcall;
    self->fields_tuple = Py_NewRef(fields);
    self->fallback = Py_NewRef(fallback);
    self->gob_error = Py_NewRef(gob_error);
    self->nfields = n;
    self->slice = slice;
    self->nil_check = nil_check;
    self->fields = fs;
    return (PyObject *)self;
}

/* ===================================================================== */
/* ---- decoding ---------------------------------------------------------- */

/* A read cursor's view of buf (bytes or bytearray); reload after Python code. */
typedef struct {
    PyObject *obj;
    const unsigned char *p;
    Py_ssize_t len;
} gob_buf;

static void
buf_load(gob_buf *b)
{
    if (PyBytes_Check(b->obj)) {
        b->p = (const unsigned char *)PyBytes_AS_STRING(b->obj);
        b->len = PyBytes_GET_SIZE(b->obj);
    }
    else {
        b->p = (const unsigned char *)PyByteArray_AS_STRING(b->obj);
        b->len = PyByteArray_GET_SIZE(b->obj);
    }
}

typedef struct {
    int kind;            /* DEC_* */
    Py_ssize_t target;   /* index of the local field, -1 when skipped */
    PyObject *op;        /* op(dec, buf, pos) -> (value, pos) */
} dec_field;

typedef struct {
    PyObject_HEAD
    vectorcallfunc vectorcall;
    PyObject *fields_tuple;  /* constructor arguments, owned */
    PyObject *names;         /* tuple of local attribute names */
    PyObject *defaults;      /* tuple of (is_factory, value) */
    PyObject *cls;
    PyObject *fallback;
    PyObject *gob_error;
    PyObject *read_uint;
    PyObject *string_op;
    PyObject *elem_go;
    PyObject *empty;         /* () for cls.__new__ */
    Py_ssize_t nfields;
    Py_ssize_t nlocals;
    int slots;               /* object.__setattr__ rather than setattr */
    int slice;
    uint64_t size;           /* Go's element size, 0: no "slice too big" check */
    dec_field *fields;       /* borrowed from fields_tuple */
    PyObject **defvals;      /* borrowed from defaults */
    char *factory;
} DecPlan;

#define END_FIELD INT64_MAX

/* IndexError, as buf[pos] raises past the end. */
static int
index_error(gob_buf *b)
{
    PyErr_SetString(PyExc_IndexError, PyBytes_Check(b->obj) ? "index out of range"
                                                             : "bytearray index out of range");
    return -1;
}

/* (value, pos) returned by a Python op: steals r.  pos is never negative
 * afterwards (every read checks only pos < len, so a negative position from
 * an op, which no gob op returns, must not get through). */
static int
take_pair(PyObject *r, PyObject **value, Py_ssize_t *pos)
{
    if (r == NULL) {
        return -1;
    }
    if (!PyTuple_CheckExact(r) || PyTuple_GET_SIZE(r) != 2) {
        Py_DECREF(r);
        PyErr_SetString(PyExc_TypeError, "gob decoder op must return (value, pos)");
        return -1;
    }
    Py_ssize_t p = PyLong_AsSsize_t(PyTuple_GET_ITEM(r, 1));
    if (p == -1 && PyErr_Occurred()) {
        Py_DECREF(r);
        return -1;
    }
    if (p < 0) {
        Py_DECREF(r);
        PyErr_SetString(PyExc_ValueError, "gob decoder op returned a negative position");
        return -1;
    }
    *value = Py_NewRef(PyTuple_GET_ITEM(r, 0));
    *pos = p;
    Py_DECREF(r);
    return 0;
}

/* f(d, buf, pos) or f(buf, pos) -> (value, pos); buf reloaded after. */
static int
call_op(PyObject *f, PyObject *d, gob_buf *b, Py_ssize_t *pos, PyObject **value)
{
    PyObject *p = PyLong_FromSsize_t(*pos);
    if (p == NULL) {
        return -1;
    }
    PyObject *args[3] = {d, b->obj, p};
    PyObject *r = d == NULL ? PyObject_Vectorcall(f, args + 1, 2, NULL)
                            : PyObject_Vectorcall(f, args, 3, NULL);
    Py_DECREF(p);
    int rc = take_pair(r, value, pos);
    buf_load(b);
    return rc;
}

/* The unsigned integer at *pos: inline when well formed, else through the
 * Python read_uint, which raises its errors (IndexError at the end). */
static int
read_u(DecPlan *pl, gob_buf *b, Py_ssize_t *pos, uint64_t *out)
{
    Py_ssize_t p = *pos;
    if (p >= b->len) {
        return index_error(b);
    }
    unsigned c = b->p[p];
    if (c < 0x80) {
        *out = c;
        *pos = p + 1;
        return 0;
    }
    Py_ssize_t n = 256 - (Py_ssize_t)c;
    if (n <= 8 && n <= b->len - p - 1) {
        uint64_t u = 0;
        for (Py_ssize_t k = 1; k <= n; k++) {
            u = (u << 8) | b->p[p + k];
        }
        *out = u;
        *pos = p + 1 + n;
        return 0;
    }
    PyObject *v;
    if (call_op(pl->read_uint, NULL, b, pos, &v) < 0) {
        return -1;
    }
    unsigned long long u = PyLong_AsUnsignedLongLong(v);
    Py_DECREF(v);
    if (u == (unsigned long long)-1 && PyErr_Occurred()) {
        return -1;
    }
    *out = u;
    return 0;
}

/* The number of the next field after field `i` (-1 at the start): END_FIELD
 * at a zero delta or at the end of the message. */
static int
next_field(DecPlan *pl, gob_buf *b, Py_ssize_t *pos, int64_t i, int64_t *f)
{
    if (*pos >= b->len) {
        *f = END_FIELD;
        return 0;
    }
    uint64_t delta;
    if (read_u(pl, b, pos, &delta) < 0) {
        return -1;
    }
    if (delta >= (uint64_t)1 << 63) {
        PyErr_SetString(pl->gob_error, "gob: decode: corrupted data: negative delta");
        return -1;
    }
    /* Any number past the last field is as bad as nfields (and i + delta
     * could overflow). */
    if (delta == 0) {
        *f = END_FIELD;
    }
    else if (delta > (uint64_t)(pl->nfields - i)) {
        *f = pl->nfields;
    }
    else {
        *f = i + (int64_t)delta;
    }
    return 0;
}

/* Inline short cases, as the generated code: 1 decoded into *value, 0 when
 * the field's op must run, -1 on error. */
static int
dec_inline(DecPlan *pl, dec_field *fd, gob_buf *b, Py_ssize_t *pos, PyObject **value)
{
    Py_ssize_t p = *pos;
    if (fd->kind == DEC_OTHER) {
        return 0;                   /* the op reads buf itself */
    }
    if (p >= b->len) {
        return index_error(b);
    }
    unsigned c = b->p[p];
    uint64_t u;
    switch (fd->kind) {
    case DEC_INT:
    case DEC_UINT:
        if (c < 0x80) {
            u = c;
            p += 1;
        }
        else {
            Py_ssize_t n = 256 - (Py_ssize_t)c;
            if (n > 8 || n > b->len - p - 1) {
                return 0;
            }
            u = 0;
            for (Py_ssize_t k = 1; k <= n; k++) {
                u = (u << 8) | b->p[p + k];
            }
            p += 1 + n;
        }
        if (fd->kind == DEC_UINT) {
            *value = PyLong_FromUnsignedLongLong(u);
        }
        else {
            int64_t h = (int64_t)(u >> 1);
            *value = PyLong_FromLongLong((u & 1) ? ~h : h);
        }
        break;
    case DEC_FLOAT: {
        if (c < 0x80) {
            u = (uint64_t)c << 56;
            p += 1;
        }
        else {
            Py_ssize_t n = 256 - (Py_ssize_t)c;
            if (n > 8 || n > b->len - p - 1) {
                return 0;
            }
            uint64_t be = 0;
            for (Py_ssize_t k = 1; k <= n; k++) {
                be = (be << 8) | b->p[p + k];
            }
            u = bswap64(be);
            p += 1 + n;
        }
        double d;
        memcpy(&d, &u, sizeof d);
        *value = PyFloat_FromDouble(d);
        break;
    }
    case DEC_BOOL:
        if (c >= 0x80) {
            return 0;
        }
        *value = Py_NewRef(c != 0 ? Py_True : Py_False);
        p += 1;
        break;
    case DEC_STRING:
        if (c >= 0x80 || (Py_ssize_t)c > b->len - p - 1) {
            return 0;
        }
        *value = PyUnicode_DecodeUTF8((const char *)b->p + p + 1, (Py_ssize_t)c,
                                      "surrogateescape");
        p += 1 + (Py_ssize_t)c;
        break;
    default:
        return 0;
    }
    if (*value == NULL) {
        return -1;
    }
    *pos = p;
    return 1;
}

/* Go's []string decoder, as _decgen's K_STRSLICE lines. */
static int
dec_strslice(DecPlan *pl, PyObject *d, gob_buf *b, Py_ssize_t *pos, PyObject **value)
{
    Py_ssize_t p = *pos;
    if (p >= b->len) {
        return index_error(b);
    }
    uint64_t cnt;
    if (b->p[p] < 0x80) {
        cnt = b->p[p];
        *pos = p + 1;
    }
    else {
        if (read_u(pl, b, pos, &cnt) < 0) {
            return -1;
        }
        if (cnt > GOB_TOO_BIG / 16) {
            PyErr_Format(pl->gob_error, "gob: string slice too big: %llu elements of 16 bytes",
                         (unsigned long long)cnt);
            return -1;
        }
    }
    PyObject *list = PyList_New(0);
    if (list == NULL) {
        return -1;
    }
    for (uint64_t j = 0; j < cnt; j++) {
        p = *pos;
        if (p >= b->len) {
            PyErr_Format(pl->gob_error, "gob: decoding string array or slice: length exceeds "
                         "input size (%llu elements)", (unsigned long long)cnt);
            goto fail;
        }
        unsigned c = b->p[p];
        PyObject *s;
        if (c < 0x80 && (Py_ssize_t)c <= b->len - p - 1) {
            s = PyUnicode_DecodeUTF8((const char *)b->p + p + 1, (Py_ssize_t)c,
                                     "surrogateescape");
            *pos = p + 1 + (Py_ssize_t)c;
            if (s == NULL) {
                goto fail;
            }
        }
        else if (call_op(pl->string_op, d, b, pos, &s) < 0) {
            goto fail;
        }
        int r = PyList_Append(list, s);
        Py_DECREF(s);
        if (r < 0) {
            goto fail;
        }
    }
    *value = list;
    return 0;
fail:
    Py_DECREF(list);
    return -1;
}

/* One struct's field list at *pos into a new instance. */
static PyObject *
dec_struct(DecPlan *pl, PyObject *d, gob_buf *b, Py_ssize_t *pos)
{
    PyObject *small[16];
    PyObject **vals = small;
    PyObject *o = NULL;
    Py_ssize_t nl = pl->nlocals;
    if (nl > 16) {
        vals = PyMem_Calloc((size_t)nl, sizeof(PyObject *));
        if (vals == NULL) {
            return PyErr_NoMemory();
        }
    }
    /* vals[j]: a new reference, or NULL while a factory default is pending. */
    for (Py_ssize_t j = 0; j < nl; j++) {
        vals[j] = pl->factory[j] ? NULL : Py_NewRef(pl->defvals[j]);
    }
    int64_t f;
    if (next_field(pl, b, pos, -1, &f) < 0) {
        goto done;
    }
    while (f != END_FIELD) {
        if (f >= pl->nfields) {
            PyErr_SetString(pl->gob_error, "gob: bad data: field numbers out of bounds");
            goto done;
        }
        dec_field *fd = &pl->fields[f];
        PyObject *v = NULL;
        int r = 0;
        if (fd->target < 0) {
            r = call_op(fd->op, d, b, pos, &v);
        }
        else if (fd->kind == DEC_STRSLICE) {
            r = dec_strslice(pl, d, b, pos, &v);
        }
        else {
            r = dec_inline(pl, fd, b, pos, &v);
            if (r == 0) {
                r = call_op(fd->op, d, b, pos, &v);
            }
        }
        if (r < 0) {
            goto done;
        }
        if (fd->target >= 0) {
            Py_XSETREF(vals[fd->target], v);
        }
        else {
            Py_DECREF(v);
        }
        if (next_field(pl, b, pos, f, &f) < 0) {
            goto done;
        }
    }
    for (Py_ssize_t j = 0; j < nl; j++) {
        if (vals[j] == NULL) {
            vals[j] = PyObject_CallNoArgs(pl->defvals[j]);
            if (vals[j] == NULL) {
                goto done;
            }
        }
    }
    PyTypeObject *tp = (PyTypeObject *)pl->cls;
    if (tp->tp_new == NULL) {
        PyErr_Format(PyExc_TypeError, "cannot create '%.100s' instances", tp->tp_name);
        goto done;
    }
    o = tp->tp_new(tp, pl->empty, NULL);     /* cls.__new__(cls) */
    if (o == NULL) {
        goto done;
    }
    for (Py_ssize_t j = 0; j < nl; j++) {
        PyObject *name = PyTuple_GET_ITEM(pl->names, j);
        int r = pl->slots ? PyObject_GenericSetAttr(o, name, vals[j])
                          : PyObject_SetAttr(o, name, vals[j]);
        if (r < 0) {
            Py_CLEAR(o);
            goto done;
        }
    }
done:
    for (Py_ssize_t j = 0; j < nl; j++) {
        Py_XDECREF(vals[j]);
    }
    if (vals != small) {
        PyMem_Free(vals);
    }
    return o;
}

/* A slice of structs: count, then each element (at least one byte each). */
static PyObject *
dec_slice(DecPlan *pl, PyObject *d, gob_buf *b, Py_ssize_t *pos)
{
    uint64_t count;
    if (read_u(pl, b, pos, &count) < 0) {
        return NULL;
    }
    if (pl->size != 0 && count > GOB_TOO_BIG / pl->size) {
        PyErr_Format(pl->gob_error, "gob: %U slice too big: %llu elements of %llu bytes",
                     pl->elem_go, (unsigned long long)count, (unsigned long long)pl->size);
        return NULL;
    }
    PyObject *out = PyList_New(0);
    if (out == NULL) {
        return NULL;
    }
    for (uint64_t i = 0; i < count; i++) {
        if (*pos >= b->len) {
            PyErr_Format(pl->gob_error, "gob: decoding array or slice: length exceeds input "
                         "size (%llu elements)", (unsigned long long)count);
            Py_DECREF(out);
            return NULL;
        }
        PyObject *o = dec_struct(pl, d, b, pos);
        if (o == NULL || PyList_Append(out, o) < 0) {
            Py_XDECREF(o);
            Py_DECREF(out);
            return NULL;
        }
        Py_DECREF(o);
    }
    return out;
}

static PyObject *
DecPlan_vectorcall(PyObject *self, PyObject *const *args, size_t nargsf, PyObject *kwnames)
{
    DecPlan *pl = (DecPlan *)self;
    Py_ssize_t nargs = PyVectorcall_NARGS(nargsf);
    if (nargs != 3 || (kwnames != NULL && PyTuple_GET_SIZE(kwnames) != 0)) {
        PyErr_SetString(PyExc_TypeError, "gob decoder op takes (dec, buf, pos)");
        return NULL;
    }
    PyObject *d = args[0];
    gob_buf b = {.obj = args[1]};
    Py_ssize_t pos = -1;
    if (PyLong_CheckExact(args[2])) {
        pos = PyLong_AsSsize_t(args[2]);
        if (pos == -1 && PyErr_Occurred()) {
            PyErr_Clear();
        }
    }
    if ((!PyBytes_CheckExact(b.obj) && !PyByteArray_CheckExact(b.obj)) || pos < 0) {
        return PyObject_Vectorcall(pl->fallback, args, 3, NULL);
    }
    if (gostd_stack_exhausted()) {           /* see "Depth" at the top */
        PyErr_SetString(pl->gob_error, "gob: invalid nesting depth");
        return NULL;
    }
    buf_load(&b);
    PyObject *v = pl->slice ? dec_slice(pl, d, &b, &pos) : dec_struct(pl, d, &b, &pos);
    if (v == NULL) {
        return NULL;
    }
    PyObject *p = PyLong_FromSsize_t(pos);
    if (p == NULL) {
        Py_DECREF(v);
        return NULL;
    }
    PyObject *r = PyTuple_Pack(2, v, p);
    Py_DECREF(v);
    Py_DECREF(p);
    return r;
}

static int
DecPlan_traverse(DecPlan *self, visitproc visit, void *arg)
{
    Py_VISIT(Py_TYPE(self));
    Py_VISIT(self->fields_tuple);
    Py_VISIT(self->names);
    Py_VISIT(self->defaults);
    Py_VISIT(self->cls);
    Py_VISIT(self->fallback);
    Py_VISIT(self->gob_error);
    Py_VISIT(self->read_uint);
    Py_VISIT(self->string_op);
    Py_VISIT(self->elem_go);
    return 0;
}

static int
DecPlan_clear(DecPlan *self)
{
    /* The C tables borrow from the tuples: forget them first. */
    self->nfields = 0;
    self->nlocals = 0;
    PyMem_Free(self->fields);
    self->fields = NULL;
    PyMem_Free(self->defvals);
    self->defvals = NULL;
    PyMem_Free(self->factory);
    self->factory = NULL;
    Py_CLEAR(self->fields_tuple);
    Py_CLEAR(self->names);
    Py_CLEAR(self->defaults);
    Py_CLEAR(self->cls);
    Py_CLEAR(self->fallback);
    Py_CLEAR(self->gob_error);
    Py_CLEAR(self->read_uint);
    Py_CLEAR(self->string_op);
    Py_CLEAR(self->elem_go);
    Py_CLEAR(self->empty);
    return 0;
}

static void
DecPlan_dealloc(DecPlan *self)
{
    PyTypeObject *tp = Py_TYPE(self);
    PyObject_GC_UnTrack(self);
    (void)DecPlan_clear(self);
    tp->tp_free((PyObject *)self);
    Py_DECREF(tp);
}

static PyObject *
DecPlan_new(PyTypeObject *type, PyObject *args, PyObject *kwds)
{
    PyObject *fields, *names, *defaults, *cls, *fallback, *gob_error, *read_uint, *string_op;
    PyObject *elem_go;
    int slots, slice;
    unsigned long long size;
    if (!PyArg_ParseTuple(args, "O!O!O!pOOOOOpKU:GobDecPlan", &PyTuple_Type, &fields,
                          &PyTuple_Type, &names, &PyTuple_Type, &defaults, &slots, &cls,
                          &fallback, &gob_error, &read_uint, &string_op, &slice, &size,
                          &elem_go)) {
        return NULL;
    }
    if (!PyType_Check(cls) || PyTuple_GET_SIZE(names) != PyTuple_GET_SIZE(defaults)) {
        PyErr_SetString(PyExc_TypeError, "GobDecPlan: cls must be a class, one default per name");
        return NULL;
    }
    Py_ssize_t nf = PyTuple_GET_SIZE(fields), nl = PyTuple_GET_SIZE(names);
    DecPlan *self = (DecPlan *)type->tp_alloc(type, 0);
    if (self == NULL) {
        return NULL;
    }
    self->fields = PyMem_Calloc((size_t)(nf ? nf : 1), sizeof(dec_field));
    self->defvals = PyMem_Calloc((size_t)(nl ? nl : 1), sizeof(PyObject *));
    self->factory = PyMem_Calloc((size_t)(nl ? nl : 1), 1);
    self->fields_tuple = Py_NewRef(fields);
    self->names = Py_NewRef(names);
    self->defaults = Py_NewRef(defaults);
    self->cls = Py_NewRef(cls);
    self->fallback = Py_NewRef(fallback);
    self->gob_error = Py_NewRef(gob_error);
    self->read_uint = Py_NewRef(read_uint);
    self->string_op = Py_NewRef(string_op);
    self->elem_go = Py_NewRef(elem_go);
    self->empty = PyTuple_New(0);
    self->slots = slots;
    self->slice = slice;
    self->size = size;
    self->vectorcall = DecPlan_vectorcall;
    if (self->fields == NULL || self->defvals == NULL || self->factory == NULL) {
        Py_DECREF(self);
        return PyErr_NoMemory();
    }
    if (self->empty == NULL) {
        Py_DECREF(self);
        return NULL;
    }
    for (Py_ssize_t i = 0; i < nf; i++) {
        PyObject *t = PyTuple_GET_ITEM(fields, i);
        if (!PyTuple_Check(t) || PyTuple_GET_SIZE(t) != 3) {
            goto bad;
        }
        long kind = PyLong_AsLong(PyTuple_GET_ITEM(t, 0));
        Py_ssize_t target = PyLong_AsSsize_t(PyTuple_GET_ITEM(t, 1));
        if (PyErr_Occurred() || target >= nl || target < -1) {
            goto bad;
        }
        self->fields[i].kind = (kind >= 0 && kind <= DEC_OTHER) ? (int)kind : DEC_OTHER;
        self->fields[i].target = target;
        self->fields[i].op = PyTuple_GET_ITEM(t, 2);
    }
    for (Py_ssize_t j = 0; j < nl; j++) {
        PyObject *t = PyTuple_GET_ITEM(defaults, j);
        if (!PyTuple_Check(t) || PyTuple_GET_SIZE(t) != 2
            || !PyUnicode_Check(PyTuple_GET_ITEM(names, j))) {
            goto bad;
        }
        int fac = PyObject_IsTrue(PyTuple_GET_ITEM(t, 0));
        if (fac < 0) {
            Py_DECREF(self);
            return NULL;
        }
        self->factory[j] = (char)fac;
        self->defvals[j] = PyTuple_GET_ITEM(t, 1);
    }
    self->nfields = nf;
    self->nlocals = nl;
    return (PyObject *)self;
bad:
    Py_DECREF(self);
    if (!PyErr_Occurred()) {
        PyErr_SetString(PyExc_TypeError, "GobDecPlan: malformed field or default table");
    }
    return NULL;
}

/* ===================================================================== */

/* fallback is exposed so that tests can compare both paths. */
static PyMemberDef EncPlan_members[] = {
    {"__vectorcalloffset__", Py_T_PYSSIZET, offsetof(EncPlan, vectorcall), Py_READONLY},
    {"fallback", Py_T_OBJECT_EX, offsetof(EncPlan, fallback), Py_READONLY,
     "The generated Python op this plan stands for."},
    {NULL},
};

static PyMemberDef DecPlan_members[] = {
    {"__vectorcalloffset__", Py_T_PYSSIZET, offsetof(DecPlan, vectorcall), Py_READONLY},
    {"fallback", Py_T_OBJECT_EX, offsetof(DecPlan, fallback), Py_READONLY,
     "The generated Python op this plan stands for."},
    {NULL},
};

static PyType_Slot EncPlan_slots[] = {
    {Py_tp_new, EncPlan_new},
    {Py_tp_dealloc, EncPlan_dealloc},
    {Py_tp_traverse, EncPlan_traverse},
    {Py_tp_clear, EncPlan_clear},
    {Py_tp_call, PyVectorcall_Call},
    {Py_tp_members, EncPlan_members},
    {Py_tp_doc, "A compiled gob struct encoder: op(enc, b, v) appends v to bytearray b."},
    {0, NULL},
};

static PyType_Slot DecPlan_slots[] = {
    {Py_tp_new, DecPlan_new},
    {Py_tp_dealloc, DecPlan_dealloc},
    {Py_tp_traverse, DecPlan_traverse},
    {Py_tp_clear, DecPlan_clear},
    {Py_tp_call, PyVectorcall_Call},
    {Py_tp_members, DecPlan_members},
    {Py_tp_doc, "A compiled gob struct decoder: op(dec, buf, pos) -> (value, pos)."},
    {0, NULL},
};

static PyType_Spec EncPlan_spec = {
    .name = "gostd._core.GobEncPlan",
    .basicsize = sizeof(EncPlan),
    .flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_IMMUTABLETYPE | Py_TPFLAGS_HAVE_GC |
             Py_TPFLAGS_HAVE_VECTORCALL,
    .slots = EncPlan_slots,
};

static PyType_Spec DecPlan_spec = {
    .name = "gostd._core.GobDecPlan",
    .basicsize = sizeof(DecPlan),
    .flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_IMMUTABLETYPE | Py_TPFLAGS_HAVE_GC |
             Py_TPFLAGS_HAVE_VECTORCALL,
    .slots = DecPlan_slots,
};

int
gostd_gob_exec(PyObject *module, core_state *st)
{
    PyObject *tp = PyType_FromModuleAndSpec(module, &EncPlan_spec, NULL);
    if (tp == NULL || PyModule_AddObjectRef(module, "GobEncPlan", tp) < 0) {
        Py_XDECREF(tp);
        return -1;
    }
    Py_DECREF(tp);
    tp = PyType_FromModuleAndSpec(module, &DecPlan_spec, NULL);
    if (tp == NULL || PyModule_AddObjectRef(module, "GobDecPlan", tp) < 0) {
        Py_XDECREF(tp);
        return -1;
    }
    Py_DECREF(tp);
    return 0;
}
