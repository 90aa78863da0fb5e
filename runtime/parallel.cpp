// Running independent pieces of work on several threads.
#include "runtime/parallel.h"

#include <atomic>
#include <thread>
#include <vector>

namespace huntc {

void ForEachParallel(size_t n, unsigned threads, const std::function<void(size_t)>& work) {
  std::atomic<size_t> next{0};
  const auto loop = [&] {
    for (size_t i; (i = next.fetch_add(1)) < n;) work(i);
  };
  std::vector<std::thread> helpers;
  for (unsigned t = 1; t < threads && t < n; ++t) helpers.emplace_back(loop);
  loop();
  for (std::thread& t : helpers) t.join();
}

}  // namespace huntc
