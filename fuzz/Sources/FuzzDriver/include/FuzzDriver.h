// Entry points of the fuzz executables. SwiftPM links each executable with `main` aliased to
// `<module>_main` (so that executables are testable); these call libFuzzer's driver, so that the
// `main` inside libFuzzer is not needed. No stable API.
#pragma once
