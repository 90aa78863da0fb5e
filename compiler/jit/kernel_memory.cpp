// The memory kernels are linked into: slabs of a shared memory file, mapped twice.
#include "compiler/jit/kernel_memory.h"

#include <llvm/ExecutionEngine/JITLink/JITLink.h>
#include <llvm/ExecutionEngine/Orc/Shared/AllocationActions.h>
#include <llvm/Support/Errno.h>
#include <llvm/Support/Memory.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <map>
#include <mutex>
#include <vector>

namespace huntc::jit {

namespace {

using llvm::BitmaskEnumDetail::operator&;
using llvm::BitmaskEnumDetail::operator|;
using llvm::jitlink::BasicLayout;
using llvm::jitlink::JITLinkMemoryManager;
using llvm::jitlink::LinkGraph;
using llvm::orc::ExecutorAddr;
using llvm::orc::MemProt;

// Address space reserved for kernels: a huntc run links a few megabytes of them.
constexpr uint64_t kReservation = uint64_t{1} << 30;
// What a slab maps at once: a segment bigger than this gets a slab of its own size.
constexpr uint64_t kSlab = uint64_t{4} << 20;

llvm::Error SystemError(const char* what) {
  return llvm::createStringError(llvm::errnoAsErrorCode(), "%s: %s", what, std::strerror(errno));
}

int ProtOf(MemProt prot) {
  return ((prot & MemProt::Read) != MemProt::None ? PROT_READ : 0) |
         ((prot & MemProt::Write) != MemProt::None ? PROT_WRITE : 0) |
         ((prot & MemProt::Exec) != MemProt::None ? PROT_EXEC : 0);
}

class KernelMemory final : public JITLinkMemoryManager {
 public:
  // A stretch of the file, the same in both views.
  struct Range {
    MemProt prot;
    uint64_t offset;
    uint64_t size;
  };

  static llvm::Expected<std::unique_ptr<KernelMemory>> Create() {
    std::unique_ptr<KernelMemory> memory(new KernelMemory);
    memory->file_ = memfd_create("huntc-kernels", MFD_CLOEXEC);
    if (memory->file_ < 0) return SystemError("cannot create the kernels' memory file");
    // The file is sparse: its pages exist once written.
    if (ftruncate(memory->file_, kReservation) != 0)
      return SystemError("cannot size the kernels' memory file");
    void* run =
        mmap(nullptr, kReservation, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (run == MAP_FAILED) return SystemError("cannot reserve address space for kernels");
    memory->run_ = static_cast<char*>(run);
    void* work = mmap(nullptr, kReservation, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_NORESERVE,
                      memory->file_, 0);
    if (work == MAP_FAILED) return SystemError("cannot map the kernels' memory file");
    memory->work_ = static_cast<char*>(work);
    // One slab mapped executable now: a system that refuses it refuses it here, not at a link.
    if (auto e = memory->AddSlab(MemProt::Read | MemProt::Exec, kSlab)) return e;
    return memory;
  }

  ~KernelMemory() override {
    if (work_) munmap(work_, kReservation);
    if (run_) munmap(run_, kReservation);
    if (file_ >= 0) close(file_);
  }

  void allocate(const llvm::jitlink::JITLinkDylib* /*dylib*/, LinkGraph& graph,
                OnAllocatedFunction on_allocated) override;

  void deallocate(std::vector<FinalizedAlloc> allocations,
                  OnDeallocatedFunction on_deallocated) override;

  // Gives `range` back, joined to the free ranges beside it (of the same protections: the slabs
  // next to each other in the file are next to each other in both views).
  void Free(const Range& range) {
    std::lock_guard lock(mutex_);
    auto& free = free_[static_cast<unsigned>(range.prot)];
    uint64_t offset = range.offset;
    uint64_t size = range.size;
    auto next = free.lower_bound(offset);
    if (next != free.begin()) {
      if (auto before = std::prev(next); before->first + before->second == offset) {
        offset = before->first;
        size += before->second;
        free.erase(before);
      }
    }
    if (next != free.end() && next->first == offset + size) {
      size += next->second;
      free.erase(next);
    }
    free.emplace(offset, size);
  }

  char* RunAddress(uint64_t offset) const { return run_ + offset; }

 private:
  KernelMemory() = default;

  // Maps `size` more bytes of the file for segments of `prot`; under the lock.
  llvm::Error AddSlab(MemProt prot, uint64_t size) {
    if (size > kReservation - mapped_) {
      return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                     "out of address space for kernels");
    }
    if (mmap(run_ + mapped_, size, ProtOf(prot), MAP_SHARED | MAP_FIXED, file_,
             static_cast<off_t>(mapped_)) == MAP_FAILED) {
      return SystemError("cannot map kernels' memory");
    }
    free_[static_cast<unsigned>(prot)].emplace(mapped_, size);
    mapped_ += size;
    return llvm::Error::success();
  }

