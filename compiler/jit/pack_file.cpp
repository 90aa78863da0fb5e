// Rule pack files: writing, and reading with every length checked against what is there.
#include "compiler/jit/pack_file.h"

#include <llvm/Support/BLAKE3.h>
#include <llvm/Support/FileSystem.h>
#include <llvm/Support/MemoryBuffer.h>
#include <llvm/Support/raw_ostream.h>

#include <array>
#include <cstring>

#include <fmt/format.h>

namespace huntc {

namespace {

constexpr char kMagic[8] = {'H', 'U', 'N', 'T', 'C', 'P', 'A', 'K'};
// Bump when the layout changes; packs of another format are refused (their rules cannot be read).
constexpr uint32_t kFormat = 1;
constexpr size_t kHeaderBytes = 8 + 4 + 4 + 8 + 32;

using Hash = std::array<uint8_t, 32>;

Hash HashOf(std::string_view bytes) {
  llvm::BLAKE3 hash;
  hash.update(llvm::StringRef(bytes.data(), bytes.size()));
  return hash.final();
}

void PutInt(std::string& out, uint64_t v, int bytes) {
  for (int i = 0; i < bytes; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

void PutString(std::string& out, std::string_view s) {
  PutInt(out, s.size(), 8);
  out.append(s);
}

uint64_t GetInt(std::string_view bytes, size_t at, int n) {
  uint64_t v = 0;
  for (int i = 0; i < n; ++i) v |= uint64_t{static_cast<uint8_t>(bytes[at + i])} << (8 * i);
  return v;
}

// Reads the content of a pack, failing at the first length that runs past its end.
class Reader {
 public:
  explicit Reader(std::string_view bytes) : bytes_(bytes) {}

  bool Int(uint64_t& v, const std::string& what, std::string& error) {
    if (bytes_.size() - at_ < 8) return Fail(what, error);
    v = GetInt(bytes_, at_, 8);
    at_ += 8;
    return true;
  }
  bool String(std::string& s, const std::string& what, std::string& error) {
    uint64_t n = 0;
    if (!Int(n, what, error)) return false;
    if (n > bytes_.size() - at_) return Fail(what, error);
    s.assign(bytes_.substr(at_, n));
    at_ += n;
    return true;
  }
  // A count of items, each at least `min_bytes` long: a count no content could hold is refused
  // before anything is reserved for it.
  bool Count(uint64_t& n, uint64_t min_bytes, const std::string& what, std::string& error) {
    if (!Int(n, what, error)) return false;
    if (n > (bytes_.size() - at_) / min_bytes) return Fail(what, error);
    return true;
  }
  size_t left() const { return bytes_.size() - at_; }

 private:
  bool Fail(const std::string& what, std::string& error) {
    error = fmt::format("corrupt: {} runs past the end of the content (at byte {} of {})", what,
                        kHeaderBytes + at_, kHeaderBytes + bytes_.size());
    return false;
  }

  std::string_view bytes_;
  size_t at_ = 0;
};

}  // namespace

std::string_view HuntcVersion() { return HUNTC_VERSION; }

bool LooksLikePack(std::string_view head) {
  return head.size() >= sizeof kMagic && std::memcmp(head.data(), kMagic, sizeof kMagic) == 0;
}

bool IsPackFile(const std::string& path) {
  auto file = llvm::MemoryBuffer::getFileSlice(path, sizeof kMagic, 0, /*IsVolatile=*/false);
  return file && LooksLikePack((*file)->getBuffer());
}

std::string PackFileContent(const Pack& pack) {
  std::string content;
  PutString(content, pack.huntc_version);
  PutString(content, pack.target_id);
  PutInt(content, pack.rules.size(), 8);
  for (const PackRule& r : pack.rules) {
    PutString(content, r.path);
    PutString(content, r.text);
  }
  PutInt(content, pack.kernels.size(), 8);
  for (const KernelCode& k : pack.kernels) {
    PutString(content, k.key);
    PutString(content, k.object);
  }
  std::string file(kMagic, sizeof kMagic);
  PutInt(file, kFormat, 4);
  PutInt(file, 0, 4);
  PutInt(file, content.size(), 8);
  const Hash hash = HashOf(content);
  file.append(reinterpret_cast<const char*>(hash.data()), hash.size());
  return file + content;
}

bool ParsePackFile(std::string_view bytes, Pack& pack, std::string& error) {
  if (!LooksLikePack(bytes)) {
    error = "not a huntc pack (it does not start with HUNTCPAK); give rule files (.yaml) or packs from `huntc compile`";
    return false;
  }
  if (bytes.size() < kHeaderBytes) {
    error = fmt::format("truncated: {} bytes, less than a pack's {}-byte header", bytes.size(), kHeaderBytes);
    return false;
  }
  const uint64_t format = GetInt(bytes, 8, 4);
  if (format != kFormat || GetInt(bytes, 12, 4) != 0) {
    error = fmt::format("a pack of format {}, which this huntc ({}) does not read: build it again with `huntc compile`",
                        format, HuntcVersion());
    return false;
  }
  const uint64_t content_bytes = GetInt(bytes, 16, 8);
  const std::string_view content = bytes.substr(kHeaderBytes);
  if (content.size() != content_bytes) {
    error = fmt::format("{}: the header says {} bytes of content, the file holds {}",
                        content.size() < content_bytes ? "truncated" : "corrupt", content_bytes, content.size());
    return false;
  }
  if (std::memcmp(HashOf(content).data(), bytes.data() + 24, 32) != 0) {
    error = "corrupt: the content does not match its hash";
    return false;
  }
  Reader in(content);
  Pack read;
  uint64_t rules = 0, kernels = 0;
  if (!in.String(read.huntc_version, "the huntc version", error) || !in.String(read.target_id, "the target", error) ||
      !in.Count(rules, 16, "the rule count", error)) {
    return false;
  }
  read.rules.resize(rules);
  for (uint64_t i = 0; i < rules; ++i) {
    const std::string what = fmt::format("rule {}", i + 1);
    if (!in.String(read.rules[i].path, what, error) || !in.String(read.rules[i].text, what, error)) return false;
  }
  if (!in.Count(kernels, 16, "the kernel count", error)) return false;
  read.kernels.resize(kernels);
  for (uint64_t i = 0; i < kernels; ++i) {
    const std::string what = fmt::format("kernel {}", i + 1);
    if (!in.String(read.kernels[i].key, what, error) || !in.String(read.kernels[i].object, what, error)) return false;
  }
  if (in.left() != 0) {
    error = fmt::format("corrupt: {} bytes after the last kernel", in.left());
    return false;
  }
  pack = std::move(read);
  return true;
}

std::error_code WriteFileAtomically(const std::string& path, std::string_view content) {
  llvm::SmallString<256> temp;
  int fd = -1;
  std::error_code ec = llvm::sys::fs::createUniqueFile(path + ".tmp-%%%%%%%%", fd, temp);
  if (ec) return ec;
  llvm::raw_fd_ostream out(fd, /*shouldClose=*/true);
  out << content;
  out.close();
  if (out.has_error()) {
    ec = out.error();
    out.clear_error();
  }
  if (!ec) ec = llvm::sys::fs::rename(temp, path);
  if (ec) llvm::sys::fs::remove(temp);
  return ec;
}

bool WritePackFile(const std::string& path, const Pack& pack, std::string& error) {
  const std::error_code ec = WriteFileAtomically(path, PackFileContent(pack));
  if (ec) error = fmt::format("cannot write {}: {}", path, ec.message());
  return !ec;
}

bool ReadPackFile(const std::string& path, Pack& pack, std::string& error) {
  auto file = llvm::MemoryBuffer::getFile(path, /*IsText=*/false, /*RequiresNullTerminator=*/false);
  if (!file) {
    error = fmt::format("{}: cannot read: {}", path, file.getError().message());
    return false;
  }
  const llvm::StringRef bytes = (*file)->getBuffer();
  if (!ParsePackFile(std::string_view(bytes.data(), bytes.size()), pack, error)) {
    error = path + ": " + error;
    return false;
  }
  return true;
}

}  // namespace huntc
