/* gostd._core: the module object. Each concept (atomics, sync.Map) lives in
 * its own file and registers its types here. The module keeps no state of its
 * own, so it runs without the GIL on free-threaded CPython. */
#include "core.h"

static PyModuleDef_Slot core_slots[] = {
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
    .m_size = 0,
    .m_slots = core_slots,
};

PyMODINIT_FUNC
PyInit__core(void)
{
    return PyModuleDef_Init(&core_module);
}
