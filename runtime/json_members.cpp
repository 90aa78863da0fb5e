// The key layout of a table's JSON lines (see json_members.h).
#include "runtime/json_members.h"


namespace huntc {

void MemberLayout::Begin() {
  ready_ = false;
  usable_ = true;
  columns_.clear();
  lengths_.clear();
  padded_.clear();
  long_.clear();
}

void MemberLayout::Add(std::string_view quoted_key, uint32_t column) {
  if (!usable_) return;
  if (quoted_key.find('\\') != std::string_view::npos) {
    usable_ = false;
    return;
  }
  columns_.push_back(column);
  lengths_.push_back(static_cast<uint32_t>(quoted_key.size()));
  padded_.append(quoted_key.substr(0, kReadable));
  padded_.resize(columns_.size() * kReadable, '\0');
  long_.emplace_back(quoted_key.size() > kReadable ? quoted_key : std::string_view());
}

}  // namespace huntc
