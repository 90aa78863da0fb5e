// The memory kernels are linked into. Internal to compiler/jit.
#pragma once

#include <llvm/ExecutionEngine/JITLink/JITLinkMemoryManager.h>

#include <memory>

namespace huntc::jit {

// A JITLink memory manager that never changes a page's protections. A shared memory file is mapped
// twice: the linker writes through a read-write view of it, and kernels run from a second view
// mapped, slab by slab, with the protections of the segments a slab holds (read-execute code,
// read-only constants, read-write data). Segments are packed at their own alignment, not a page
// each, and freed memory is used again. A warm load links about 1,300 small objects: with one
// mapping per object, changing its protections (and the TLB shootdowns that go with it in a
// process of two threads) took about a fifth of the load.
//
// All of it lies in one reservation of address space, so that a segment reaches any other with a
// 32-bit displacement, as the small code model wants. Fails where the system refuses a shared
// memory file mapped executable.
llvm::Expected<std::unique_ptr<llvm::jitlink::JITLinkMemoryManager>> CreateKernelMemory();

}  // namespace huntc::jit
