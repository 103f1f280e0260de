/* sync.Map: Go's read/dirty design (Go 1.9 through 1.23), in C.
 *
 * Fields, as in Go:
 *   read    an immutable snapshot {m, amended}, published atomically as one
 *           word: the dict (key -> entry) pointer with amended in bit 0
 *           (objects are at least 8-byte aligned).  0 means {empty, false}.
 *           The word owns a reference to the dict.  Bit 1 (SNAP_SIMPLE)
 *           says every key in the dict is an exact str or int, whose
 *           hashing and comparison run no Python code; see map_lookup.
 *           Loaded without the lock; replaced only with mu held.  Its dict
 *           is never mutated once published, so lock-free readers can look
 *           keys up in it, and the entries it maps to stay alive for as
 *           long as the reader holds the snapshot.
 *   mu      guards dirty and misses, and every replacement of read.
 *   dirty   dict key -> entry with the newest keys, plus every non-expunged
 *           entry of read.m; NULL until the first new key after a promotion.
 *           Invariant: read.amended implies dirty != NULL.
 *   misses  loads that had to lock mu since read was last replaced; when
 *           misses >= len(dirty), dirty is promoted to read.
 *
 * An entry's p is NULL (deleted; dirty is NULL or dirty[key] is the entry),
 * EXPUNGED (deleted and absent from dirty, which is not NULL) or a box: as
 * Go's entry points to a heap copy of the interface value, ours points to an
 * immutable tuple (value, True), which is exactly what load() returns, so a
 * hit allocates nothing.
 * Lock-free operations change p only between NULL and values; only the mu
 * holder turns NULL into EXPUNGED (dirtyLocked) or EXPUNGED back into NULL
 * (after re-adding the entry to dirty), so an expunged entry stays expunged
 * while mu is held.
 *
 * Reclamation on free-threaded builds follows reclaim.h: the snapshot and an
 * entry's value are loaded and increfed inside a read section, and whoever
 * takes a value or a snapshot out of its slot synchronizes before the
 * reference can be dropped.
 *
 * Python code can run inside this file wherever keys are hashed or compared
 * (dict operations) and values compared (compare_and_swap/delete), when
 * a dropped reference runs a __del__, and when allocating a GC-tracked
 * object runs the collector (3.10 and 3.11 collect inside the allocation),
 * whose finalizers may write to this very Map.  Values are compared, and
 * references dropped, only after mu is released; no GC-tracked object is
 * allocated with mu held (see spare), so a finalizer's write is never
 * turned away.  Key hashing/comparison of dirty and
 * read.m under mu cannot be avoided; a thread that re-enters the same Map
 * from there would deadlock on mu, so that is detected and raises
 * gostd.Panic instead.  Any exception from a key's __hash__/__eq__
 * propagates, and each path checks for it before it changes anything, so
 * the map stays consistent.
 *
 * There is no len(): like Go's Map, a length would have to count the live
 * entries of read and dirty under the lock, and would be stale on return.
 */
#include "core.h"

static char expunged_marker;
#define EXPUNGED ((PyObject *)&expunged_marker)
#define IS_VALUE(p) ((p) != NULL && (p) != EXPUNGED)

/* ---- entries ---------------------------------------------------------- */

typedef struct {
    PyObject_HEAD
    _Atomic(PyObject *) p; /* a box, owned, when IS_VALUE */
} Entry;

/* A value as an entry holds it: (value, True). */
static PyObject *
box_new(PyObject *v)
{
    PyObject *b = PyTuple_New(2);
    if (b != NULL) {
        PyTuple_SET_ITEM(b, 0, Py_NewRef(v));
        PyTuple_SET_ITEM(b, 1, Py_NewRef(Py_True));
    }
    return b;
}

#define BOXED(b) PyTuple_GET_ITEM((b), 0)

static int
entry_traverse(Entry *e, visitproc visit, void *arg)
{
    Py_VISIT(Py_TYPE(e));
    PyObject *p = atomic_load_explicit(&e->p, memory_order_relaxed);
    if (IS_VALUE(p)) {
        Py_VISIT(p);
    }
    return 0;
}

static int
entry_clear(Entry *e)
{
    PyObject *p = atomic_exchange(&e->p, NULL);
    if (IS_VALUE(p)) {
        Py_DECREF(p);
    }
    return 0;
}

static void
entry_dealloc(Entry *e)
{
    PyTypeObject *tp = Py_TYPE(e);
    PyObject_GC_UnTrack(e);
    (void)entry_clear(e);
    tp->tp_free(e);
    Py_DECREF(tp);
}

static PyType_Slot entry_slots[] = {
    {Py_tp_dealloc, entry_dealloc},
    {Py_tp_traverse, entry_traverse},
    {Py_tp_clear, entry_clear},
    {0, NULL},
};

static PyType_Spec entry_spec = {
    .name = "gostd._core._MapEntry",
    .basicsize = sizeof(Entry),
    .flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_IMMUTABLETYPE | Py_TPFLAGS_HAVE_GC |
             Py_TPFLAGS_DISALLOW_INSTANTIATION,
    .slots = entry_slots,
};

static Entry *
entry_new(PyTypeObject *tp, PyObject *box)
{
    Entry *e = (Entry *)tp->tp_alloc(tp, 0);
    if (e != NULL) {
        atomic_store(&e->p, Py_NewRef(box));
    }
    return e;
}

/* p as loaded, with a strong reference when it is a value. */
static inline PyObject *
entry_peek(Entry *e)
{
    int t = gostd_rc_enter();
    PyObject *p = atomic_load_explicit(&e->p, memory_order_seq_cst);
    if (IS_VALUE(p)) {
        Py_INCREF(p);
    }
    gostd_rc_exit(t);
    return p;
}

