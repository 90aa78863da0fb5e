// A deterministic generator of sample DeviceNetworkEvents, the input of the README demo, the tests
// and the benchmarks against DuckDB.
//
// It writes JSON lines with every column of schemas/DeviceNetworkEvents.json in schema order, typed
// as the schema says. The output is a pure function of the options: the same options give the same
// bytes on any platform, because one seeded xoshiro256** stream drives every draw and neither std
// distributions nor libm are used.
#pragma once

#include <cstdint>
#include <functional>
#include <string_view>

namespace huntc::gen {

struct GenOptions {
  uint64_t events = 0;
  uint64_t seed = 1;
  int64_t now = 0;  // datetime ticks (runtime/types.h); events fall in [now - days, now)
  int days = 14;
};

// Writes opt.events events to sink in chunks of about a megabyte that end at line ends, so that a
// caller can fwrite them as they come; stops early when sink returns false.
void GenerateEvents(const GenOptions& opt, const std::function<bool(std::string_view)>& sink);

}  // namespace huntc::gen
