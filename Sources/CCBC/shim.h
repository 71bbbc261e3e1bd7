// Internal shim: exposes the COIN-OR CBC C API (mixed-integer programming) to Swift. No stable API;
// only the solver wrapper in CareAtlas/Scenarios/Solver imports it.
#ifndef CAREATLAS_CCBC_SHIM_H
#define CAREATLAS_CCBC_SHIM_H
#include <coin/Cbc_C_Interface.h>
#endif
