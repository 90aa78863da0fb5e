// Plain, gzip (zlib) and zstd output files (see output.h).
#include "tools/gen-events/output.h"

#include <utility>
#include <vector>

#include <zlib.h>
#include <zstd.h>

namespace huntc::gen {

namespace {

constexpr size_t kBuffer = 1 << 18;

// Owns the FILE unless it is stdout.
class File {
 public:
  File(FILE* f, bool owned) : f_(f), owned_(owned) {}
  File(File&& o) noexcept : f_(o.f_), owned_(std::exchange(o.owned_, false)) {}
  File(const File&) = delete;
  bool Put(const void* data, size_t n) { return std::fwrite(data, 1, n, f_) == n; }
  bool Close() {
    bool ok = std::fflush(f_) == 0 && !std::ferror(f_);
    if (owned_) ok = std::fclose(f_) == 0 && ok;
    owned_ = false;
    return ok;
  }
  ~File() {
    if (owned_) std::fclose(f_);
  }

 private:
  FILE* f_;
  bool owned_;
};

class PlainFile : public OutputFile {
 public:
  explicit PlainFile(File f) : f_(std::move(f)) {}
  bool Write(std::string_view bytes) override { return f_.Put(bytes.data(), bytes.size()); }
  bool Close() override { return f_.Close(); }

 private:
  File f_;
};

class GzipFile : public OutputFile {
 public:
  explicit GzipFile(File f) : f_(std::move(f)), out_(kBuffer) {
    // 15 + 16: a gzip header and trailer around the deflate stream.
    ok_ = deflateInit2(&z_, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) == Z_OK;
  }
  ~GzipFile() override { deflateEnd(&z_); }
  bool Write(std::string_view bytes) override { return Pump(bytes, Z_NO_FLUSH); }
  bool Close() override { return Pump({}, Z_FINISH) && f_.Close(); }

 private:
  bool Pump(std::string_view bytes, int flush) {
    if (!ok_) return false;
    z_.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(bytes.data()));
    z_.avail_in = static_cast<uInt>(bytes.size());
    int status;
    do {
      z_.next_out = out_.data();
      z_.avail_out = static_cast<uInt>(out_.size());
      status = deflate(&z_, flush);
      if (status == Z_STREAM_ERROR || !f_.Put(out_.data(), out_.size() - z_.avail_out)) return ok_ = false;
    } while (z_.avail_out == 0 || (flush == Z_FINISH && status != Z_STREAM_END));
    return true;
  }

  File f_;
  z_stream z_{};
  std::vector<Bytef> out_;
  bool ok_;
};

class ZstdFile : public OutputFile {
 public:
  explicit ZstdFile(File f) : f_(std::move(f)), ctx_(ZSTD_createCCtx()), out_(ZSTD_CStreamOutSize()) {
    ok_ = ctx_ && !ZSTD_isError(ZSTD_CCtx_setParameter(ctx_, ZSTD_c_compressionLevel, 3));
  }
  ~ZstdFile() override { ZSTD_freeCCtx(ctx_); }
  bool Write(std::string_view bytes) override { return Pump(bytes, ZSTD_e_continue); }
  bool Close() override { return Pump({}, ZSTD_e_end) && f_.Close(); }

 private:
  bool Pump(std::string_view bytes, ZSTD_EndDirective mode) {
    if (!ok_) return false;
    ZSTD_inBuffer in{bytes.data(), bytes.size(), 0};
    for (;;) {
      ZSTD_outBuffer out{out_.data(), out_.size(), 0};
      const size_t left = ZSTD_compressStream2(ctx_, &out, &in, mode);
      if (ZSTD_isError(left) || !f_.Put(out_.data(), out.pos)) return ok_ = false;
      if (mode == ZSTD_e_end ? left == 0 : in.pos == in.size) return true;
    }
  }

  File f_;
  ZSTD_CCtx* ctx_;
  std::vector<char> out_;
  bool ok_;
};

}  // namespace

std::optional<Compression> CompressionFromName(std::string_view name) {
  if (name == "none") return Compression::kNone;
  if (name == "gzip") return Compression::kGzip;
  if (name == "zstd") return Compression::kZstd;
  return std::nullopt;
}

std::string_view CompressionSuffix(Compression c) {
  return c == Compression::kGzip ? ".gz" : c == Compression::kZstd ? ".zst" : "";
}

std::unique_ptr<OutputFile> OutputFile::Open(const std::string& path, Compression c, std::string& error) {
  const bool std_out = path.empty() || path == "-";
  FILE* f = std_out ? stdout : std::fopen(path.c_str(), "wb");
  if (!f) {
    error = "cannot open " + path;
    return nullptr;
  }
  File file(f, !std_out);
  switch (c) {
    case Compression::kNone: return std::make_unique<PlainFile>(std::move(file));
    case Compression::kGzip: return std::make_unique<GzipFile>(std::move(file));
    case Compression::kZstd: return std::make_unique<ZstdFile>(std::move(file));
  }
  return nullptr;
}

}  // namespace huntc::gen
