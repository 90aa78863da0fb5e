// Columnar batch storage.
#include "runtime/batch.h"

namespace huntc {

void Column::Clear() {
  valid_.clear();
  u8_.clear();
  i32_.clear();
  i64_.clear();
  f64_.clear();
  offsets_.resize(1);
  bytes_.clear();
}

void Column::Reserve(size_t rows) {
  valid_.reserve(rows);
  switch (type_) {
    case Type::Bool: u8_.reserve(rows); break;
    case Type::Int: i32_.reserve(rows); break;
    case Type::Long:
    case Type::DateTime:
    case Type::TimeSpan: i64_.reserve(rows); break;
    case Type::Real:
    case Type::Decimal: f64_.reserve(rows); break;
    default: offsets_.reserve(rows + 1); break;
  }
}

void Column::AppendNull() {
  switch (type_) {
    case Type::Bool: u8_.push_back(0); break;
    case Type::Int: i32_.push_back(0); break;
    case Type::Long:
    case Type::DateTime:
    case Type::TimeSpan: i64_.push_back(0); break;
    case Type::Real:
    case Type::Decimal: f64_.push_back(0); break;
    case Type::String:
      offsets_.push_back(static_cast<uint32_t>(bytes_.size()));
      valid_.push_back(1);
      return;
    default: offsets_.push_back(static_cast<uint32_t>(bytes_.size())); break;
  }
  valid_.push_back(0);
}

void Column::AppendBool(bool v) {
  u8_.push_back(v);
  valid_.push_back(1);
}

void Column::AppendInt(int32_t v) {
  i32_.push_back(v);
  valid_.push_back(1);
}

void Column::AppendLong(int64_t v) {
  i64_.push_back(v);
  valid_.push_back(1);
}

void Column::AppendReal(double v) {
  f64_.push_back(v);
  valid_.push_back(1);
}

void Column::AppendString(std::string_view v) {
  bytes_.append(v);
  offsets_.push_back(static_cast<uint32_t>(bytes_.size()));
  valid_.push_back(1);
}

void Column::AppendFrom(const Column& other, size_t row) {
  if (other.IsNull(row)) {
    AppendNull();
    return;
  }
  switch (type_) {
    case Type::Bool: AppendBool(other.BoolAt(row)); break;
    case Type::Int: AppendInt(other.IntAt(row)); break;
    case Type::Long:
    case Type::DateTime:
    case Type::TimeSpan: AppendLong(other.LongAt(row)); break;
    case Type::Real:
    case Type::Decimal: AppendReal(other.RealAt(row)); break;
    default: AppendString(other.StringAt(row)); break;
  }
}

ColumnView Column::View() const {
  ColumnView v{nullptr, valid_.data(), nullptr, nullptr};
  switch (type_) {
    case Type::Bool: v.values = u8_.data(); break;
    case Type::Int: v.values = i32_.data(); break;
    case Type::Long:
    case Type::DateTime:
    case Type::TimeSpan: v.values = i64_.data(); break;
    case Type::Real:
    case Type::Decimal: v.values = f64_.data(); break;
    default:
      v.offsets = offsets_.data();
      v.bytes = bytes_.data();
      break;
  }
  return v;
}

Batch::Batch(std::vector<ColumnSpec> s) : specs(std::move(s)) {
  columns.reserve(specs.size());
  for (const auto& spec : specs) columns.emplace_back(spec.type);
}

ColumnOutput Column::Resize(size_t rows) {
  valid_.resize(rows);
  switch (type_) {
    case Type::Bool: u8_.resize(rows); return {u8_.data(), valid_.data()};
    case Type::Int: i32_.resize(rows); return {i32_.data(), valid_.data()};
    case Type::Long:
    case Type::DateTime:
    case Type::TimeSpan: i64_.resize(rows); return {i64_.data(), valid_.data()};
    case Type::Real:
    case Type::Decimal: f64_.resize(rows); return {f64_.data(), valid_.data()};
    default: return {nullptr, valid_.data()};  // string-like columns are not written by kernels
  }
}

void Batch::Clear() {
  for (auto& c : columns) c.Clear();
  row_count = 0;
}

}  // namespace huntc