/* The box (strong) or NULL when deleted. */
static inline PyObject *
entry_load(Entry *e)
{
    PyObject *p = entry_peek(e);
    return IS_VALUE(p) ? p : NULL;
}

/* Go's trySwap: 0 if expunged (nothing changed), else 1 with *prev the owned
 * previous value or NULL. */
static int
entry_try_swap(Entry *e, PyObject *v, PyObject **prev)
{
    PyObject *p = atomic_load(&e->p);
    Py_INCREF(v);
    for (;;) {
        if (p == EXPUNGED) {
            Py_DECREF(v);
            return 0;
        }
        if (atomic_compare_exchange_weak(&e->p, &p, v)) {
            if (p != NULL) {
                gostd_rc_synchronize();
            }
            *prev = p;
            return 1;
        }
    }
}

/* Go's swapLocked: the entry is known not to be expunged. */
static PyObject *
entry_swap_locked(Entry *e, PyObject *v)
{
    PyObject *p = atomic_exchange(&e->p, Py_NewRef(v));
    if (p != NULL) {
        gostd_rc_synchronize();
    }
    return p;
}

/* Go's tryLoadOrStore: 0 if expunged, -1 on memory error, else 1 with
 * *loaded_box the existing box (strong) or NULL if `v` was stored.  `vbox`,
 * if not NULL, is v already boxed (borrowed): with mu held nothing may be
 * allocated (see spare). */
static int
entry_try_load_or_store(Entry *e, PyObject *v, PyObject *vbox, PyObject **loaded_box)
{
    PyObject *box = Py_XNewRef(vbox);
    for (;;) {
        PyObject *p = entry_peek(e);
        if (p == EXPUNGED) {
            Py_XDECREF(box);
            return 0;
        }
        if (p != NULL) {
            Py_XDECREF(box);
            *loaded_box = p;
            return 1;
        }
        if (box == NULL && (box = box_new(v)) == NULL) {
            return -1;
        }
        PyObject *expected = NULL;
        if (atomic_compare_exchange_strong(&e->p, &expected, box)) {
            *loaded_box = NULL; /* the entry owns box now */
            return 1;
        }
    }
}

/* Go's entry.delete: the owned previous box, or NULL if none. */
static PyObject *
entry_delete(Entry *e)
{
    for (;;) {
        PyObject *p = entry_peek(e);
        if (!IS_VALUE(p)) {
            return NULL;
        }
        PyObject *expected = p;
        if (atomic_compare_exchange_strong(&e->p, &expected, NULL)) {
            gostd_rc_synchronize();
            Py_DECREF(p); /* the entry's reference; ours goes to the caller */
            return p;
        }
        Py_DECREF(p);
    }
}

/* Replace the value with `new` if it == old; 1 swapped, 0 not, -1 error.
 * With new == NULL this is compare-and-delete.  We keep a reference to the
 * box we compared, so the CAS on its address is exact (no ABA). */
static int
entry_compare_and(Entry *e, PyObject *old, PyObject *new)
{
    PyObject *box = NULL;
    int rc;
    for (;;) {
        PyObject *p = entry_peek(e);
        if (!IS_VALUE(p)) {
            rc = 0;
            break;
        }
        int eq = gostd_equal(BOXED(p), old);
        if (eq <= 0) {
            Py_DECREF(p);
            rc = eq;
            break;
        }
        if (new != NULL && box == NULL && (box = box_new(new)) == NULL) {
            Py_DECREF(p);
            rc = -1;
            break;
        }
        PyObject *expected = p;
        if (atomic_compare_exchange_strong(&e->p, &expected, box)) {
            box = NULL; /* the entry owns it now */
            Py_DECREF(p);
            gostd_retire(p);
            rc = 1;
            break;
        }
        Py_DECREF(p);
    }
    Py_XDECREF(box);
    return rc;
}

/* Go's tryExpungeLocked. */
static int
entry_try_expunge_locked(Entry *e)
{
    PyObject *p = atomic_load(&e->p);
    while (p == NULL) {
        if (atomic_compare_exchange_weak(&e->p, &p, EXPUNGED)) {
            return 1;
        }
    }
    return p == EXPUNGED;
}

/* ---- the map ------------------------------------------------------------ */

typedef uintptr_t snap_t; /* dict pointer | SNAP_SIMPLE | SNAP_AMENDED */
#define SNAP_AMENDED ((snap_t)1)
#define SNAP_SIMPLE ((snap_t)2)
#define SNAP_TAGS ((snap_t)3)

/* Keys whose hash and == with any other simple key are pure C. */
static inline int
simple_key(PyObject *k)
{
    return PyUnicode_CheckExact(k) || PyLong_CheckExact(k);
}

typedef struct {
    PyObject_HEAD
    _Atomic(snap_t) read;
    gostd_mutex mu;
    PyObject *dirty;
    int dirty_simple; /* every key in dirty is simple_key() (mu held) */
    Py_ssize_t misses;
    _Atomic(unsigned long) owner; /* thread holding mu, 0 if none */
} MapObject;

/* References to drop once mu is released (their __del__ may run Python). */
typedef struct {
    PyObject *o[4];
    int n;
} trash;

static inline void
trash_add(trash *t, PyObject *o)
{
    if (o != NULL) {
        t->o[t->n++] = o;
    }
}

static void
trash_empty(trash *t)
{
    for (int i = 0; i < t->n; i++) {
        Py_DECREF(t->o[i]);
    }
    t->n = 0;
}

/* Objects a write may need under mu, allocated before taking it.
 * Allocating a GC-tracked object can run the collector on 3.10/3.11, and a
 * finalizer it runs may use this Map: with mu held by its own thread that
 * would be re-entry, turned away with Panic, and the finalizer's write
 * lost.  So a path that would allocate under mu instead says what it needs
 * (want_*), unlocks, and is retried once spare_fill has allocated it. */