  // Takes `size` bytes aligned to `alignment` for a segment of `prot`: the first free range that
  // holds them, or a new slab.
  llvm::Expected<uint64_t> Take(MemProt prot, uint64_t size, uint64_t alignment) {
    std::lock_guard lock(mutex_);
    auto& free = free_[static_cast<unsigned>(prot)];
    for (int attempt = 0; attempt < 2; ++attempt) {
      for (auto it = free.begin(); it != free.end(); ++it) {
        const auto [start, length] = *it;
        const uint64_t offset = llvm::alignTo(start, alignment);
        if (offset + size > start + length) continue;
        free.erase(it);
        if (offset > start) free.emplace(start, offset - start);
        if (offset + size < start + length)
          free.emplace(offset + size, start + length - offset - size);
        return offset;
      }
      const uint64_t page = static_cast<uint64_t>(getpagesize());
      if (auto e = AddSlab(prot, std::max(kSlab, llvm::alignTo(size + alignment, page)))) return e;
    }
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   "cannot place a kernel's segment");
  }

  class InFlight;

  // What a finalized allocation holds, at the address its FinalizedAlloc carries.
  struct Finalized {
    std::vector<Range> ranges;
    std::vector<llvm::orc::shared::WrapperFunctionCall> deallocate;
  };

  int file_ = -1;
  char* run_ = nullptr;   // where kernels run
  char* work_ = nullptr;  // where the linker writes
  std::mutex mutex_;
  uint64_t mapped_ = 0;  // bytes of the file mapped into slabs
  // Free ranges (offset to size) by MemProt.
  std::array<std::map<uint64_t, uint64_t>, 8> free_;
};

class KernelMemory::InFlight final : public JITLinkMemoryManager::InFlightAlloc {
 public:
  InFlight(KernelMemory& memory, LinkGraph& graph) : memory_(memory), graph_(graph) {}

  void finalize(OnFinalizedFunction on_finalized) override {
    for (const Range& r : ranges_) {
      if ((r.prot & MemProt::Exec) != MemProt::None) {
        llvm::sys::Memory::InvalidateInstructionCache(memory_.RunAddress(r.offset), r.size);
      }
    }
    auto deallocate = llvm::orc::shared::runFinalizeActions(graph_.allocActions());
    for (const Range& r : temporary_) memory_.Free(r);
    temporary_.clear();
    if (!deallocate) {
      Release();
      return on_finalized(deallocate.takeError());
    }
    auto* finalized = new Finalized{std::move(ranges_), std::move(*deallocate)};
    ranges_.clear();
    on_finalized(FinalizedAlloc(ExecutorAddr::fromPtr(finalized)));
  }

  void abandon(OnAbandonedFunction on_abandoned) override {
    Release();
    on_abandoned(llvm::Error::success());
  }

  // Frees what it holds.
  void Release() {
    for (const Range& r : ranges_) memory_.Free(r);
    for (const Range& r : temporary_) memory_.Free(r);
    ranges_.clear();
    temporary_.clear();
  }

  std::vector<Range> ranges_;
  std::vector<Range> temporary_;  // for the segments only the link needs

 private:
  KernelMemory& memory_;
  LinkGraph& graph_;
};

void KernelMemory::allocate(const llvm::jitlink::JITLinkDylib* /*dylib*/, LinkGraph& graph,
                            OnAllocatedFunction on_allocated) {
  BasicLayout layout(graph);
  auto alloc = std::make_unique<InFlight>(*this, graph);
  for (auto& [group, segment] : layout.segments()) {
    // A segment of nothing still gets an address of its own, as the layout wants one.
    const uint64_t size = std::max<uint64_t>(segment.ContentSize + segment.ZeroFillSize, 1);
    auto offset = Take(group.getMemProt(), size, segment.Alignment.value());
    if (!offset) {
      alloc->Release();
      return on_allocated(offset.takeError());
    }
    (group.getMemLifetime() == llvm::orc::MemLifetime::Finalize ? alloc->temporary_
                                                                : alloc->ranges_)
        .push_back({group.getMemProt(), *offset, size});
    segment.Addr = ExecutorAddr::fromPtr(run_ + *offset);
    segment.WorkingMem = work_ + *offset;
    // Memory used again is not zero.
    std::memset(segment.WorkingMem + segment.ContentSize, 0, segment.ZeroFillSize);
  }
  if (auto e = layout.apply()) {
    alloc->Release();
    return on_allocated(std::move(e));
  }
  on_allocated(std::move(alloc));
}

void KernelMemory::deallocate(std::vector<FinalizedAlloc> allocations,
                              OnDeallocatedFunction on_deallocated) {
  llvm::Error error = llvm::Error::success();
  for (FinalizedAlloc& a : allocations) {
    auto* finalized = a.release().toPtr<Finalized*>();
    error = llvm::joinErrors(std::move(error),
                             llvm::orc::shared::runDeallocActions(finalized->deallocate));
    for (const Range& r : finalized->ranges) Free(r);
    delete finalized;
  }
  on_deallocated(std::move(error));
}

}  // namespace

llvm::Expected<std::unique_ptr<JITLinkMemoryManager>> CreateKernelMemory() {
  auto memory = KernelMemory::Create();
  if (!memory) return memory.takeError();
  return std::unique_ptr<JITLinkMemoryManager>(std::move(*memory));
}

}  // namespace huntc::jit
