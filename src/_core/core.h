/* Shared declarations of the gostd._core extension. */
#ifndef GOSTD_CORE_H
#define GOSTD_CORE_H

#define PY_SSIZE_T_CLEAN
#include <Python.h>

#endif /* GOSTD_CORE_H */