typedef struct {
    PyObject *dicts[2]; /* empty dicts for dirty_locked and amend_locked */
    int ndicts;
    int want_dicts;
    Entry *entry; /* a new entry for a new key, holding its box */
    int want_entry;
} spare;

#define SPARE_INIT {{NULL, NULL}, 0, 0, NULL, 0}
#define NEED_SPARE 1 /* a *_locked step's answer: fill the spare, retry */

static int
spare_fill(MapObject *m, spare *sp, PyObject *box)
{
    while (sp->ndicts < sp->want_dicts) {
        PyObject *d = PyDict_New();
        if (d == NULL) {
            return -1;
        }
        sp->dicts[sp->ndicts++] = d;
    }
    if (sp->want_entry && sp->entry == NULL) {
        sp->entry = entry_new(core_state_of_type(Py_TYPE(m))->entry_type, box);
        if (sp->entry == NULL) {
            return -1;
        }
    }
    return 0;
}

/* Drop what was not used (mu released: these may run a collection). */
static void
spare_release(spare *sp)
{
    while (sp->ndicts > 0) {
        Py_DECREF(sp->dicts[--sp->ndicts]);
    }
    Py_CLEAR(sp->entry);
}

/* An empty dict from the spare; the caller owns it. */
static PyObject *
spare_dict(spare *sp)
{
    assert(sp->ndicts > 0);
    return sp->dicts[--sp->ndicts];
}

static inline PyObject *
snap_m(snap_t snap)
{
    return (PyObject *)(snap & ~SNAP_TAGS);
}

static inline int
snap_amended(snap_t snap)
{
    return (int)(snap & SNAP_AMENDED);
}

/* The current snapshot, holding a reference to its dict (see reclaim.h). */
static inline snap_t
snap_load(MapObject *m)
{
    int t = gostd_rc_enter();
    snap_t s = atomic_load_explicit(&m->read, memory_order_seq_cst);
    Py_XINCREF(snap_m(s));
    gostd_rc_exit(t);
    return s;
}

static inline void
snap_release(snap_t s)
{
    Py_XDECREF(snap_m(s));
}

/* Borrowed entry for key in the snapshot, valid while the snapshot is held;
 * -1 on error (a raising __hash__/__eq__). */
static inline int
snap_lookup(snap_t snap, PyObject *key, Entry **e)
{
    *e = NULL;
    if (snap == 0) {
        return 0;
    }
    PyObject *r = PyDict_GetItemWithError(snap_m(snap), key);
    if (r == NULL && PyErr_Occurred()) {
        return -1;
    }
    *e = (Entry *)r;
    return 0;
}

/* Strong entry for key in dirty (mu held); -1 on error. */
static int
dirty_lookup(MapObject *m, PyObject *key, Entry **e)
{
    *e = NULL;
    if (m->dirty == NULL) {
        return 0;
    }
    PyObject *r = PyDict_GetItemWithError(m->dirty, key);
    if (r == NULL && PyErr_Occurred()) {
        return -1;
    }
    *e = (Entry *)Py_XNewRef(r);
    return 0;
}

static int
map_lock(MapObject *m)
{
    unsigned long me = PyThread_get_thread_ident();
    if (atomic_load_explicit(&m->owner, memory_order_relaxed) == me) {
        PyErr_SetString(core_state_of_type(Py_TYPE(m))->panic,
                        "sync: Map used from a key's __hash__/__eq__ (or a __del__) "
                        "while the same thread holds the Map's lock");
        return -1;
    }
    gostd_mutex_lock(&m->mu);
    atomic_store_explicit(&m->owner, me, memory_order_relaxed);
    return 0;
}

static void
map_unlock(MapObject *m)
{
    atomic_store_explicit(&m->owner, 0, memory_order_relaxed);
    gostd_mutex_unlock(&m->mu);
}

/* The current snapshot, borrowed: stable while mu is held. */
static inline snap_t
read_locked(MapObject *m)
{
    return atomic_load_explicit(&m->read, memory_order_relaxed);
}

/* Replace read (mu held); the old snapshot goes to the trash once no
 * lock-free reader can still be taking a reference to it. */
static void
publish_locked(MapObject *m, snap_t snap, trash *t)
{
    snap_t old = atomic_exchange(&m->read, snap);
    if (old != 0) {
        gostd_rc_synchronize();
        trash_add(t, snap_m(old));
    }
}

/* Promote dirty to read (mu held, dirty != NULL). */
static void
promote_locked(MapObject *m, trash *t)
{
    /* dirty's reference moves to read */
    publish_locked(m, (snap_t)m->dirty | (m->dirty_simple ? SNAP_SIMPLE : 0), t);
    m->dirty = NULL;
    m->misses = 0;
}

/* Go's missLocked. */
static void
miss_locked(MapObject *m, trash *t)
{
    m->misses++;
    if (m->dirty == NULL || m->misses < PyDict_GET_SIZE(m->dirty)) {
        return;
    }
    promote_locked(m, t);
}

/* Go's dirtyLocked: dirty becomes a copy of read.m without the deleted
 * entries, which are expunged.  The copy is made into a spare dict (the
 * caller checked amend_dicts_needed); copying runs no Python code.  If
 * dropping an expunged key from the copy fails, that entry is put back to
 * plain deleted (NULL) and kept in dirty, which is equally consistent. */
