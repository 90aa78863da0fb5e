// The interpreter's scalar functions as generated kernels call them (see kernel_entry.h).
#include "runtime/exec/kernel_entry.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <memory>
#include <optional>
#include <vector>

#include <re2/re2.h>

#include "runtime/batch.h"
#include "runtime/exec/eval.h"
#include "runtime/exec/functions.h"
#include "runtime/exec/json.h"
#include "runtime/literal_matcher.h"
#include "runtime/regex.h"
#include "runtime/strings.h"

namespace {

using huntc::Column;
using huntc::Type;
using huntc::IsStringLike;
using huntc::exec::Json;

// The strings made for one kernel call on this thread: blocks that never move, so a string
// stays put while later ones are added. The next call reuses the blocks of the kernel-sized
// (kBlockBytes) ones: a projection kernel makes strings for every row of a batch, and allocating
// its blocks anew per call cost more than the strings. A larger block, for a larger string, goes.
class Arena {
 public:
  const char* Copy(std::string_view s) { return Concat(s, {}); }
  // a then b, without a temporary.
  const char* Concat(std::string_view a, std::string_view b) {
    const size_t n = a.size() + b.size();
    if (n == 0) return "";
    if (current_ == blocks_.size() || used_ + n > BlockSize(current_)) Next(n);
    char* out = blocks_[current_].data.get() + used_;
    // An empty view may hold no pointer, which memcpy must not be given.
    if (!a.empty()) std::memcpy(out, a.data(), a.size());
    if (!b.empty()) std::memcpy(out + a.size(), b.data(), b.size());
    used_ += n;
    return out;
  }
  void Reset() {
    std::erase_if(blocks_, [](const Block& b) { return b.size != kBlockBytes; });
    current_ = 0;
    used_ = 0;
  }

 private:
  static constexpr size_t kBlockBytes = 64 * 1024;
  struct Block {
    std::unique_ptr<char[]> data;
    size_t size;
  };
  size_t BlockSize(size_t k) const { return k < blocks_.size() ? blocks_[k].size : 0; }
  // Moves on to a block with room for `n` bytes: the next one kept, or a new one.
  void Next(size_t n) {
    if (current_ < blocks_.size()) ++current_;
    used_ = 0;
    while (current_ < blocks_.size() && blocks_[current_].size < n) ++current_;
    if (current_ == blocks_.size()) {
      const size_t size = std::max(kBlockBytes, n);
      blocks_.push_back({std::make_unique<char[]>(size), size});
    }
  }
  std::vector<Block> blocks_;
  size_t current_ = 0;  // the block being filled (blocks_.size() before the first)
  size_t used_ = 0;     // bytes of it used
};

thread_local Arena arena;

int32_t StoreText(std::string_view s, HuntcText* out) {
  *out = HuntcText{arena.Copy(s), static_cast<uint32_t>(s.size())};
  return 1;
}

// A one-row column of each type, reused: the interpreter's conversions append to columns, so the
// kernel's values go through a column to come out as the interpreter's.
Column& ScratchColumn(Type type) {
  thread_local std::array<std::unique_ptr<Column>, 16> columns;
  std::unique_ptr<Column>& c = columns[static_cast<size_t>(type) % columns.size()];
  if (!c || c->type() != type) c = std::make_unique<Column>(type);
  c->Clear();
  return *c;
}

// Stores the one row of `c` as a kernel holds a value of its type (kernel_entry.h).
int32_t StoreCell(const Column& c, void* out) {
  const Type type = c.type();
  if (IsStringLike(type)) return StoreText(c.StringAt(0), static_cast<HuntcText*>(out));  // null is ""
  if (c.IsNull(0)) {
    if (type == Type::Dynamic) *static_cast<HuntcText*>(out) = HuntcText{"", 0};
    return 0;
  }
  switch (type) {
    case Type::Bool: *static_cast<int32_t*>(out) = c.BoolAt(0); return 1;
    case Type::Int: *static_cast<int32_t*>(out) = c.IntAt(0); return 1;
    case Type::Real:
    case Type::Decimal: *static_cast<double*>(out) = c.RealAt(0); return 1;
    case Type::Dynamic: return StoreText(c.StringAt(0), static_cast<HuntcText*>(out));
    default: *static_cast<int64_t*>(out) = c.LongAt(0); return 1;
  }
}

// A dynamic value converted to `type` as the interpreter converts it (AppendJson).
int32_t StoreJson(const Json& v, int32_t type, void* out) {
  Column& c = ScratchColumn(static_cast<Type>(type));
  huntc::exec::AppendJson(c, v);
  return StoreCell(c, out);
}

// The document parsed last in this kernel call, by the address and length of its text: the
// members a row reads of one dynamic cell parse it once. Within a call neither a batch's bytes
// nor the arena's change, so the same text at the same place is the same document.
struct ParsedDocument {
  const char* data = nullptr;
  uint32_t size = 0;
  Json value;
};

thread_local ParsedDocument last_document;

// The dynamic value a kernel passes: a dynamic's JSON text (null where not valid), or a string
// that parse_json reads.
const Json& Document(const char* doc, uint32_t n, int32_t valid, int32_t is_text) {
  static const Json null;
  if (!valid && !is_text) return null;
  if (last_document.data != doc || last_document.size != n) {
    last_document.data = nullptr;  // not the document, should parsing throw
    last_document.value = huntc::exec::ParseDynamic({doc, n});
    last_document.data = doc;
    last_document.size = n;
  }
  return last_document.value;
}

// Stores a dynamic value a function made, and makes it the document parsed last: parsing its
// text would give it back, and a member read of it next (parse_path(p).Filename) skips that
// parse. Only for ASCII text: other bytes pass through the serialiser as they are, and invalid
// UTF-8 would not parse back.
int32_t StoreDocument(Json v, HuntcText* out) {
  const int32_t valid = StoreJson(v, static_cast<int32_t>(Type::Dynamic), out);
  const auto ascii = [](char c) { return static_cast<unsigned char>(c) < 0x80; };
  if (valid && std::all_of(out->data, out->data + out->size, ascii)) {
    last_document.value = std::move(v);
    last_document.data = out->data;
    last_document.size = out->size;
  }
  return valid;
}

template <class T, class Out>
int32_t Store(const std::optional<T>& v, Out* out) {
  if (!v) return 0;
  *out = static_cast<Out>(*v);
  return 1;
}

}  // namespace

