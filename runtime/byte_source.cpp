// Input bytes, plain or decompressed (see byte_source.h).
//
// The first four bytes are read before the decoder is chosen and handed to it as the start of
// its input, so stdin, which cannot seek, is sniffed the same way as a file.
#include "runtime/byte_source.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <mutex>
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

  int fd() const { return fd_; }

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

// The mapped windows in use, for the SIGBUS handler (see byte_source.h). A slot is claimed by
// setting its begin from 0 to 1, then filled; the handler reads it without locks.
struct LiveMapping {
  std::atomic<uintptr_t> begin{0}, end{0};
  std::atomic<bool> lost{false};  // a page of it was replaced
};
constexpr size_t kLiveMappings = 256;  // sources mapped at once; more read() instead
LiveMapping live_mappings[kLiveMappings];
struct sigaction previous_bus_handler;
uintptr_t page_bytes = 4096;

void OnBusError(int signal, siginfo_t* info, void* context) {
  const uintptr_t at = reinterpret_cast<uintptr_t>(info->si_addr);
  for (LiveMapping& m : live_mappings) {
    const uintptr_t begin = m.begin.load(), end = m.end.load();
    if (begin <= 1 || at < begin || at >= end) continue;
    // The file lost this page: newlines in its place end the line being read there, and the
    // source reports the truncation once the window is given back.
    void* page = reinterpret_cast<void*>(at & ~(page_bytes - 1));
    if (::mmap(page, page_bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) ==
        MAP_FAILED) {
      break;
    }
    std::memset(page, '\n', page_bytes);
    ::mprotect(page, page_bytes, PROT_READ);
    m.lost.store(true);
    return;
  }
  // Not a page of ours: whatever would have happened without this handler.
  if (previous_bus_handler.sa_flags & SA_SIGINFO) {
    previous_bus_handler.sa_sigaction(signal, info, context);
  } else if (previous_bus_handler.sa_handler != SIG_DFL && previous_bus_handler.sa_handler != SIG_IGN) {
    previous_bus_handler.sa_handler(signal);
  } else {
    ::signal(SIGBUS, SIG_DFL);
    ::raise(SIGBUS);
  }
}

void InstallBusHandler() {
  static std::once_flag once;
  std::call_once(once, [] {
    page_bytes = static_cast<uintptr_t>(::sysconf(_SC_PAGESIZE));
    struct sigaction action {};
    action.sa_sigaction = OnBusError;
    action.sa_flags = SA_SIGINFO;
    sigemptyset(&action.sa_mask);
    ::sigaction(SIGBUS, &action, &previous_bus_handler);
  });
}

class PlainSource final : public ByteSource {
 public:
  explicit PlainSource(std::unique_ptr<RawInput> in, bool regular, uint64_t file_bytes, uint64_t offset)
      : in_(std::move(in)), regular_(regular), file_bytes_(file_bytes), offset_(offset) {}
  ~PlainSource() override { Release(); }

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
  bool mappable() const override { return regular_; }

