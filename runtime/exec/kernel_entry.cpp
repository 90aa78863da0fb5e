// The interpreter's scalar functions as generated kernels call them (see kernel_entry.h).
#include "runtime/exec/kernel_entry.h"

#include <optional>

#include "runtime/exec/functions.h"

namespace {

template <class T, class Out>
int32_t Store(const std::optional<T>& v, Out* out) {
  if (!v) return 0;
  *out = static_cast<Out>(*v);
  return 1;
}

}  // namespace

using namespace huntc::exec;

extern "C" {

int32_t huntc_bin_long(int64_t v, int64_t size, int64_t origin, int64_t* out) {
  return Store(BinLong(v, size, origin), out);
}

int32_t huntc_bin_real(double v, double size, double origin, double* out) {
  return Store(BinReal(v, size, origin), out);
}

int32_t huntc_strlen(const char* s, uint32_t n, int64_t* out) {
  *out = Utf8Length({s, n});
  return 1;
}

int32_t huntc_datetime_diff(const char* period, uint32_t np, int64_t d1, int64_t d2, int64_t* out) {
  return Store(DateTimeDiff({period, np}, d1, d2), out);
}

int32_t huntc_ipv4_is_private(const char* ip, uint32_t n, int32_t* out) {
  return Store(Ipv4IsPrivate({ip, n}), out);
}

int32_t huntc_ipv4_is_in_range(const char* ip, uint32_t n, const char* range, uint32_t nr, int32_t* out) {
  return Store(Ipv4IsInRange({ip, n}, {range, nr}), out);
}

int32_t huntc_ipv4_compare(const char* a, uint32_t na, const char* b, uint32_t nb, int32_t prefix, int64_t* out) {
  return Store(Ipv4Compare({a, na}, {b, nb}, prefix), out);
}

}  // extern "C"
