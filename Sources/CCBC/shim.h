// Internal shim: exposes the COIN-OR CBC C API (mixed-integer programming) and the Clp C API (its
// LP solver, for pure linear programs) to Swift. No stable API; only the solver wrapper
// CareSolver imports it.
//
// The shim gives the headers (types, constants) and nothing to link: libCbcSolver and the
// libraries it pulls in (CBC, CGL, OSI, Clp, CoinUtils, LAPACK, BLAS, gfortran: ≈ 7 ms of every
// process's start-up) are bound at first use with dlopen, so commands that solve no integer or
// linear program (`mclp`, point-mode `access`, `--help`) never load them. `CareAtlasCBC` is the
// table of the functions CareSolver calls, each typed from the library's own declaration
// (`__typeof__`), filled once by `careatlas_cbc_bind` from libCbcSolver's handle (its dependency
// libClp provides the Clp functions: `dlsym` on a handle searches the libraries it loaded). A call
// of a CBC or Clp function by its global name fails to link, which keeps every call going through
// the table.
#ifndef CAREATLAS_CCBC_SHIM_H
#define CAREATLAS_CCBC_SHIM_H
#include <coin/Cbc_C_Interface.h>
#include <coin/Clp_C_Interface.h>
#include <coin/CbcConfig.h>
#include <dlfcn.h>
#include <stddef.h>

// Every CBC and Clp function CareSolver calls, once.
#define CAREATLAS_CBC_FUNCTIONS(X) \
    X(Cbc_getVersion) X(Cbc_newModel) X(Cbc_deleteModel) X(Cbc_loadProblem) X(Cbc_setInteger) \
    X(Cbc_setLogLevel) X(Cbc_setParameter) X(Cbc_setMaximumSeconds) X(Cbc_setAllowableFractionGap) \
    X(Cbc_setMIPStartI) X(Cbc_solve) X(Cbc_status) X(Cbc_secondaryStatus) X(Cbc_isProvenInfeasible) \
    X(Cbc_isContinuousUnbounded) X(Cbc_isAbandoned) X(Cbc_isProvenOptimal) X(Cbc_bestSolution) \
    X(Cbc_getColSolution) X(Cbc_getNodeCount) X(Cbc_getBestPossibleObjValue) \
    X(Clp_newModel) X(Clp_deleteModel) X(Clp_loadProblem) X(Clp_setLogLevel) X(Clp_dual) \
    X(Clp_status) X(Clp_secondaryStatus) X(Clp_isProvenOptimal) X(Clp_getColSolution) \
    X(Clp_isProvenPrimalInfeasible) X(Clp_isProvenDualInfeasible)

#define CAREATLAS_CBC_FIELD(name) __typeof__(&name) name;
/// The CBC and Clp functions CareSolver calls, bound from one loaded library.
typedef struct CareAtlasCBC {
    CAREATLAS_CBC_FUNCTIONS(CAREATLAS_CBC_FIELD)
} CareAtlasCBC;
#undef CAREATLAS_CBC_FIELD

/// Fills `table` with the functions of `library` (a dlopen handle). Returns NULL when every one was
/// found, else the name of the first that is missing (the table is then partly filled: do not use).
static inline const char *careatlas_cbc_bind(void *library, CareAtlasCBC *table) {
#define CAREATLAS_CBC_BIND(name) \
    if ((table->name = (__typeof__(&name))dlsym(library, #name)) == NULL) return #name;
    CAREATLAS_CBC_FUNCTIONS(CAREATLAS_CBC_BIND)
#undef CAREATLAS_CBC_BIND
    return NULL;
}

/// The major version of the headers this shim was compiled with (the loaded library must match).
static inline int careatlas_cbc_header_version_major(void) { return CBC_VERSION_MAJOR; }
#endif
