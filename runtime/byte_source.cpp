// Input bytes, plain or decompressed (see byte_source.h).
//
// The first four bytes are read before the decoder is chosen and handed to it as the start of
// its input, so stdin, which cannot seek, is sniffed the same way as a file.
#include "runtime/byte_source.h"

#include <fcntl.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <vector>

#include <fmt/format.h>

namespace huntc {
namespace {

constexpr size_t kRawChunk = size_t{1} << 20;

Compression FromMagic(const unsigned char* head, size_t size) {
  if (size >= 2 && head[0] == 0x1f && head[1] == 0x8b) return Compression::Gzip;
  if (size >= 4 && head[0] == 0x28 && head[1] == 0xb5 && head[2] == 0x2f && head[3] == 0xfd) {
    return Compression::Zstd;
  }
  return Compression::None;
}

// A file descriptor with the bytes already taken from its front for sniffing.
class RawInput {
 public:
  RawInput(int fd, bool owned, std::string head) : fd_(fd), owned_(owned), head_(std::move(head)) {}
  ~RawInput() {
    if (owned_) ::close(fd_);
  }
  RawInput(const RawInput&) = delete;
  RawInput& operator=(const RawInput&) = delete;

  // Returns bytes read, 0 at the end, -1 on error (errno set).
  ssize_t Read(char* data, size_t size) {
    if (head_pos_ < head_.size()) {
      const size_t n = std::min(size, head_.size() - head_pos_);
      std::memcpy(data, head_.data() + head_pos_, n);
      head_pos_ += n;
      return static_cast<ssize_t>(n);
    }
    while (true) {
      const ssize_t n = ::read(fd_, data, size);
      if (n >= 0 || errno != EINTR) return n;
    }
  }

 private:
  int fd_;
  bool owned_;
  std::string head_;
  size_t head_pos_ = 0;
};

class PlainSource final : public ByteSource {
 public:
  explicit PlainSource(std::unique_ptr<RawInput> in) : in_(std::move(in)) {}
  size_t Read(char* data, size_t size) override {
    if (error_ != SourceError::None) return 0;
    const ssize_t n = in_->Read(data, size);
    if (n < 0) {
      error_ = SourceError::Unreadable;
      message_ = fmt::format("cannot read: {}", std::strerror(errno));
      return 0;
    }
    raw_bytes_ += static_cast<uint64_t>(n);
    return static_cast<size_t>(n);
  }
  Compression compression() const override { return Compression::None; }

 private:
  std::unique_ptr<RawInput> in_;
};

// What the compressed sources share: the raw input buffer and the expansion check.
class CompressedSource : public ByteSource {
 protected:
  CompressedSource(std::unique_ptr<RawInput> in, const ReadLimits& limits)
      : in_(std::move(in)), limits_(limits), raw_(kRawChunk) {}

  // Refills raw_ when it is used up; false at the end of the file or on an error.
  bool Refill() {
    if (raw_pos_ < raw_end_) return true;
    const ssize_t n = in_->Read(raw_.data(), raw_.size());
    if (n < 0) {
      Fail(SourceError::Unreadable, fmt::format("cannot read: {}", std::strerror(errno)));
      return false;
    }
    raw_pos_ = 0;
    raw_end_ = static_cast<size_t>(n);
    raw_bytes_ += static_cast<uint64_t>(n);
    return n > 0;
  }

  // False (after failing the source) once the output outgrows the allowed expansion.
  bool CheckExpansion(size_t produced) {
    decoded_ += produced;
    if (decoded_ <= limits_.expansion_allowance + raw_bytes_ * limits_.max_expansion) return true;
    Fail(SourceError::TooExpanded,
         fmt::format("decompressed data exceeds {} times its compressed size; stopped reading "
                     "(possible decompression bomb)",
                     limits_.max_expansion));
    return false;
  }

  void Fail(SourceError error, std::string message) {
    error_ = error;
    message_ = std::move(message);
  }

  std::unique_ptr<RawInput> in_;
  ReadLimits limits_;
  std::vector<char> raw_;
  size_t raw_pos_ = 0, raw_end_ = 0;
  uint64_t decoded_ = 0;
  bool finished_ = false;  // the input ended at a stream boundary
};

class GzipSource final : public CompressedSource {
 public:
  GzipSource(std::unique_ptr<RawInput> in, const ReadLimits& limits)
      : CompressedSource(std::move(in), limits) {
    // 15 + 16: a gzip wrapper, the largest window.
    if (inflateInit2(&z_, 15 + 16) != Z_OK) Fail(SourceError::Corrupt, "cannot start zlib");
  }
  ~GzipSource() override { inflateEnd(&z_); }