using namespace huntc::exec;

extern "C" {

void huntc_kernel_scratch_reset() {
  arena.Reset();
  last_document.data = nullptr;
}

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

int32_t huntc_datetime_add(const char* period, uint32_t np, int64_t amount, int64_t d, int64_t* out) {
  return Store(DateTimeAdd({period, np}, amount, d), out);
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

int32_t huntc_countof(const char* s, uint32_t n, const char* t, uint32_t nt, int64_t* out) {
  *out = CountOf({s, n}, {t, nt});
  return 1;
}

int32_t huntc_string_fn(int32_t fn, const char* s, uint32_t n, HuntcText* out) {
  const std::string_view x(s, n);
  const auto dynamic = [&](const Json& v) { return StoreJson(v, static_cast<int32_t>(Type::Dynamic), out); };
  switch (fn) {
    case kHuntcToLower: return StoreText(ToLowerAscii(x), out);
    case kHuntcToUpper: return StoreText(ToUpperAscii(x), out);
    case kHuntcUrlEncode: return StoreText(UrlEncode(x), out);
    case kHuntcUrlDecode: return StoreText(UrlDecode(x), out);
    case kHuntcSha256: return StoreText(Sha256Hex(x), out);
    case kHuntcBase64DecodeToString: {
      const std::optional<std::string> decoded = Base64Decode(x);
      return StoreText(decoded ? *decoded : "", out);
    }
    case kHuntcParseJson: return dynamic(ParseDynamic(x));
    case kHuntcParseUrl: return StoreDocument(ParseUrl(x), out);
    case kHuntcParsePath: return StoreDocument(ParsePath(x), out);
    case kHuntcParseCsv: return dynamic(ParseCsv(x));
    default: return dynamic(Base64DecodeToArray(x));
  }
}

int32_t huntc_tostring(int32_t type, int64_t integer, double real, int32_t valid, HuntcText* out) {
  // The value as a one-row column of its type, converted by the interpreter's tostring.
  Column& c = ScratchColumn(static_cast<Type>(type));
  if (!valid) {
    c.AppendNull();
  } else {
    switch (c.type()) {
      case Type::Bool: c.AppendBool(integer != 0); break;
      case Type::Int: c.AppendInt(static_cast<int32_t>(integer)); break;
      case Type::Real:
      case Type::Decimal: c.AppendReal(real); break;
      default: c.AppendLong(integer); break;
    }
  }
  return StoreText(CellToString(c, 0), out);
}

int32_t huntc_indexof(const char* s, uint32_t n, const char* t, uint32_t nt, int64_t start, int32_t start_valid,
                      int64_t* out) {
  if (!start_valid) return 0;
  *out = IndexOf({s, n}, {t, nt}, start);
  return 1;
}

int32_t huntc_split(const char* s, uint32_t n, const char* d, uint32_t nd, int64_t k, int32_t has_k, int32_t k_valid,
                    HuntcText* out) {
  Json parts = Split({s, n}, {d, nd});
  if (has_k) parts = SplitPart(parts, k_valid ? k : -1);
  return StoreJson(parts, static_cast<int32_t>(Type::Dynamic), out);
}

int32_t huntc_substring(const char* s, uint32_t n, int64_t start, int64_t length, int32_t has_length,
                        int32_t args_valid, HuntcText* out) {
  if (!args_valid) return StoreText("", out);
  return StoreText(Utf8Substring({s, n}, start, has_length ? std::optional<int64_t>(length) : std::nullopt), out);
}

int32_t huntc_literals_match(const void* matcher, const char* s, uint32_t n, int32_t all) {
  const auto& m = *static_cast<const huntc::LiteralMatcher*>(matcher);
  return all ? m.MatchesAll({s, n}) : m.MatchesAny({s, n});
}

int32_t huntc_strcat(const char* a, uint32_t na, const char* b, uint32_t nb, HuntcText* out) {
  *out = HuntcText{arena.Concat({a, na}, {b, nb}), na + nb};
  return 1;
}

int32_t huntc_replace_regex(const void* regex, const char* literal, uint32_t nl, const char* s, uint32_t n,
                            const char* with, uint32_t nw, HuntcText* out) {
  if (!regex) return StoreText("", out);  // an invalid pattern gives "", as in the interpreter
  return StoreText(huntc::RegexReplace(*static_cast<const re2::RE2*>(regex), {literal, nl}, {s, n}, {with, nw}), out);
}

int32_t huntc_trim(const void* lead, const void* tail, int32_t ok, const char* s, uint32_t n, HuntcText* out) {
  if (!ok) return StoreText("", out);
  return StoreText(huntc::RegexTrim(static_cast<const re2::RE2*>(lead), static_cast<const re2::RE2*>(tail), {s, n}), out);
}

int32_t huntc_replace_string(const char* s, uint32_t n, const char* f, uint32_t nf, const char* t, uint32_t nt,
                             HuntcText* out) {
  return StoreText(ReplaceString({s, n}, {f, nf}, {t, nt}), out);
}

int32_t huntc_dyn_convert(const char* doc, uint32_t n, int32_t valid, int32_t type, void* out) {
  // A quoted string to a string (mv-expand of split()'s pieces) takes no columns and no parse.
  if (valid && static_cast<Type>(type) == Type::String) {
    const std::optional<std::string> s = QuotedAscii({doc, n});
    if (s) return StoreText(*s, static_cast<HuntcText*>(out));
  }
  // The cell as a one-row dynamic column, converted by the interpreter's own conversion.
  Column& from = ScratchColumn(Type::Dynamic);
  if (valid) {
    from.AppendString({doc, n});
  } else {
    from.AppendNull();
  }
  Column& to = ScratchColumn(static_cast<Type>(type));
  AppendConverted(to, from, 0);
  return StoreCell(to, out);
}

int32_t huntc_dyn_member(const char* doc, uint32_t n, int32_t valid, int32_t is_text, const char* key, uint32_t nk,
                         int32_t type, void* out) {
  const Json& d = Document(doc, n, valid, is_text);
  const Json* found = d.IsObject() ? d.Find({key, nk}) : nullptr;
  return StoreJson(found ? *found : Json(), type, out);
}

int32_t huntc_dyn_index(const char* doc, uint32_t n, int32_t valid, int32_t is_text, int64_t k, int32_t k_valid,
                        int32_t type, void* out) {
  const Json& d = Document(doc, n, valid, is_text);
  const Json* found = k_valid ? ArrayItem(d, k) : nullptr;
  return StoreJson(found ? *found : Json(), type, out);
}

int32_t huntc_extractjson(const char* path, uint32_t np, const char* doc, uint32_t n, int32_t valid, int32_t is_text,
                          int32_t type, void* out) {
  const std::optional<Json> found = JsonPathGet({path, np}, Document(doc, n, valid, is_text));
  return StoreJson(found ? *found : Json(), type, out);
}

int32_t huntc_parse_member(int32_t fn, const char* s, uint32_t n, const char* key, uint32_t nk, int32_t type,
                           void* out) {
  const std::string_view x(s, n), k(key, nk);
  const auto ascii = [](char c) { return static_cast<unsigned char>(c) < 0x80; };
  // Other bytes, and the query parameters (URL-decoded: any bytes), take the object's way: the
  // engines read a member of the object's JSON text, and invalid UTF-8 does not come back from
  // that text as it went in.
  if ((fn == kHuntcParseUrl && k == "Query Parameters") || !std::all_of(x.begin(), x.end(), ascii)) {
    HuntcText doc;
    const int32_t valid = huntc_string_fn(fn, s, n, &doc);
    return huntc_dyn_member(doc.data, doc.size, valid, 0, key, nk, type, out);
  }
  const std::optional<std::string_view> v = fn == kHuntcParseUrl ? ParseUrlStringMember(x, k) : ParsePathMember(x, k);
  if (!v) return StoreJson(Json(), type, out);
  // A string converts to a string as it is (AppendParsed).
  if (static_cast<Type>(type) == Type::String) return StoreText(*v, static_cast<HuntcText*>(out));
  return StoreJson(Json::String(std::string(*v)), type, out);
}

int32_t huntc_array_length(const char* doc, uint32_t n, int32_t valid, int32_t is_text, int64_t* out) {
  // An array of scalars (split()'s, after an mv-expand copied it to every row) is counted, not
  // parsed into a tree.
  thread_local std::vector<std::string_view> items;
  if ((valid || is_text) && SplitScalarArray({doc, n}, items)) {
    *out = static_cast<int64_t>(items.size());
    return 1;
  }
  const Json& d = Document(doc, n, valid, is_text);
  if (!d.IsArray()) return 0;
  *out = static_cast<int64_t>(d.items().size());
  return 1;
}

int32_t huntc_array_slice(const char* doc, uint32_t n, int32_t valid, int32_t is_text, int64_t first, int64_t last,
                          int32_t bounds_valid, HuntcText* out) {
  if (!bounds_valid) return StoreJson(Json(), static_cast<int32_t>(Type::Dynamic), out);
  return StoreJson(ArraySlice(Document(doc, n, valid, is_text), first, last), static_cast<int32_t>(Type::Dynamic), out);
}

int32_t huntc_strcat_array(const char* doc, uint32_t n, int32_t valid, int32_t is_text, const char* d, uint32_t nd,
                           HuntcText* out) {
  return StoreText(StrcatArray(Document(doc, n, valid, is_text), {d, nd}), out);
}

int32_t huntc_parse_command_line(const char* s, uint32_t n, const char* kind, uint32_t nk, HuntcText* out) {
  // Windows is the only parser KQL defines: any other kind gives null.
  const Json v = huntc::StrEqualCi({kind, nk}, "windows") ? ParseCommandLineWindows({s, n}) : Json();
  return StoreJson(v, static_cast<int32_t>(Type::Dynamic), out);
}

void huntc_column_append(void* column, const char* s, uint32_t n, int32_t valid) {
  Column& c = *static_cast<Column*>(column);
  if (valid) {
    c.AppendString({s, n});
  } else {
    c.AppendNull();
  }
}

}  // extern "C"
