/* gostd._core: the module object.  Each concept (atomics in atomic.c,
 * sync.Map in map.c, the locks, gob's struct loops in gob.c) lives in its
 * own file and adds its heap types here.
 * The types keep no global Python state, and every shared pointer is
 * published as described in reclaim.h, so the module runs without the GIL
 * on free-threaded CPython. */
#include "core.h"

/* sync.Mutex (mutex.c) and sync.RWMutex (rwmutex.c). */
int gostd_mutex_exec(PyObject *module, core_state *st);
int gostd_rwmutex_exec(PyObject *module, core_state *st);
/* encoding/gob's struct loops (gob.c). */
int gostd_gob_exec(PyObject *module, core_state *st);

PyObject *
gostd_no_copy(PyObject *self, PyObject *protocol)
{
    PyErr_Format(PyExc_TypeError,
                 "cannot copy or pickle %.100s: Go forbids copying it after first use",
                 Py_TYPE(self)->tp_name);
    return NULL;
}

void
gostd_lock_dealloc(PyObject *self)
{
    PyTypeObject *tp = Py_TYPE(self);
    if (*(PyObject **)((char *)self + tp->tp_weaklistoffset) != NULL) {
        PyObject_ClearWeakRefs(self);
    }
    tp->tp_free(self);
    Py_DECREF(tp);
}

static int
core_exec(PyObject *module)
{
    core_state *st = (core_state *)PyModule_GetState(module);
    PyObject *panic_mod = PyImport_ImportModule("gostd._panic");
    if (panic_mod == NULL) {
        return -1;
    }
    st->panic = PyObject_GetAttrString(panic_mod, "Panic");
    Py_DECREF(panic_mod);
    if (st->panic == NULL) {
        return -1;
    }
    if (gostd_atomic_exec(module, st) < 0) {
        return -1;
    }
    if (gostd_map_exec(module, st) < 0) {
        return -1;
    }
    if (gostd_mutex_exec(module, st) < 0 || gostd_rwmutex_exec(module, st) < 0) {
        return -1;
    }
    if (gostd_gob_exec(module, st) < 0) {
        return -1;
    }
#ifdef Py_GIL_DISABLED
    if (PyModule_AddIntConstant(module, "FREE_THREADED", 1) < 0) {
        return -1;
    }
#else
    if (PyModule_AddIntConstant(module, "FREE_THREADED", 0) < 0) {
        return -1;
    }
#endif
    return 0;
}

static int
core_traverse(PyObject *module, visitproc visit, void *arg)
{
    core_state *st = (core_state *)PyModule_GetState(module);
    if (st != NULL) {
        Py_VISIT(st->panic);
        Py_VISIT(st->entry_type);
        Py_VISIT(st->map_iter_type);
        Py_VISIT(st->miss);
    }
    return 0;
}

static int
core_clear(PyObject *module)
{
    core_state *st = (core_state *)PyModule_GetState(module);
    if (st != NULL) {
        Py_CLEAR(st->panic);
        Py_CLEAR(st->entry_type);
        Py_CLEAR(st->map_iter_type);
        Py_CLEAR(st->miss);
    }
    return 0;
}

static void
core_free(void *module)
{
    (void)core_clear((PyObject *)module);
}

static PyModuleDef_Slot core_slots[] = {
    {Py_mod_exec, core_exec},
#ifdef Py_mod_multiple_interpreters
    {Py_mod_multiple_interpreters, Py_MOD_PER_INTERPRETER_GIL_SUPPORTED},
#endif
#ifdef Py_GIL_DISABLED
    {Py_mod_gil, Py_MOD_GIL_NOT_USED},
#endif
    {0, NULL},
};

static struct PyModuleDef core_module = {
    PyModuleDef_HEAD_INIT,
    .m_name = "gostd._core",
    .m_doc = "C core of gostd: lock-free atomics and sync.Map.",
    .m_size = sizeof(core_state),
    .m_slots = core_slots,
    .m_traverse = core_traverse,
    .m_clear = core_clear,
    .m_free = core_free,
};

PyMODINIT_FUNC
PyInit__core(void)
{
    return PyModuleDef_Init(&core_module);
}