static int
dirty_locked(MapObject *m, spare *sp, trash *t)
{
    if (m->dirty != NULL) {
        return 0;
    }
    snap_t snap = read_locked(m);
    PyObject *d = spare_dict(sp);
    if (snap == 0) {
        m->dirty = d;
        m->dirty_simple = 1;
        return 0;
    }
    m->dirty_simple = (snap & SNAP_SIMPLE) != 0;
    PyObject *rm = snap_m(snap);
    if (PyDict_Update(d, rm) < 0) {
        trash_add(t, d);
        return -1;
    }
    /* read.m is never mutated once published, so it can be walked while
     * keys are dropped from the copy. */
    Py_ssize_t pos = 0;
    PyObject *k, *v;
    while (PyDict_Next(rm, &pos, &k, &v)) {
        Entry *e = (Entry *)v;
        if (entry_try_expunge_locked(e) && PyDict_DelItem(d, k) < 0) {
            PyErr_Clear();
            atomic_store(&e->p, NULL);
        }
    }
    m->dirty = d;
    return 0;
}

/* How many spare dicts amend_locked needs now (mu held). */
static int
amend_dicts_needed(MapObject *m)
{
    snap_t snap = read_locked(m);
    if (snap_amended(snap)) {
        return 0;
    }
    return (m->dirty == NULL) + (snap == 0);
}

/* The first new key since the last promotion: make sure dirty exists and
 * mark read amended (mu held, amend_dicts_needed spare dicts at hand). */
static int
amend_locked(MapObject *m, spare *sp, trash *t)
{
    snap_t snap = read_locked(m);
    if (snap_amended(snap)) {
        return 0;
    }
    if (dirty_locked(m, sp, t) < 0) {
        return -1;
    }
    PyObject *d = snap == 0 ? spare_dict(sp) : Py_NewRef(snap_m(snap));
    snap_t simple = snap == 0 ? SNAP_SIMPLE : (snap & SNAP_SIMPLE);
    publish_locked(m, (snap_t)d | simple | SNAP_AMENDED, t);
    return 0;
}

/* Whether the spare holds what adding a new key needs (mu held); if not,
 * records the want for spare_fill. */
static int
spare_ready_for_new_key(MapObject *m, spare *sp)
{
    int need = amend_dicts_needed(m);
    if (sp->entry != NULL && sp->ndicts >= need) {
        return 1;
    }
    sp->want_dicts = need;
    sp->want_entry = 1;
    return 0;
}

/* Add the spare entry for key to dirty (mu held, spare_ready_for_new_key). */
static int
add_new_key_locked(MapObject *m, PyObject *key, spare *sp, trash *t)
{
    if (amend_locked(m, sp, t) < 0) {
        return -1;
    }
    Entry *e = sp->entry;
    sp->entry = NULL;
    m->dirty_simple &= simple_key(key);
    int sr = PyDict_SetItem(m->dirty, key, (PyObject *)e);
    trash_add(t, (PyObject *)e);
    return sr;
}

/* Re-add an expunged read entry to dirty before it may take a value
 * (Go's unexpungeLocked + m.dirty[key] = e), mu held. */
static int
unexpunge_locked(MapObject *m, PyObject *key, Entry *e)
{
    if (atomic_load(&e->p) != EXPUNGED) {
        return 0;
    }
    m->dirty_simple &= simple_key(key);
    if (PyDict_SetItem(m->dirty, key, (PyObject *)e) < 0) {
        return -1;
    }
    atomic_store(&e->p, NULL);
    return 0;
}

/* Find the entry for key the way Load does: lock-free in read, else under
 * mu in dirty, counting a miss.  *e is strong or NULL.  With `pop`, the
 * entry is also removed from dirty (LoadAndDelete). */
static int
map_find(MapObject *self, PyObject *key, Entry **e, int pop)
{
    snap_t snap = snap_load(self);
    if (snap_lookup(snap, key, e) < 0) {
        snap_release(snap);
        return -1;
    }
    Py_XINCREF(*e);
    int amended = snap_amended(snap);
    snap_release(snap);
    if (*e != NULL || !amended) {
        return 0;
    }
    trash t = {{0}, 0};
    if (map_lock(self) < 0) {
        return -1;
    }
    int rc = 0;
    snap = read_locked(self);
    if (snap_lookup(snap, key, e) < 0) {
        rc = -1;
    }
    else if (*e != NULL) {
        Py_INCREF(*e);
    }
    else if (snap_amended(snap)) {
        if (dirty_lookup(self, key, e) < 0) {
            rc = -1;
        }
        else {
            if (pop && *e != NULL && PyDict_DelItem(self->dirty, key) < 0) {
                Py_CLEAR(*e);
                rc = -1;
            }
            else {
                miss_locked(self, &t);
            }
        }
    }
    map_unlock(self);
    trash_empty(&t);
    return rc;
}

/* load: 1 with *out the box (strong), 0 missing, -1 error. */
static inline int
map_lookup(MapObject *self, PyObject *key, PyObject **out)
{
    Entry *e;
    *out = NULL;
#ifdef Py_GIL_DISABLED
    /* Readers of one snapshot would all write its dict's reference count,
     * which does not scale across cores.  When no Python code can run in
     * the lookup, the whole lookup stays inside one read section instead:
     * the dict, its entries and the box stay alive until the section ends
     * (writers synchronize before dropping them), and the section waits
     * for nothing but, rarely, the dict's internal lock. */
    if (simple_key(key)) {
        int t = gostd_rc_enter();
        snap_t s = atomic_load_explicit(&self->read, memory_order_seq_cst);
        if (s == 0 || (s & SNAP_SIMPLE)) {
            PyObject *r = s == 0 ? NULL : PyDict_GetItemWithError(snap_m(s), key);
            if (r != NULL) {
                PyObject *p = atomic_load_explicit(&((Entry *)r)->p, memory_order_seq_cst);
                if (IS_VALUE(p)) {
                    *out = Py_NewRef(p);
                }
                gostd_rc_exit(t);
                return *out != NULL;
            }
            gostd_rc_exit(t);
            if (PyErr_Occurred()) {
                return -1;
            }
            if (!snap_amended(s)) {
                return 0;
            }
            goto slow;
        }
        gostd_rc_exit(t);
    }
#endif
    snap_t snap = snap_load(self);
    if (snap_lookup(snap, key, &e) < 0) {
        snap_release(snap);
        return -1;
    }
    if (e != NULL) { /* the hot path: a hit in read, no lock */
        *out = entry_load(e);
        snap_release(snap);
        return *out != NULL;
    }
    int amended = snap_amended(snap);
    snap_release(snap);
    if (!amended) {
        return 0;
    }
#ifdef Py_GIL_DISABLED
slow:
#endif
    if (map_find(self, key, &e, 0) < 0) {
        return -1;
    }
    if (e == NULL) {
        return 0;
    }
    *out = entry_load(e);
    Py_DECREF(e);
    return *out != NULL;
}

