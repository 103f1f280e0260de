/* Writer side of the sharded reader counters; see reclaim.h for the scheme
 * and its invariant.  Empty on builds with the GIL. */
#include "core.h"

#ifdef Py_GIL_DISABLED

#ifdef _WIN32
#include <windows.h>
#define gostd_yield() SwitchToThread()
#else
#include <sched.h>
#define gostd_yield() sched_yield()
#endif

gostd_rc_slot gostd_rc_slots[GOSTD_RC_SLOTS];
_Atomic(unsigned) gostd_rc_gen;
_Thread_local int gostd_rc_my_slot = -1;
static _Atomic(unsigned) next_slot;

int
gostd_rc_assign_slot(void)
{
    int s = (int)(atomic_fetch_add_explicit(&next_slot, 1, memory_order_relaxed)
                  % GOSTD_RC_SLOTS);
    gostd_rc_my_slot = s;
    return s;
}

static void
wait_parity(unsigned g)
{
    for (int i = 0; i < GOSTD_RC_SLOTS; i++) {
        unsigned spins = 0;
        while (atomic_load_explicit(&gostd_rc_slots[i].n[g], memory_order_seq_cst) != 0) {
            if (++spins >= 64) {
                /* The reader was preempted, or waits for a dict's internal
                 * lock, inside its section.  Detach while yielding, so a
                 * stop-the-world pause that the reader is waiting out can
                 * complete (a spinning attached thread would hold it up). */
                Py_BEGIN_ALLOW_THREADS
                gostd_yield();
                Py_END_ALLOW_THREADS
                spins = 0;
            }
        }
    }
    atomic_thread_fence(memory_order_acquire);
}

void
gostd_rc_synchronize(void)
{
    /* New readers go to the other parity, so the old one drains; then wait
     * for the new one too, since a reader may have read `gen` just before the
     * flip.  Seeing both at zero is what the invariant needs, whatever other
     * writers do to `gen` meanwhile. */
    unsigned old = atomic_fetch_xor_explicit(&gostd_rc_gen, 1u, memory_order_seq_cst) & 1u;
    wait_parity(old);
    wait_parity(old ^ 1u);
}

#else

/* ISO C forbids an empty translation unit. */
typedef int gostd_reclaim_unused;

#endif
