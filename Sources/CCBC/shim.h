// Internal shim: exposes the COIN-OR CBC C API (mixed-integer programming) and the Clp C API (its
// LP solver, for pure linear programs) to Swift. No stable API; only the solver wrapper
// CareSolver imports it.
#ifndef CAREATLAS_CCBC_SHIM_H
#define CAREATLAS_CCBC_SHIM_H
#include <coin/Cbc_C_Interface.h>
#include <coin/Clp_C_Interface.h>
#endif
