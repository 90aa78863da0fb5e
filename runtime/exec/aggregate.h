// The aggregate functions of summarize: one state per group, updated a batch at a time.
//
// The Aggregate operator evaluates an aggregate's arguments over a batch into columns and hands
// them, with the group of each row, to the aggregator, which loops over the rows in one call.
// States live in vectors indexed by group, so memory grows with the groups, not the rows (except
// make_list/make_set, bounded by their cap, and percentile, which keeps the group's values).
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "runtime/batch.h"
#include "runtime/exec/json.h"
#include "runtime/exec/plan.h"

namespace huntc::exec {

class Aggregator {
 public:
  virtual ~Aggregator() = default;
  // Makes room for `groups` groups; new groups start empty.
  virtual void Resize(size_t groups) = 0;
  // args: the spec's args evaluated over the batch; outputs: its `outputs` evaluated likewise
  // (arg_max/arg_min); groups[i]: the group of row i.
  virtual void Update(const std::vector<Column>& args, const std::vector<Column>& outputs,
                      const std::vector<uint32_t>& groups) = 0;
  // Appends the result of `group` to out (one column per output of the spec).
  virtual void Result(size_t group, Column* const* out) const = 0;
};

std::unique_ptr<Aggregator> MakeAggregator(const AggregateSpec& spec);

// What make_set (set) or make_list adds for a non-null value: the JSON text of the value, or for
// make_set of an array, of each of its elements (doc: make-set-aggregation-function, "Set from
// array column"); make_list keeps an array whole. The interpreter and compiled kernels both
// collect these texts, so they agree.
template <class Add>
void ForEachListItem(const Json& value, bool set, Add add) {
  if (!set || !value.IsArray()) {
    add(value.Serialize());
    return;
  }
  for (const Json& item : value.items()) add(item.Serialize());
}

// The HyperLogLog distinct-count estimator behind dcount: exact (a set of hashes) up to
// kExactLimit distinct values, then 2^14 registers (about 0.8 % standard error). The first
// kInline hashes are kept in the counter itself, so most groups' counters (a few values each)
// take no memory of their own and cost no pointer chase; more go to a hash set.
class DistinctCounter {
 public:
  static constexpr size_t kExactLimit = 1000;
  static constexpr size_t kInline = 4;
  void Add(uint64_t hash);
  // Adds what `other` counted: the result is that of adding both counters' values to one.
  void Merge(const DistinctCounter& other);
  int64_t Estimate() const;

 private:
  // Past kInline hashes.
  struct Large {
    std::vector<uint64_t> exact;  // open addressing by the low bits, 0 = free, at most half full
    size_t count = 0;             // distinct hashes held exactly (with zero)
    bool zero = false;            // whether the hash 0 was added
    std::vector<uint8_t> registers;  // once more than kExactLimit: exact is then empty

    void Add(uint64_t hash);
    void AddExact(uint64_t hash);
    void AddRegister(uint64_t hash);
    // Calls fn(hash) for each hash held exactly.
    template <class Fn>
    void ForEachExact(Fn fn) const {
      for (uint64_t h : exact) {
        if (h != 0) fn(h);
      }
      if (zero) fn(0);
    }
  };

  uint64_t inline_[kInline] = {};
  uint32_t size_ = 0;  // hashes in inline_ while large_ is null
  std::unique_ptr<Large> large_;
};

}  // namespace huntc::exec
