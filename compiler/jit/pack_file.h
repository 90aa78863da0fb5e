// Rule pack files (`huntc compile RULES -o PACK`): the rules' YAML texts and their kernels'
// object code, with the huntc version and target the code was built for and a content hash.
//
// A pack keeps the rules' texts, not their IR: `run` compiles the texts with the front end (a
// few milliseconds a rule) and takes each kernel's object code from the pack by its cache key
// instead of optimising and emitting it, which is where compile time goes. The texts are what a
// pack built by another huntc or for another CPU is compiled again from, diagnostics point into
// them as into the YAML files, and no second, serialised form of the IR has to follow every
// change of the IR. A kernel is used only when the key of the kernel the front end generates now
// names it, or (when the pack was built by this very build of huntc, jit.h) the key kept under
// every field of the kernel's inputs, so a pack can never run code for a different query or
// schema. The pack scan stages' Hyperscan databases travel as kernels do, keyed by a hash of
// their literals (Jit::FindData).
//
// Layout (integers little-endian): "HUNTCPAK", u32 format, u32 0, u64 content bytes, the content's
// 32-byte BLAKE3 hash; then the content: huntc version, target id, rule count, each rule's path
// and text, kernel count, each kernel's key and object code (strings as u64 length and bytes).
#pragma once

#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "compiler/jit/jit.h"

namespace huntc {

// This huntc's version, as packs record it.
std::string_view HuntcVersion();

struct PackRule {
  std::string path;  // the YAML file it was compiled from
  std::string text;
};

struct Pack {
  std::string huntc_version;  // HuntcVersion() of the huntc that built it
  std::string target_id;      // Jit::TargetId() of the Jit that built its kernels
  std::vector<PackRule> rules;
  std::vector<KernelCode> kernels;
};

// Whether `head` (a file's first bytes, 8 or more) starts as a pack file does.
bool LooksLikePack(std::string_view head);
// Whether the file at `path` starts as a pack file does (false when it cannot be read).
bool IsPackFile(const std::string& path);

// The bytes of a pack file.
std::string PackFileContent(const Pack& pack);
// Reads a pack file's bytes into `pack`; false, saying what is wrong in `error`, when the bytes
// are not a whole, intact pack of a format this huntc reads.
bool ParsePackFile(std::string_view bytes, Pack& pack, std::string& error);

// Writes `content` to `path` under a temporary name in the same folder and renames it into place,
// so that readers see either no file or a whole one (also the kernel cache's files).
std::error_code WriteFileAtomically(const std::string& path, std::string_view content);
// Writes `pack` to `path` under a temporary name in the same folder and renames it into place,
// so that no reader sees half a pack; false, saying why in `error`, when it cannot.
bool WritePackFile(const std::string& path, const Pack& pack, std::string& error);
// Reads and parses the pack file at `path`; false, saying why in `error`, when it cannot.
bool ReadPackFile(const std::string& path, Pack& pack, std::string& error);

}  // namespace huntc
