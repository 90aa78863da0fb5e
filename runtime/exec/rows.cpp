// Keys, cells and row ordering.
#include "runtime/exec/rows.h"

#include <cmath>
#include <cstring>

namespace huntc::exec {

namespace {

bool IsReal(Type t) { return t == Type::Real || t == Type::Decimal; }

void AppendBytes(std::string& key, const void* p, size_t n) { key.append(static_cast<const char*>(p), n); }

// -1 for null (or NaN), else 0 with the value's order in `cmp`.
bool IsNullish(const Column& c, size_t row) {
  return c.IsNull(row) || (IsReal(c.type()) && std::isnan(c.RealAt(row)));
}

int CompareValues(const Column& x, size_t a, const Column& y, size_t b) {
  switch (x.type()) {
    case Type::Bool: return int{x.BoolAt(a)} - int{y.BoolAt(b)};
    case Type::Int: return (x.IntAt(a) > y.IntAt(b)) - (x.IntAt(a) < y.IntAt(b));
    case Type::Long:
    case Type::DateTime:
    case Type::TimeSpan: return (x.LongAt(a) > y.LongAt(b)) - (x.LongAt(a) < y.LongAt(b));
    case Type::Real:
    case Type::Decimal: return (x.RealAt(a) > y.RealAt(b)) - (x.RealAt(a) < y.RealAt(b));
    default: {
      const int c = x.StringAt(a).compare(y.StringAt(b));
      return (c > 0) - (c < 0);
    }
  }
}

}  // namespace

void EncodeKey(const Column& c, size_t row, std::string& key) {
  if (c.IsNull(row)) {
    key.push_back('\0');
    return;
  }
  key.push_back('\1');
  switch (c.type()) {
    case Type::Bool:
    case Type::Int:
    case Type::Long:
    case Type::DateTime:
    case Type::TimeSpan: {
      const int64_t v = c.type() == Type::Bool ? c.BoolAt(row) : c.type() == Type::Int ? c.IntAt(row) : c.LongAt(row);
      AppendBytes(key, &v, sizeof v);
      return;
    }
    case Type::Real:
    case Type::Decimal: {
      double v = c.RealAt(row);
      if (v == 0) v = 0;  // -0.0 and 0.0 are one key
      AppendBytes(key, &v, sizeof v);
      return;
    }
    default: {
      const std::string_view s = c.StringAt(row);
      const uint32_t n = static_cast<uint32_t>(s.size());
      AppendBytes(key, &n, sizeof n);
      key.append(s);
      return;
    }
  }
}

namespace {

// Hash64 in steps: FNV-1a over the bytes, then a splitmix64 finaliser for the high bits.
constexpr uint64_t kFnvBasis = 0xcbf29ce484222325ULL;

uint64_t FnvBytes(uint64_t h, const void* p, size_t n) {
  const auto* bytes = static_cast<const unsigned char*>(p);
  for (size_t i = 0; i < n; ++i) h = (h ^ bytes[i]) * 0x100000001b3ULL;
  return h;
}

// The encoding's leading byte of a non-null value (EncodeKey).
const unsigned char kPresent = 1;

}  // namespace

uint64_t Mix64(uint64_t h) {
  h ^= h >> 30;
  h *= 0xbf58476d1ce4e5b9ULL;
  h ^= h >> 27;
  h *= 0x94d049bb133111ebULL;
  return h ^ (h >> 31);
}

uint64_t Hash64(std::string_view bytes) { return Mix64(FnvBytes(kFnvBasis, bytes.data(), bytes.size())); }

uint64_t HashKeyInteger(int64_t v) { return Mix64(FnvBytes(FnvBytes(kFnvBasis, &kPresent, 1), &v, sizeof v)); }

uint64_t HashKeyReal(double v) {
  if (v == 0) v = 0;  // as EncodeKey: -0.0 and 0.0 are one value
  return Mix64(FnvBytes(FnvBytes(kFnvBasis, &kPresent, 1), &v, sizeof v));
}

uint64_t HashKeyString(std::string_view s) {
  const uint32_t n = static_cast<uint32_t>(s.size());
  return Mix64(FnvBytes(FnvBytes(FnvBytes(kFnvBasis, &kPresent, 1), &n, sizeof n), s.data(), s.size()));
}

Cell ReadCell(const Column& c, size_t row) {
  Cell cell;
  if (c.IsNull(row)) return cell;
  cell.null = false;
  switch (c.type()) {
    case Type::Bool: cell.integer = c.BoolAt(row); break;
    case Type::Int: cell.integer = c.IntAt(row); break;
    case Type::Long:
    case Type::DateTime:
    case Type::TimeSpan: cell.integer = c.LongAt(row); break;
    case Type::Real:
    case Type::Decimal: cell.real = c.RealAt(row); break;
    default: cell.text = std::string(c.StringAt(row)); break;
  }
  return cell;
}

void AppendCell(Column& out, const Cell& cell) {
  if (cell.null) {
    out.AppendNull();
    return;
  }
  switch (out.type()) {
    case Type::Bool: out.AppendBool(cell.integer != 0); break;
    case Type::Int: out.AppendInt(static_cast<int32_t>(cell.integer)); break;
    case Type::Long:
    case Type::DateTime:
    case Type::TimeSpan: out.AppendLong(cell.integer); break;
    case Type::Real:
    case Type::Decimal: out.AppendReal(cell.real); break;
    default: out.AppendString(cell.text); break;
  }
}

int CompareCells(Type t, const Cell& a, const Cell& b) {
  switch (t) {
    case Type::Real:
    case Type::Decimal: return (a.real > b.real) - (a.real < b.real);
    case Type::Bool:
    case Type::Int:
    case Type::Long:
    case Type::DateTime:
    case Type::TimeSpan: return (a.integer > b.integer) - (a.integer < b.integer);
    default: {
      const int c = a.text.compare(b.text);
      return (c > 0) - (c < 0);
    }
  }
}

bool RowLess(const Batch& x, size_t a, const Batch& y, size_t b, const std::vector<SortKey>& keys) {
  for (const SortKey& k : keys) {
    const Column& cx = x.columns[static_cast<size_t>(k.column)];
    const Column& cy = y.columns[static_cast<size_t>(k.column)];
    const bool nx = IsNullish(cx, a), ny = IsNullish(cy, b);
    if (nx || ny) {
      if (nx && ny) continue;
      return nx == k.nulls_first;
    }
    const int c = CompareValues(cx, a, cy, b);
    if (c != 0) return k.descending ? c > 0 : c < 0;
  }
  return false;
}

}  // namespace huntc::exec
