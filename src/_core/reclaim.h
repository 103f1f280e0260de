/* Safe reclamation of objects published through an atomic PyObject* slot.
 *
 * The problem: a reader loads a pointer from a shared slot (an atomic
 * Pointer/Value, a sync.Map entry's value, the Map's read snapshot) without a
 * lock and then takes its own reference.  Between the load and Py_INCREF a
 * writer may swap the slot and drop the old object's last reference, so the
 * reader would incref freed memory.
 *
 * With the GIL this cannot happen: load and incref run without releasing the
 * GIL, and every writer needs the GIL too.  All of this compiles away there.
 *
 * On free-threaded builds we use sharded reader counters, a small form of
 * read-copy-update:
 *
 *   reader:  t = gostd_rc_enter();          counter[slot][gen & 1] += 1
 *            p = atomic_load(&slot);        (seq_cst)
 *            Py_INCREF(p);
 *            gostd_rc_exit(t);              counter[slot][gen & 1] -= 1
 *
 *   writer:  old = atomic_exchange(&slot, new);      (or a CAS)
 *            gostd_rc_synchronize();        wait until every counter has
 *                                           been seen at zero
 *            Py_DECREF(old);                (or hand old to the caller)
 *
 * Invariant: a reader that loaded `old` incremented its counter before the
 * writer's exchange (both seq_cst, so they are totally ordered), and keeps it
 * incremented until it holds its own reference.  The writer reads each
 * counter after its exchange; a zero there means every reader counted in it
 * either finished or will load the new pointer.  So once every counter has
 * been observed at zero, nobody can still be about to incref `old`.
 *
 * A reader's section contains no Python code and no waiting of ours (an
 * atomic load and an incref; for sync.Map's str/int keys also a dict lookup,
 * which may briefly take the dict's internal lock), so the writer's wait is
 * short.  The writer detaches its thread state while it yields, so it never
 * holds up a stop-the-world pause that a reader is waiting out; and it never
 * synchronizes inside a read section, so it cannot wait for itself.
 * Flipping `gen` first sends new readers to the other counter, so a steady
 * stream of readers cannot starve a writer.  Each thread gets its own slot
 * (round robin over GOSTD_RC_SLOTS cache lines), so readers of the same
 * object do not write to a shared cache line.
 */
#ifndef GOSTD_RECLAIM_H
#define GOSTD_RECLAIM_H

#include <Python.h>
#include <stdatomic.h>
#include <stdint.h>

#ifdef Py_GIL_DISABLED

#define GOSTD_RC_SLOTS 16

typedef struct {
    _Alignas(64) _Atomic(uint64_t) n[2];
} gostd_rc_slot;

extern gostd_rc_slot gostd_rc_slots[GOSTD_RC_SLOTS];
extern _Atomic(unsigned) gostd_rc_gen;
extern _Thread_local int gostd_rc_my_slot;

int gostd_rc_assign_slot(void);
void gostd_rc_synchronize(void);

static inline int
gostd_rc_enter(void)
{
    int s = gostd_rc_my_slot;
    if (s < 0) {
        s = gostd_rc_assign_slot();
    }
    unsigned g = atomic_load_explicit(&gostd_rc_gen, memory_order_relaxed) & 1u;
    atomic_fetch_add_explicit(&gostd_rc_slots[s].n[g], 1, memory_order_seq_cst);
    return (s << 1) | (int)g;
}

static inline void
gostd_rc_exit(int token)
{
    atomic_fetch_sub_explicit(&gostd_rc_slots[token >> 1].n[token & 1], 1,
                              memory_order_release);
}

#else /* the GIL orders loads, increfs and decrefs */

static inline int gostd_rc_enter(void) { return 0; }
static inline void gostd_rc_exit(int token) { (void)token; }
static inline void gostd_rc_synchronize(void) { }

#endif

/* A strong reference to the object in `slot`, or NULL when it is empty.
 * The slot must hold only real objects or NULL. */
static inline PyObject *
gostd_load_ref(_Atomic(PyObject *) *slot)
{
    int t = gostd_rc_enter();
    PyObject *p = atomic_load_explicit(slot, memory_order_seq_cst);
    Py_XINCREF(p);
    gostd_rc_exit(t);
    return p;
}

/* Drop a reference that was taken out of a shared slot by exchange or CAS. */
static inline void
gostd_retire(PyObject *old)
{
    if (old != NULL) {
        gostd_rc_synchronize();
        Py_DECREF(old);
    }
}

#endif /* GOSTD_RECLAIM_H */