static PyObject *
pair(PyObject *v, int flag)
{
    PyObject *r = PyTuple_New(2);
    if (r == NULL) {
        Py_XDECREF(v);
        return NULL;
    }
    PyTuple_SET_ITEM(r, 0, v != NULL ? v : Py_NewRef(Py_None));
    PyTuple_SET_ITEM(r, 1, Py_NewRef(flag ? Py_True : Py_False));
    return r;
}

static inline PyObject *
miss(MapObject *self)
{
    return Py_NewRef(core_state_of_type(Py_TYPE(self))->miss);
}

static PyObject *
Map_load(MapObject *self, PyObject *key)
{
    PyObject *box;
    int r = map_lookup(self, key, &box);
    if (r == 0) {
        return miss(self);
    }
    return box; /* (value, True), or NULL on error */
}

static int
Map_contains(MapObject *self, PyObject *key)
{
    PyObject *v;
    int r = map_lookup(self, key, &v);
    Py_XDECREF(v);
    return r;
}

/* A write that takes mu: its arguments and its result. */
typedef struct {
    PyObject *key;
    PyObject *value;  /* load_or_store: the value */
    PyObject *box;    /* the value boxed, as a new entry holds it */
    PyObject *result; /* the owned previous (swap) or loaded box, or NULL */
} write_op;

/* One attempt with mu held: 0, -1 on error, or NEED_SPARE (nothing changed). */
typedef int (*write_step)(MapObject *, write_op *, spare *, trash *);

/* Run `step` under mu, first allocating (with mu released) whatever it
 * reports it needs.  `likely_new`: the key was not in read, so it is most
 * likely new and its entry is made up front, saving a retry. */
static int
map_write(MapObject *m, write_step step, write_op *op, int likely_new)
{
    spare sp = SPARE_INIT;
    sp.want_entry = likely_new;
    int rc;
    do {
        trash t = {{0}, 0};
        if (spare_fill(m, &sp, op->box) < 0 || map_lock(m) < 0) {
            rc = -1;
            break;
        }
        rc = step(m, op, &sp, &t);
        map_unlock(m);
        trash_empty(&t);
    } while (rc == NEED_SPARE);
    spare_release(&sp);
    return rc;
}

/* Go's Swap, the part under mu. */
static int
swap_step(MapObject *self, write_op *op, spare *sp, trash *t)
{
    Entry *e;
    if (snap_lookup(read_locked(self), op->key, &e) < 0) {
        return -1;
    }
    if (e != NULL) {
        if (unexpunge_locked(self, op->key, e) < 0) {
            return -1;
        }
        op->result = entry_swap_locked(e, op->box);
        return 0;
    }
    if (dirty_lookup(self, op->key, &e) < 0) {
        return -1;
    }
    if (e != NULL) {
        op->result = entry_swap_locked(e, op->box);
        trash_add(t, (PyObject *)e);
        return 0;
    }
    if (!spare_ready_for_new_key(self, sp)) {
        return NEED_SPARE;
    }
    return add_new_key_locked(self, op->key, sp, t);
}

/* Go's Swap with `value` already boxed; *prev gets the owned previous box
 * or NULL. */
static int
map_swap(MapObject *self, PyObject *key, PyObject *value, PyObject **prev)
{
    Entry *e;
    *prev = NULL;
    snap_t snap = snap_load(self);
    if (snap_lookup(snap, key, &e) < 0) {
        snap_release(snap);
        return -1;
    }
    if (e != NULL && entry_try_swap(e, value, prev)) {
        snap_release(snap);
        return 0;
    }
    snap_release(snap);
    write_op op = {key, NULL, value, NULL};
    int rc = map_write(self, swap_step, &op, e == NULL);
    *prev = op.result;
    return rc;
}

/* store(k, v) and swap(k, v): v boxed and swapped in for k; 0 with *prev
 * the previous value (a new reference) or NULL, -1 on error. */
static int
swap_args(MapObject *self, PyObject *const *args, Py_ssize_t nargs, const char *name,
          PyObject **prev)
{
    if (nargs != 2) {
        PyErr_Format(PyExc_TypeError, "%s() takes 2 arguments (%zd given)", name, nargs);
        return -1;
    }
    PyObject *box = box_new(args[1]);
    if (box == NULL) {
        return -1;
    }
    int r = map_swap(self, args[0], box, prev);
    Py_DECREF(box);
    return r;
}

static PyObject *
Map_store(MapObject *self, PyObject *const *args, Py_ssize_t nargs)
{
    PyObject *prev;
    if (swap_args(self, args, nargs, "store", &prev) < 0) {
        return NULL;
    }
    Py_XDECREF(prev);
    Py_RETURN_NONE;
}

static PyObject *
Map_swap(MapObject *self, PyObject *const *args, Py_ssize_t nargs)
{
    PyObject *prev;
    if (swap_args(self, args, nargs, "swap", &prev) < 0) {
        return NULL;
    }
    return prev != NULL ? prev : miss(self);
}

