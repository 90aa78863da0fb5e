// Running independent pieces of work on several threads.
#pragma once

#include <cstddef>
#include <functional>

namespace huntc {

// Calls `work(i)` for each i in [0, n) on up to `threads` threads (this one included), taking
// the next i as each finishes, so that pieces given largest first end close together.
void ForEachParallel(size_t n, unsigned threads, const std::function<void(size_t)>& work);

}  // namespace huntc