  std::string_view Map(uint64_t offset, size_t size) override {
    if (!regular_ || error_ != SourceError::None || offset >= file_bytes_) {
      Release();
      return {};
    }
    size = static_cast<size_t>(std::min<uint64_t>(size, file_bytes_ - offset));
    // The file may have shrunk since it was opened: what is gone is a truncation.
    struct stat st;
    if (::fstat(in_->fd(), &st) == 0 && static_cast<uint64_t>(st.st_size) < offset + size) {
      Shrunk();
      Release();
      return {};
    }
    InstallBusHandler();
    const uint64_t start = offset & ~static_cast<uint64_t>(page_bytes - 1);
    const size_t skip = static_cast<size_t>(offset - start);
    const size_t length = (skip + size + page_bytes - 1) & ~(page_bytes - 1);
    const uint64_t file_end = (file_bytes_ + page_bytes - 1) & ~static_cast<uint64_t>(page_bytes - 1);
    if (!InArea(offset, size)) {
      Release();
      const uint64_t reserve = std::max<uint64_t>(kReserveBytes, length + page_bytes);
      area_bytes_ = static_cast<size_t>(std::min<uint64_t>(reserve, file_end + page_bytes - start));
      // Readable zeros, under the file's pages mapped over them: a page after the file's last.
      void* area = ::mmap(nullptr, area_bytes_, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
      if (area == MAP_FAILED) return Failed();
      area_ = static_cast<char*>(area);
      area_at_ = start;
      for (LiveMapping& m : live_mappings) {
        uintptr_t free = 0;
        if (m.begin.compare_exchange_strong(free, 1)) {
          slot_ = &m;
          break;
        }
      }
      if (!slot_) {
        error_ = SourceError::Unreadable;
        message_ = "cannot map: too many files mapped at once";
        Release();
        return {};
      }
      // The file's pages of the whole reservation at once, for the windows after this one too.
      // Not populated here: pages are mapped as the reader first touches them, a batch around
      // each fault, so the faults are spread over the reading instead of a stall per window.
      const size_t file_part = static_cast<size_t>(std::min<uint64_t>(area_bytes_, file_end - start));
      slot_->lost.store(false);
      slot_->end.store(reinterpret_cast<uintptr_t>(area_) + file_part);
      slot_->begin.store(reinterpret_cast<uintptr_t>(area_));
      if (::mmap(area_, file_part, PROT_READ, MAP_PRIVATE | MAP_FIXED, in_->fd(), static_cast<off_t>(start)) ==
          MAP_FAILED) {
        return Failed();
      }
      ::madvise(area_, file_part, MADV_SEQUENTIAL);
    }
    raw_bytes_ = std::max(raw_bytes_, offset + size - offset_);
    return std::string_view(area_ + (start - area_at_) + skip, size);
  }

  bool Keeps(uint64_t offset, size_t size) const override {
    if (!regular_ || error_ != SourceError::None || offset >= file_bytes_) return false;
    return InArea(offset, static_cast<size_t>(std::min<uint64_t>(size, file_bytes_ - offset)));
  }

 private:
  // The file is mapped this much at a time, and windows are taken from it until one does not fit:
  // with several reading threads each munmap interrupts the other cores to flush their TLBs (an
  // IPI, a VM exit on a virtual machine), which took 0.1 ms a call on 2 threads against 7 us on
  // one, when each 4 MiB window was mapped and unmapped on its own, and each mmap waits for the
  // other thread's faults and unmaps. It bounds the pages of the file a thread keeps mapped.
  static constexpr uint64_t kReserveBytes = uint64_t{16} << 20;

  // Whether the area mapped holds the window [offset, offset + size) and the page after it: the
  // file's next page, or zeros past its end (the window ends in the file's last page at the
  // latest, so one page of zeros at most).
  bool InArea(uint64_t offset, size_t size) const {
    const uint64_t start = offset & ~static_cast<uint64_t>(page_bytes - 1);
    const size_t length = (static_cast<size_t>(offset - start) + size + page_bytes - 1) & ~(page_bytes - 1);
    const uint64_t want_end = start + length + page_bytes;
    return area_ && start >= area_at_ && want_end <= area_at_ + area_bytes_;
  }

  void Release() {
    if (slot_) {
      const bool lost = slot_->lost.load();
      slot_->begin.store(0);
      slot_ = nullptr;
      if (lost) Shrunk();
    }
    if (area_) ::munmap(area_, area_bytes_);
    area_ = nullptr;
  }
  std::string_view Failed() {
    error_ = SourceError::Unreadable;
    message_ = fmt::format("cannot map: {}", std::strerror(errno));
    Release();
    return {};
  }
  void Shrunk() {
    if (error_ != SourceError::None) return;
    error_ = SourceError::Truncated;
    message_ = "the file shrank while it was read";
  }

  std::unique_ptr<RawInput> in_;
  bool regular_;
  uint64_t file_bytes_;  // when opened
  uint64_t offset_;      // where the source starts
  char* area_ = nullptr;  // the mapping, from the file's byte area_at_ (a page boundary)
  size_t area_bytes_ = 0;
  uint64_t area_at_ = 0;
  LiveMapping* slot_ = nullptr;
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
  struct stat st;
  // A regular file that says it is empty may not be (files of /proc): it is read, not mapped.
  const bool regular = !is_stdin && ::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0;
  const uint64_t file_bytes = regular ? static_cast<uint64_t>(st.st_size) : 0;
  auto raw = std::make_unique<RawInput>(fd, !is_stdin, std::move(head));
  std::unique_ptr<ByteSource> source;
  switch (compression) {
    case Compression::None:
      source = std::make_unique<PlainSource>(std::move(raw), regular, file_bytes, offset);
      break;
    case Compression::Gzip: source = std::make_unique<GzipSource>(std::move(raw), limits); break;
    case Compression::Zstd: source = std::make_unique<ZstdSource>(std::move(raw), limits); break;
  }
  return source;
}

std::string_view ByteSource::Map(uint64_t, size_t) { return {}; }

Compression ByteSource::Sniff(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Compression::None;
  unsigned char head[4];
  const ssize_t n = ::read(fd, head, sizeof head);
  ::close(fd);
  return n > 0 ? FromMagic(head, static_cast<size_t>(n)) : Compression::None;
}

}  // namespace huntc
