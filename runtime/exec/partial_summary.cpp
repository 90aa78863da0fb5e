// Partial summaries of a Scan's rows, per input range, on the reading threads.
#include "runtime/exec/partial_summary.h"

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

namespace huntc::exec {

const AggregateNode* SummaryAbove(const PlanNode& plan, const PlanNode& scan) {
  // The path from the plan's root to the Scan, found without recursion (plans come from rules).
  std::vector<std::pair<const PlanNode*, const PlanNode*>> parents;  // (node, its parent)
  std::vector<const PlanNode*> stack{&plan};
  bool found = &plan == &scan;
  while (!stack.empty() && !found) {
    const PlanNode* node = stack.back();
    stack.pop_back();
    for (const PlanPtr& input : node->inputs) {
      parents.emplace_back(input.get(), node);
      found |= input.get() == &scan;
      stack.push_back(input.get());
    }
  }
  if (!found) return nullptr;
  const auto parent_of = [&](const PlanNode* node) -> const PlanNode* {
    for (const auto& [child, parent] : parents) {
      if (child == node) return parent;
    }
    return nullptr;
  };
  const PlanNode* above = parent_of(&scan);
  while (above && (above->Is<FilterNode>() || above->Is<ProjectNode>())) above = parent_of(above);
  const AggregateNode* summary = above ? above->As<AggregateNode>() : nullptr;
  AggLayout layout;
  std::string why;
  if (!summary || !summary->kernel || !AggLayout::Of(*summary, layout, why)) return nullptr;
  return summary;
}

bool SumsReals(const AggregateNode& node) {
  AggLayout layout;
  std::string why;
  AggLayout::Of(node, layout, why);
  return std::any_of(layout.slots.begin(), layout.slots.end(),
                     [](const AggSlotSpec& s) {
                       return s.slot == AggSlot::SumReal || s.slot == AggSlot::Avg || s.slot == AggSlot::Variance;
                     });
}

bool MergesInOrder(const AggregateNode& node) {
  AggLayout layout;
  std::string why;
  AggLayout::Of(node, layout, why);
  for (size_t a = 0; a < layout.slots.size(); ++a) {
    switch (layout.slots[a].slot) {
      case AggSlot::SumReal:
      case AggSlot::Avg:
      case AggSlot::Variance:
      case AggSlot::Arg: return false;
      case AggSlot::PickInt:
      case AggSlot::PickReal:
      case AggSlot::PickString:
        if (node.aggregates[a].kind == AggKind::TakeAny) return false;
        break;
      default: break;
    }
  }
  return true;
}

// Where the summarize's input rows go: its kernel, into the current table.
class PartialSummary::Sink : public Consumer {
 public:
  Sink(const AggregateNode& node, int64_t now) : node_(node), now_(now) { Reset(); }

  void Push(const RowSet& rows, int) override {
    const uint32_t* selection = inputs_.Prepare(rows);
    const KernelContext context{now_, node_.kernel_objects};
    node_.kernel(inputs_.views.data(), static_cast<uint32_t>(rows.count), selection, &context, table_.get());
    fed_ = true;
  }
  void Finish(int) override {}

  void SetRange(uint32_t range) { table_->set_range(range); }

  std::unique_ptr<AggTable> Take() {
    if (!fed_) return nullptr;
    std::unique_ptr<AggTable> table = std::move(table_);
    Reset();
    return table;
  }

 private:
  void Reset() {
    AggLayout layout;
    std::string why;
    AggLayout::Of(node_, layout, why);  // SummaryAbove found it has one
    table_ = std::make_unique<AggTable>(node_, std::move(layout));
    fed_ = false;
  }

  const AggregateNode& node_;
  int64_t now_;
  std::unique_ptr<AggTable> table_;
  bool fed_ = false;
  KernelInputs inputs_;
};

PartialSummary::PartialSummary(const AggregateNode& node, int64_t now)
    : sink_(std::make_unique<Sink>(node, now)), execution_(*node.inputs[0], now, *sink_) {}

PartialSummary::~PartialSummary() = default;

void PartialSummary::SetRange(uint32_t range) { sink_->SetRange(range); }

std::unique_ptr<AggTable> PartialSummary::Take() { return sink_->Take(); }

}  // namespace huntc::exec
