// Entry points through which generated kernels call the interpreter's scalar functions
// (runtime/exec/functions.h), so both engines compute these values with the same code. Bound by
// the JIT's symbol map (not bitcode): they live among code with library state.
//
// Convention: each returns 1 and stores the value in *out, or returns 0 for a null result.
// Strings are passed as pointer and byte length; bools are stored as 0 or 1.
#pragma once

#include <cstdint>

extern "C" {
int32_t huntc_bin_long(int64_t v, int64_t size, int64_t origin, int64_t* out);
int32_t huntc_bin_real(double v, double size, double origin, double* out);
int32_t huntc_strlen(const char* s, uint32_t n, int64_t* out);
int32_t huntc_datetime_diff(const char* period, uint32_t np, int64_t d1, int64_t d2, int64_t* out);
int32_t huntc_ipv4_is_private(const char* ip, uint32_t n, int32_t* out);
int32_t huntc_ipv4_is_in_range(const char* ip, uint32_t n, const char* range, uint32_t nr, int32_t* out);
int32_t huntc_ipv4_compare(const char* a, uint32_t na, const char* b, uint32_t nb, int32_t prefix, int64_t* out);
}
