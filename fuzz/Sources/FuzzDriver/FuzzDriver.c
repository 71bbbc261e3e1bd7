#include "FuzzDriver.h"
#include <stddef.h>
#include <stdint.h>

// Defined by each fuzz target in Swift with @_cdecl("LLVMFuzzerTestOneInput").
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
// libFuzzer's driver (compiler-rt, linked by -sanitize=fuzzer): parses the usual flags and runs.
int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));

static int run(int argc, char **argv) { return LLVMFuzzerRunDriver(&argc, &argv, LLVMFuzzerTestOneInput); }

int fuzz_geojson_main(int argc, char **argv) { return run(argc, argv); }
int fuzz_csv_main(int argc, char **argv) { return run(argc, argv); }
int fuzz_study_main(int argc, char **argv) { return run(argc, argv); }
int fuzz_whole_main(int argc, char **argv) { return run(argc, argv); }