  size_t Read(char* data, size_t size) override {
    size_t produced = 0;
    while (produced == 0 && error_ == SourceError::None && !finished_) {
      // inflate may hold decoded bytes back while its input is empty: flush them first.
      if (!pending_ && !Refill()) {
        if (error_ == SourceError::None && in_member_) {
          Fail(SourceError::Truncated, "the gzip stream is truncated");
        }
        finished_ = error_ == SourceError::None;
        break;
      }
      z_.next_in = reinterpret_cast<Bytef*>(raw_.data() + raw_pos_);
      z_.avail_in = static_cast<uInt>(raw_end_ - raw_pos_);
      const size_t room = std::min<size_t>(size, UINT32_MAX);
      z_.next_out = reinterpret_cast<Bytef*>(data);
      z_.avail_out = static_cast<uInt>(room);
      in_member_ = true;
      const int rc = inflate(&z_, Z_NO_FLUSH);
      raw_pos_ = raw_end_ - z_.avail_in;
      produced = room - z_.avail_out;
      pending_ = z_.avail_out == 0;
      if (rc == Z_STREAM_END) {
        // Concatenated gzip members form one file, as gzip -d treats them.
        in_member_ = false;
        inflateReset(&z_);
      } else if (rc != Z_OK && rc != Z_BUF_ERROR) {
        Fail(SourceError::Corrupt,
             fmt::format("the gzip stream is corrupt: {}", z_.msg ? z_.msg : "inflate failed"));
      }
      if (!CheckExpansion(produced)) return 0;
    }
    return produced;
  }
  Compression compression() const override { return Compression::Gzip; }

 private:
  z_stream z_{};
  bool in_member_ = false;  // inside a gzip member not yet ended
  bool pending_ = false;    // the output filled up: more may be waiting
};

class ZstdSource final : public CompressedSource {
 public:
  ZstdSource(std::unique_ptr<RawInput> in, const ReadLimits& limits)
      : CompressedSource(std::move(in), limits), z_(ZSTD_createDStream()) {
    // The window limit bounds the decoder's memory whatever the frame header asks for.
    ZSTD_DCtx_setParameter(z_, ZSTD_d_windowLogMax, 27);
  }
  ~ZstdSource() override { ZSTD_freeDStream(z_); }

  size_t Read(char* data, size_t size) override {
    size_t produced = 0;
    while (produced == 0 && error_ == SourceError::None && !finished_) {
      // zstd may hold decoded bytes back while its input is empty: flush them first.
      if (!pending_ && !Refill()) {
        if (error_ == SourceError::None && in_frame_) {
          Fail(SourceError::Truncated, "the zstd stream is truncated");
        }
        finished_ = error_ == SourceError::None;
        break;
      }
      ZSTD_inBuffer in{raw_.data() + raw_pos_, raw_end_ - raw_pos_, 0};
      ZSTD_outBuffer out{data, size, 0};
      const size_t rc = ZSTD_decompressStream(z_, &out, &in);
      raw_pos_ += in.pos;
      produced = out.pos;
      if (ZSTD_isError(rc)) {
        Fail(SourceError::Corrupt,
             fmt::format("the zstd stream is corrupt: {}", ZSTD_getErrorName(rc)));
        break;
      }
      in_frame_ = rc != 0;
      pending_ = out.pos == out.size;  // the output filled up: more may be waiting
      if (!CheckExpansion(produced)) return 0;
    }
    return produced;
  }
  Compression compression() const override { return Compression::Zstd; }

 private:
  ZSTD_DStream* z_;
  bool in_frame_ = false;
  bool pending_ = false;
};

}  // namespace

std::unique_ptr<ByteSource> ByteSource::Open(const std::string& path, uint64_t offset,
                                             const ReadLimits& limits, std::string& error) {
  const bool is_stdin = path == "-";
  const int fd = is_stdin ? STDIN_FILENO : ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    error = fmt::format("cannot open: {}", std::strerror(errno));
    return nullptr;
  }
  auto fail = [&](const char* what) {
    error = fmt::format("{}: {}", what, std::strerror(errno));
    if (!is_stdin) ::close(fd);
    return nullptr;
  };
  if (offset > 0 && ::lseek(fd, static_cast<off_t>(offset), SEEK_SET) < 0) return fail("cannot seek");
  std::string head(4, '\0');
  size_t got = 0;
  while (got < head.size()) {
    const ssize_t n = ::read(fd, head.data() + got, head.size() - got);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return fail("cannot read");
    if (n == 0) break;
    got += static_cast<size_t>(n);
  }
  head.resize(got);
  const Compression compression =
      offset > 0 ? Compression::None
                 : FromMagic(reinterpret_cast<const unsigned char*>(head.data()), head.size());
  auto raw = std::make_unique<RawInput>(fd, !is_stdin, std::move(head));
  std::unique_ptr<ByteSource> source;
  switch (compression) {
    case Compression::None: source = std::make_unique<PlainSource>(std::move(raw)); break;
    case Compression::Gzip: source = std::make_unique<GzipSource>(std::move(raw), limits); break;
    case Compression::Zstd: source = std::make_unique<ZstdSource>(std::move(raw), limits); break;
  }
  return source;
}

Compression ByteSource::Sniff(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Compression::None;
  unsigned char head[4];
  const ssize_t n = ::read(fd, head, sizeof head);
  ::close(fd);
  return n > 0 ? FromMagic(head, static_cast<size_t>(n)) : Compression::None;
}

}  // namespace huntc