/* Go's LoadOrStore, the part under mu. */
static int
load_or_store_step(MapObject *self, write_op *op, spare *sp, trash *t)
{
    Entry *e;
    if (snap_lookup(read_locked(self), op->key, &e) < 0) {
        return -1;
    }
    if (e != NULL) {
        if (unexpunge_locked(self, op->key, e) < 0 ||
            entry_try_load_or_store(e, op->value, op->box, &op->result) < 0) {
            return -1;
        }
        return 0;
    }
    if (dirty_lookup(self, op->key, &e) < 0) {
        return -1;
    }
    if (e != NULL) {
        trash_add(t, (PyObject *)e);
        if (entry_try_load_or_store(e, op->value, op->box, &op->result) < 0) {
            return -1;
        }
        miss_locked(self, t);
        return 0;
    }
    if (!spare_ready_for_new_key(self, sp)) {
        return NEED_SPARE;
    }
    return add_new_key_locked(self, op->key, sp, t);
}

static PyObject *
Map_load_or_store(MapObject *self, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 2) {
        PyErr_Format(PyExc_TypeError, "load_or_store() takes 2 arguments (%zd given)", nargs);
        return NULL;
    }
    PyObject *key = args[0], *value = args[1], *loaded_box = NULL;
    int r;
    Entry *e;
    snap_t snap = snap_load(self);
    if (snap_lookup(snap, key, &e) < 0) {
        snap_release(snap);
        return NULL;
    }
    if (e != NULL && (r = entry_try_load_or_store(e, value, NULL, &loaded_box)) != 0) {
        snap_release(snap);
        if (r < 0) {
            return NULL;
        }
        return loaded_box != NULL ? loaded_box : pair(Py_NewRef(value), 0);
    }
    snap_release(snap);
    write_op op = {key, value, box_new(value), NULL};
    if (op.box == NULL) {
        return NULL;
    }
    int rc = map_write(self, load_or_store_step, &op, e == NULL);
    Py_DECREF(op.box);
    if (rc < 0) {
        return NULL;
    }
    return op.result != NULL ? op.result : pair(Py_NewRef(value), 0);
}

static PyObject *
Map_load_and_delete(MapObject *self, PyObject *key)
{
    Entry *e;
    if (map_find(self, key, &e, 1) < 0) {
        return NULL;
    }
    PyObject *box = NULL;
    if (e != NULL) {
        box = entry_delete(e);
        Py_DECREF(e);
    }
    return box != NULL ? box : miss(self);
}

static PyObject *
Map_delete(MapObject *self, PyObject *key)
{
    Entry *e;
    if (map_find(self, key, &e, 1) < 0) {
        return NULL;
    }
    if (e != NULL) {
        Py_XDECREF(entry_delete(e));
        Py_DECREF(e);
    }
    Py_RETURN_NONE;
}

static PyObject *
Map_compare_and_swap(MapObject *self, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 3) {
        PyErr_Format(PyExc_TypeError, "compare_and_swap() takes 3 arguments (%zd given)", nargs);
        return NULL;
    }
    /* Unlike Go, the value comparison runs after mu is released (it is
     * Python code); the entry found under mu is the same, so the result is
     * the same as if the comparison had run at the moment of the CAS. */
    Entry *e;
    if (map_find(self, args[0], &e, 0) < 0) {
        return NULL;
    }
    if (e == NULL) {
        Py_RETURN_FALSE;
    }
    int r = entry_compare_and(e, args[1], args[2]);
    Py_DECREF(e);
    return r < 0 ? NULL : PyBool_FromLong(r);
}

static PyObject *
Map_compare_and_delete(MapObject *self, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 2) {
        PyErr_Format(PyExc_TypeError, "compare_and_delete() takes 2 arguments (%zd given)", nargs);
        return NULL;
    }
    Entry *e;
    if (map_find(self, args[0], &e, 0) < 0) {
        return NULL;
    }
    if (e == NULL) {
        Py_RETURN_FALSE;
    }
    int r = entry_compare_and(e, args[1], NULL);
    Py_DECREF(e);
    return r < 0 ? NULL : PyBool_FromLong(r);
}

/* The dict of a snapshot holding every key present now, promoting dirty
 * first if read is amended (Go's Range prologue).  Strong, or NULL with no
 * error when the map is empty. */
static PyObject *
map_range_dict(MapObject *self)
{
    snap_t snap = snap_load(self);
    if (snap_amended(snap)) {
        snap_release(snap);
        trash t = {{0}, 0};
        if (map_lock(self) < 0) {
            return NULL;
        }
        if (snap_amended(read_locked(self))) {
            promote_locked(self, &t);
        }
        snap = read_locked(self);
        Py_XINCREF(snap_m(snap));
        map_unlock(self);
        trash_empty(&t);
    }
    return snap_m(snap); /* the reference snap held */
}

static PyObject *
Map_range(MapObject *self, PyObject *f)
{
    if (!PyCallable_Check(f)) {
        PyErr_Format(PyExc_TypeError, "range() argument must be callable, not %.100s",
                     Py_TYPE(f)->tp_name);
        return NULL;
    }
    PyObject *d = map_range_dict(self);
    if (d == NULL) {
        if (PyErr_Occurred()) {
            return NULL;
        }
        Py_RETURN_NONE;
    }
    /* d is immutable and held, so its keys and entries stay alive. */
    Py_ssize_t pos = 0;
    PyObject *k, *ev;
    while (PyDict_Next(d, &pos, &k, &ev)) {
        PyObject *box = entry_load((Entry *)ev);
        if (box == NULL) {
            continue;
        }
        PyObject *args[2] = {k, BOXED(box)};
        PyObject *res = PyObject_Vectorcall(f, args, 2, NULL);
        Py_DECREF(box);
        if (res == NULL) {
            Py_DECREF(d);
            return NULL;
        }
        int go_on = 1;
        if (res != Py_None) {
            go_on = PyObject_IsTrue(res);
        }
        Py_DECREF(res);
        if (go_on < 0) {
            Py_DECREF(d);
            return NULL;
        }
        if (!go_on) {
            break;
        }
    }
    Py_DECREF(d);
    Py_RETURN_NONE;
}

