// The runtime helpers kernels inline (runtime/strings.cpp: the case-sensitive comparisons of whole
// strings), as LLVM bitcode compiled at build time and embedded in the library; linked into each
// kernel module that calls them, so LLVM inlines them into the row loop. The JIT binds the other
// helpers by name (codegen.h KernelHelpers): those with C++ library state (string sets, regular
// expressions), and those whose loops, inlined into every kernel, cost more compile time than
// they save. Measured on the 359 JIT-compilable corpus rules as one pack: linking every string
// helper (has, contains, case-insensitive comparisons) took compiling from 3.0 to 4.7 CPU
// seconds; the case-sensitive comparisons alone cost little. Internal to compiler/jit.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>

namespace llvm {
class Module;
class TargetMachine;
}  // namespace llvm

namespace huntc::jit {

// Written by embed_bitcode.cmake.
extern const unsigned char kHelpersBitcode[];
extern const size_t kHelpersBitcodeSize;

// SHA-256 of the bitcode, computed once: part of every kernel's cache key, so kernels compiled
// against other helpers are not reused.
const std::array<uint8_t, 32>& HelpersBitcodeHash();

// Links into `module` the helpers it calls (and only those), then makes every function it did
// not define before internal, so the optimiser inlines them and drops what is left over. The
// helpers are compiled for `target`'s CPU, like the kernel. False, saying why in `error`, if the
// bitcode cannot be read or linked (an internal error).
bool LinkHelpers(llvm::Module& module, const llvm::TargetMachine& target, std::string& error);

}  // namespace huntc::jit
