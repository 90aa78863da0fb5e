// The key layout of a table's JSON lines (see json_members.h).
#include "runtime/json_members.h"

#include <cstring>

namespace huntc {

void MemberLayout::Begin() {
  ready_ = false;
  usable_ = true;
  members_.clear();
  long_.clear();
  table_member_ = kNoTableMember;
}

void MemberLayout::Add(std::string_view keyed, uint32_t column, bool names_table) {
  if (!usable_) return;
  if (keyed.find('\\') != std::string_view::npos || (names_table && table_member_ != kNoTableMember)) {
    usable_ = false;
    return;
  }
  if (names_table) table_member_ = members_.size();
  Member& m = members_.emplace_back();
  const std::string_view head = keyed.substr(0, kReadable);
  std::memset(m.key, 0, sizeof m.key);
  std::memcpy(m.key, head.data(), head.size());
  m.length = static_cast<uint32_t>(keyed.size());
  m.want = (uint64_t{1} << head.size()) - 1;  // head.size() is at most kReadable, under 64
  m.column = column;
  long_.emplace_back(keyed.size() > kReadable ? keyed : std::string_view());
}

}  // namespace huntc