static PyObject *
Map_clear(MapObject *self, PyObject *unused)
{
    snap_t snap = snap_load(self);
    int empty = snap == 0 || (PyDict_GET_SIZE(snap_m(snap)) == 0 && !snap_amended(snap));
    snap_release(snap);
    if (empty) {
        Py_RETURN_NONE;
    }
    trash t = {{0}, 0};
    if (map_lock(self) < 0) {
        return NULL;
    }
    publish_locked(self, 0, &t);
    trash_add(&t, self->dirty);
    self->dirty = NULL;
    self->misses = 0;
    map_unlock(self);
    trash_empty(&t);
    Py_RETURN_NONE;
}

/* ---- iteration over a snapshot, with range's semantics ------------------ */

enum { ITER_KEYS, ITER_VALUES, ITER_ITEMS };

typedef struct {
    PyObject_HEAD
    PyObject *dict; /* immutable snapshot dict, NULL when exhausted */
    Py_ssize_t pos;
    int kind;
} MapIter;

static int
iter_traverse(MapIter *it, visitproc visit, void *arg)
{
    Py_VISIT(Py_TYPE(it));
    Py_VISIT(it->dict);
    return 0;
}

static int
iter_clear(MapIter *it)
{
    Py_CLEAR(it->dict);
    return 0;
}

static void
iter_dealloc(MapIter *it)
{
    PyTypeObject *tp = Py_TYPE(it);
    PyObject_GC_UnTrack(it);
    (void)iter_clear(it);
    tp->tp_free(it);
    Py_DECREF(tp);
}

static PyObject *iter_next_locked(MapIter *it);

/* One iterator shared by threads must not race on pos or on dropping dict. */
static PyObject *
iter_next(MapIter *it)
{
    PyObject *r;
#ifdef Py_GIL_DISABLED
    Py_BEGIN_CRITICAL_SECTION(it);
    r = iter_next_locked(it);
    Py_END_CRITICAL_SECTION();
#else
    r = iter_next_locked(it);
#endif
    return r;
}

static PyObject *
iter_next_locked(MapIter *it)
{
    PyObject *k, *ev;
    if (it->dict == NULL) {
        return NULL;
    }
    while (PyDict_Next(it->dict, &it->pos, &k, &ev)) {
        PyObject *box = entry_load((Entry *)ev);
        if (box == NULL) {
            continue;
        }
        PyObject *r;
        switch (it->kind) {
        case ITER_KEYS:
            r = Py_NewRef(k);
            break;
        case ITER_VALUES:
            r = Py_NewRef(BOXED(box));
            break;
        default:
            r = PyTuple_Pack(2, k, BOXED(box));
            break;
        }
        Py_DECREF(box);
        return r;
    }
    Py_CLEAR(it->dict);
    return NULL;
}

static PyType_Slot iter_slots[] = {
    {Py_tp_dealloc, iter_dealloc},
    {Py_tp_traverse, iter_traverse},
    {Py_tp_clear, iter_clear},
    {Py_tp_iter, PyObject_SelfIter},
    {Py_tp_iternext, iter_next},
    {0, NULL},
};

static PyType_Spec iter_spec = {
    .name = "gostd._core._MapIterator",
    .basicsize = sizeof(MapIter),
    .flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_IMMUTABLETYPE | Py_TPFLAGS_HAVE_GC |
             Py_TPFLAGS_DISALLOW_INSTANTIATION,
    .slots = iter_slots,
};

static PyObject *
map_iter(MapObject *self, int kind)
{
    PyObject *d = map_range_dict(self);
    if (d == NULL && PyErr_Occurred()) {
        return NULL;
    }
    PyTypeObject *tp = core_state_of_type(Py_TYPE(self))->map_iter_type;
    MapIter *it = (MapIter *)tp->tp_alloc(tp, 0);
    if (it == NULL) {
        Py_XDECREF(d);
        return NULL;
    }
    it->dict = d;
    it->pos = 0;
    it->kind = kind;
    return (PyObject *)it;
}

static PyObject *Map_iter(MapObject *self) { return map_iter(self, ITER_KEYS); }
static PyObject *Map_keys(MapObject *self, PyObject *u) { return map_iter(self, ITER_KEYS); }
static PyObject *Map_values(MapObject *self, PyObject *u) { return map_iter(self, ITER_VALUES); }
static PyObject *Map_items(MapObject *self, PyObject *u) { return map_iter(self, ITER_ITEMS); }

/* ---- object protocol ---------------------------------------------------- */

static PyObject *
Map_new(PyTypeObject *type, PyObject *args, PyObject *kwds)
{
    if (PyTuple_GET_SIZE(args) != 0 || (kwds != NULL && PyDict_GET_SIZE(kwds) != 0)) {
        PyErr_SetString(PyExc_TypeError, "Map() takes no arguments");
        return NULL;
    }
    MapObject *self = (MapObject *)type->tp_alloc(type, 0);
    if (self == NULL) {
        return NULL;
    }
    if (gostd_mutex_init(&self->mu) < 0) {
        Py_DECREF(self);
        return NULL;
    }
    return (PyObject *)self;
}

static int
Map_traverse(MapObject *self, visitproc visit, void *arg)
{
    Py_VISIT(Py_TYPE(self));
    Py_VISIT(snap_m(atomic_load_explicit(&self->read, memory_order_relaxed)));
    Py_VISIT(self->dirty);
    return 0;
}

static int
Map_tp_clear(MapObject *self)
{
    /* Only the collector calls this, when nothing outside the cycle refers
     * to the map, so no one is loading from read concurrently. */
    snap_release(atomic_exchange(&self->read, 0));
    Py_CLEAR(self->dirty);
    return 0;
}

static void
Map_dealloc(MapObject *self)
{
    PyTypeObject *tp = Py_TYPE(self);
    PyObject_GC_UnTrack(self);
    (void)Map_tp_clear(self);
    gostd_mutex_fini(&self->mu);
    tp->tp_free(self);
    Py_DECREF(tp);
}

static PyMethodDef Map_methods[] = {
    GOSTD_NO_COPY_METHOD,
    {"load", (PyCFunction)Map_load, METH_O,
     "load(key) -> tuple[V | None, bool]\n\n"
     "The value stored for key and True, or (None, False) if there is none.\n"
     "Lock-free when key is in the read snapshot."},
    {"store", (PyCFunction)(void (*)(void))Map_store, METH_FASTCALL,
     "store(key, value) -> None\n\nSet the value for key (lock-free if key is already present)."},
    {"load_or_store", (PyCFunction)(void (*)(void))Map_load_or_store, METH_FASTCALL,
     "load_or_store(key, value) -> tuple[V, bool]\n\n"
     "The existing value and True if key is present; otherwise store value and\n"
     "return (value, False)."},
    {"load_and_delete", (PyCFunction)Map_load_and_delete, METH_O,
     "load_and_delete(key) -> tuple[V | None, bool]\n\n"
     "Delete key, returning its previous value and whether it was present."},
    {"delete", (PyCFunction)Map_delete, METH_O,
     "delete(key) -> None\n\nDelete the value for key, if any."},
    {"swap", (PyCFunction)(void (*)(void))Map_swap, METH_FASTCALL,
     "swap(key, value) -> tuple[V | None, bool]\n\n"
     "Store value and return the previous value and whether there was one."},
    {"compare_and_swap", (PyCFunction)(void (*)(void))Map_compare_and_swap, METH_FASTCALL,
     "compare_and_swap(key, old, new) -> bool\n\n"
     "Store new if the value stored for key == old; report whether it did."},
    {"compare_and_delete", (PyCFunction)(void (*)(void))Map_compare_and_delete, METH_FASTCALL,
     "compare_and_delete(key, old) -> bool\n\n"
     "Delete key if its value == old; False when key is absent."},
    {"range", (PyCFunction)Map_range, METH_O,
     "range(f: Callable[[K, V], bool | None]) -> None\n\n"
     "Call f(key, value) for each key present; stop when f returns a false value.\n"
     "None (no return statement) counts as True and continues.  No key is visited\n"
     "twice, and a key present and unchanged throughout is visited; f may call any\n"
     "method of the map.  Exceptions from f propagate."},
    {"clear", (PyCFunction)Map_clear, METH_NOARGS, "clear() -> None\n\nDelete every key."},
    {"keys", (PyCFunction)Map_keys, METH_NOARGS,
     "keys() -> Iterator[K]\n\nIterate over the keys, with range's guarantees."},
    {"values", (PyCFunction)Map_values, METH_NOARGS,
     "values() -> Iterator[V]\n\nIterate over the values, with range's guarantees."},
    {"items", (PyCFunction)Map_items, METH_NOARGS,
     "items() -> Iterator[tuple[K, V]]\n\nIterate over (key, value), with range's guarantees."},
    {"__class_getitem__", Py_GenericAlias, METH_O | METH_CLASS, "Map[K, V]"},
    {NULL, NULL, 0, NULL},
};

static PyType_Slot Map_slots[] = {
    {Py_tp_new, Map_new},
    {Py_tp_dealloc, Map_dealloc},
    {Py_tp_traverse, Map_traverse},
    {Py_tp_clear, Map_tp_clear},
    {Py_tp_iter, Map_iter},
    {Py_sq_contains, Map_contains},
    {Py_tp_methods, Map_methods},
    {Py_tp_doc,
     "Map[K, V]()\n\n"
     "Go's sync.Map: a map safe for concurrent use without extra locking.\n"
     "Loads, stores and deletes run in amortized constant time; loads of present\n"
     "keys and updates of existing keys take no lock.  Best for keys written once\n"
     "and read many times, or threads working on disjoint keys.\n\n"
     "There is deliberately no len(), as in Go: the count would need the lock\n"
     "and be stale when returned.  Iteration (keys/values/items/iter) follows\n"
     "range's guarantees and never fails because the map changes."},
    {0, NULL},
};

static PyType_Spec Map_spec = {
    .name = "gostd.sync.Map",
    .basicsize = sizeof(MapObject),
    .flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_IMMUTABLETYPE | Py_TPFLAGS_HAVE_GC,
    .slots = Map_slots,
};

int
gostd_map_exec(PyObject *module, core_state *st)
{
    st->miss = PyTuple_Pack(2, Py_None, Py_False);
    if (st->miss == NULL) {
        return -1;
    }
    st->entry_type = (PyTypeObject *)PyType_FromModuleAndSpec(module, &entry_spec, NULL);
    if (st->entry_type == NULL) {
        return -1;
    }
    st->map_iter_type = (PyTypeObject *)PyType_FromModuleAndSpec(module, &iter_spec, NULL);
    if (st->map_iter_type == NULL) {
        return -1;
    }
    PyObject *tp = PyType_FromModuleAndSpec(module, &Map_spec, NULL);
    if (tp == NULL) {
        return -1;
    }
    int rc = PyModule_AddType(module, (PyTypeObject *)tp);
    Py_DECREF(tp);
    return rc;
}
