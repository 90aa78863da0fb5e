// Kernel code generation with LLVM, execution with ORC LLJIT, and the on-disk cache of kernels'
// object code.
#include "compiler/jit/jit.h"

#include <llvm/ADT/StringExtras.h>
#include <llvm/Bitcode/BitcodeWriter.h>
#include <llvm/Config/llvm-config.h>
#include <llvm/ExecutionEngine/Orc/ExecutionUtils.h>
#include <llvm/ExecutionEngine/Orc/LLJIT.h>
#include <llvm/IR/IRBuilder.h>
#include <llvm/IR/LLVMContext.h>
#include <llvm/IR/LegacyPassManager.h>
#include <llvm/IR/Module.h>
#include <llvm/IR/Verifier.h>
#include <llvm/Passes/PassBuilder.h>
#include <llvm/Support/FileSystem.h>
#include <llvm/Support/MemoryBuffer.h>
#include <llvm/Support/Path.h>
#include <llvm/Support/SHA256.h>
#include <llvm/Support/TargetSelect.h>
#include <llvm/Support/raw_ostream.h>
#include <llvm/Support/xxhash.h>
#include <llvm/Target/TargetMachine.h>

#include <array>
#include <cstring>
#include <functional>
#include <mutex>
#include <optional>
#include <unordered_map>
#include <utility>

#include <fmt/format.h>

#include "compiler/jit/codegen.h"
#include "compiler/jit/helpers_bitcode.h"
#include "compiler/jit/pack_file.h"

namespace huntc {

int KernelObjects::Add(std::unique_ptr<StringSet> set) {
  table.push_back(set.get());
  sets.push_back(std::move(set));
  return static_cast<int>(table.size()) - 1;
}

int KernelObjects::Add(std::shared_ptr<const void> object) {
  table.push_back(object.get());
  others.push_back(std::move(object));
  return static_cast<int>(table.size()) - 1;
}

namespace {

std::string Print(const llvm::Module& m) {
  std::string text;
  llvm::raw_string_ostream out(text);
  m.print(out, nullptr);
  return text;
}

// The optimisation settings of every kernel; part of the cache key. Chosen by measurement over
// the 359 JIT-compilable corpus rules (one thread; CPU time of `huntc compile`, and the sum of the
// rules' times over 300 k generated events of every Device* table): O1 compiled no quicker than O2
// (3.04 vs 2.98 s) and its kernels ran 5% slower; code generation at Less instead of Default
// compiled 17% quicker but its kernels ran 8% slower. Packs and the cache make compiling a
// one-off, so O2 at Default; the cold compile is shortened by compiling on every core instead.
const llvm::OptimizationLevel kOptLevel = llvm::OptimizationLevel::O2;
constexpr llvm::CodeGenOptLevel kCodeGenLevel = llvm::CodeGenOptLevel::Default;

// The layout of cache files; bump kCacheFormat whenever it, or the kernel calling convention
// (runtime/kernel.h), changes, so that older files are not used.
constexpr uint32_t kCacheFormat = 1;
constexpr char kCacheMagic[8] = {'H', 'U', 'N', 'T', 'C', 'O', 'B', 'J'};

// Every cache file starts with this header, in host byte order (the key covers the target).
struct CacheHeader {
  char magic[8];
  uint32_t format;
  uint32_t reserved;       // 0
  uint64_t payload_bytes;  // the object file after the header
  uint64_t checksum;       // xxh3 of the object file
  std::array<uint8_t, 32> key;
};
static_assert(sizeof(CacheHeader) == 64);

using CacheKey = std::array<uint8_t, 32>;

// Everything besides the kernel's IR that decides its object code, the helpers linked in included.
std::string TargetIdOf(const llvm::TargetMachine& target) {
  return fmt::format("huntc kernel cache {}, code generator {}; LLVM {}; {} {} {}; O{} Os{} codegen {} reloc {} "
                     "code model {}; helpers {}",
                     kCacheFormat, jit::kCodegenVersion, LLVM_VERSION_STRING, target.getTargetTriple().str(),
                     target.getTargetCPU().str(), target.getTargetFeatureString().str(), kOptLevel.getSpeedupLevel(),
                     kOptLevel.getSizeLevel(), static_cast<int>(kCodeGenLevel),
                     static_cast<int>(target.getRelocationModel()), static_cast<int>(target.getCodeModel()),
                     llvm::toHex(jit::HelpersBitcodeHash(), /*LowerCase=*/true));
}

// The content hash naming a kernel's object code: the target id (its digest) and the kernel's
// unoptimised module. The module is hashed as bitcode, a complete and deterministic encoding of it
// that is several times quicker to write than the textual IR.
CacheKey KeyOf(const llvm::Module& module, const std::string& target_digest) {
  llvm::SmallVector<char, 0> bitcode;
  llvm::raw_svector_ostream out(bitcode);
  llvm::WriteBitcodeToFile(module, out);
  llvm::SHA256 hash;
  auto part = [&](llvm::StringRef text) {  // length-prefixed, so parts cannot run together
    const uint64_t n = text.size();
    hash.update(llvm::ArrayRef(reinterpret_cast<const uint8_t*>(&n), sizeof n));
    hash.update(text);
  };
  part(target_digest);
  part(llvm::StringRef(bitcode.data(), bitcode.size()));
  return hash.final();
}

// The content hash naming kept data (Jit::FindData): the target id (its digest) and the data's
// description.
CacheKey DataKeyOf(std::string_view content, const std::string& target_digest) {
  llvm::SHA256 hash;
  auto part = [&](llvm::StringRef text) {  // length-prefixed, as in KeyOf
    const uint64_t n = text.size();
    hash.update(llvm::ArrayRef(reinterpret_cast<const uint8_t*>(&n), sizeof n));
    hash.update(text);
  };
  part(target_digest);
  part("data");
  part(llvm::StringRef(content.data(), content.size()));
  return hash.final();
}

// The object file in a cache file's bytes, or nothing when the bytes are not a whole, intact
// cache file for `key`.
std::optional<llvm::StringRef> CachedObject(llvm::StringRef file, const CacheKey& key) {
  CacheHeader header;
  if (file.size() < sizeof header) return std::nullopt;
  std::memcpy(&header, file.data(), sizeof header);
  const llvm::StringRef payload = file.drop_front(sizeof header);
  if (std::memcmp(header.magic, kCacheMagic, sizeof kCacheMagic) != 0 || header.format != kCacheFormat ||
      header.reserved != 0 || header.key != key || header.payload_bytes != payload.size() ||
      header.checksum != llvm::xxh3_64bits(payload)) {
    return std::nullopt;
  }
  return payload;
}

std::string CacheFileContent(llvm::StringRef object, const CacheKey& key) {
  CacheHeader header{};
  std::memcpy(header.magic, kCacheMagic, sizeof kCacheMagic);
  header.format = kCacheFormat;
  header.payload_bytes = object.size();
  header.checksum = llvm::xxh3_64bits(object);
  header.key = key;
  std::string content(reinterpret_cast<const char*>(&header), sizeof header);
  content.append(object.data(), object.size());
  return content;
}

}  // namespace

// Generates a kernel function of the given name into a module; throws jit::Unsupported.
using KernelBuild = std::function<llvm::Function*(llvm::Module&, const std::string& name)>;

struct Jit::Impl {
  std::unique_ptr<llvm::orc::LLJIT> lljit;
  std::unique_ptr<llvm::TargetMachine> target;  // for names and the key; emitting uses `idle`
  std::optional<llvm::orc::JITTargetMachineBuilder> target_builder;
  std::string target_id;  // TargetIdOf(*target)
  // SHA-256 of target_id, hashed into every key in its place: the id is a kilobyte of text (the
  // CPU's features), more than many a check or database description it is hashed with.
  std::string target_digest;
  std::string cache_dir;

  // Guards everything below: kernels may be compiled on several threads at once.
  std::mutex mutex;
  // Target machines no thread is emitting with (one is made per thread that needs one).
  std::vector<std::unique_ptr<llvm::TargetMachine>> idle;
  bool cache_writable = true;  // false after the first failed write
  std::string cache_warning;
  JitCacheStats stats;
  std::unordered_map<std::string, void*> loaded;  // by kernel name (kind and key)
  std::unordered_map<std::string, std::string> provided;  // AddCode's object code by key (hex)
  bool keep = false;                                      // KeepCode was called
  std::vector<KernelCode> kept;
  std::unordered_map<std::string, size_t> kept_index;  // key -> index in `kept`

  // Generates a kernel with `build`, then loads its object code from the cache or optimises and
  // compiles it, and returns its address; null, saying why in `error`, if it cannot.
  void* Compile(const char* kind, const KernelBuild& build, KernelDumps* dumps, std::string& error);

  // The object code in the cache file at `path`, or nothing: no file, or one not to be trusted
  // (counted as rejected; the caller rebuilds it).
  std::optional<std::string> Load(const std::string& path, const CacheKey& key) {
    auto file = llvm::MemoryBuffer::getFile(path, /*IsText=*/false, /*RequiresNullTerminator=*/false);
    if (!file) return std::nullopt;  // absent or unreadable: a plain miss
    std::optional<llvm::StringRef> object = CachedObject((*file)->getBuffer(), key);
    if (!object) {
      std::lock_guard lock(mutex);
      ++stats.rejected;
      return std::nullopt;
    }
    return object->str();
  }

  // Writes the cache file at `path` under a temporary name in the same folder and renames it
  // into place, so that readers see either no file or a whole one.
  void Store(const std::string& path, const CacheKey& key, llvm::StringRef object) {
    if (std::lock_guard lock(mutex); !cache_writable) return;
    std::error_code ec = llvm::sys::fs::create_directories(cache_dir);
    if (!ec) ec = WriteFileAtomically(path, CacheFileContent(object, key));
    std::lock_guard lock(mutex);
    if (ec) {
      cache_writable = false;
      cache_warning = fmt::format("cannot write the kernel cache in {}: {}; compiled kernels are not kept",
                                  cache_dir, ec.message());
      return;
    }
    ++stats.stored;
  }

  // Optimises `module` and emits its object code into `object`; false, saying why in `error`,
  // if the target cannot.
  bool Emit(llvm::Module& module, KernelDumps* dumps, llvm::SmallVectorImpl<char>& object, std::string& error) {
    std::unique_ptr<llvm::TargetMachine> machine;
    {
      std::lock_guard lock(mutex);
      if (!idle.empty()) {
        machine = std::move(idle.back());
        idle.pop_back();
      }
    }
    if (!machine) {
      auto made = target_builder->createTargetMachine();
      if (!made) {
        error = "internal error: no target machine: " + llvm::toString(made.takeError());
        return false;
      }
      machine = std::move(*made);
    }
    const bool ok = EmitWith(*machine, module, dumps, object, error);
    std::lock_guard lock(mutex);
    idle.push_back(std::move(machine));
    return ok;
  }

  bool EmitWith(llvm::TargetMachine& machine, llvm::Module& module, KernelDumps* dumps,
                llvm::SmallVectorImpl<char>& object, std::string& error) {
    llvm::LoopAnalysisManager lam;
    llvm::FunctionAnalysisManager fam;
    llvm::CGSCCAnalysisManager cgam;
    llvm::ModuleAnalysisManager mam;
    llvm::PassBuilder passes(&machine);
    passes.registerModuleAnalyses(mam);
    passes.registerCGSCCAnalyses(cgam);
    passes.registerFunctionAnalyses(fam);
    passes.registerLoopAnalyses(lam);
    passes.crossRegisterProxies(lam, fam, cgam, mam);
    passes.buildPerModuleDefaultPipeline(kOptLevel).run(module, mam);
    if (dumps) dumps->llvm_opt += Print(module);

    llvm::raw_svector_ostream out(object);
    llvm::legacy::PassManager codegen;
    if (machine.addPassesToEmitFile(codegen, out, nullptr, llvm::CodeGenFileType::ObjectFile)) {
      error = "internal error: the target cannot emit object code";
      return false;
    }
    codegen.run(module);
    return true;
  }
};

Jit::Jit(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Jit::~Jit() = default;

std::unique_ptr<Jit> Jit::Create(std::string& error) {
  static const bool initialised = [] {
    llvm::InitializeNativeTarget();
    llvm::InitializeNativeTargetAsmPrinter();
    llvm::InitializeNativeTargetAsmParser();
    return true;
  }();
  (void)initialised;
  auto fail = [&](llvm::Error e) {
    error = "cannot start the LLVM JIT: " + llvm::toString(std::move(e));
    return nullptr;
  };
  auto builder = llvm::orc::JITTargetMachineBuilder::detectHost();
  if (!builder) return fail(builder.takeError());
  builder->setCodeGenOptLevel(kCodeGenLevel);
  // Object code is emitted here, not by LLJIT: position-independent, small code model, as
  // LLJIT's own JITLink set-up would choose, so the linker can place it anywhere.
  builder->setRelocationModel(llvm::Reloc::PIC_);
  builder->setCodeModel(llvm::CodeModel::Small);
  auto target = builder->createTargetMachine();
  if (!target) return fail(target.takeError());
  llvm::orc::JITTargetMachineBuilder target_builder = *builder;
  auto lljit = llvm::orc::LLJITBuilder().setJITTargetMachineBuilder(std::move(*builder)).create();
  if (!lljit) return fail(lljit.takeError());

  auto& session = (*lljit)->getExecutionSession();
  llvm::orc::MangleAndInterner mangle(session, (*lljit)->getDataLayout());
  llvm::orc::SymbolMap symbols;
  for (const jit::HelperSymbol& h : jit::KernelHelpers()) {
    symbols[mangle(h.name)] = {llvm::orc::ExecutorAddr::fromPtr(h.address),
                               llvm::JITSymbolFlags::Exported | llvm::JITSymbolFlags::Callable};
  }
  if (auto e = (*lljit)->getMainJITDylib().define(llvm::orc::absoluteSymbols(std::move(symbols)))) {
    return fail(std::move(e));
  }
  auto impl = std::make_unique<Impl>();
  impl->lljit = std::move(*lljit);
  impl->target = std::move(*target);
  impl->target_builder = std::move(target_builder);
  impl->target_id = TargetIdOf(*impl->target);
  const std::array<uint8_t, 32> digest = llvm::SHA256::hash(llvm::arrayRefFromStringRef(impl->target_id));
  impl->target_digest.assign(digest.begin(), digest.end());
  return std::unique_ptr<Jit>(new Jit(std::move(impl)));
}

void Jit::SetCacheDir(std::string dir) {
  impl_->cache_dir = std::move(dir);
  impl_->cache_writable = true;
}

const JitCacheStats& Jit::cache_stats() const { return impl_->stats; }

std::string Jit::TakeCacheWarning() {
  std::lock_guard lock(impl_->mutex);
  return std::exchange(impl_->cache_warning, std::string());
}

void Jit::AddCode(std::vector<KernelCode> code) {
  std::lock_guard lock(impl_->mutex);
  for (KernelCode& k : code) impl_->provided.emplace(std::move(k.key), std::move(k.object));
}

void Jit::KeepCode() {
  std::lock_guard lock(impl_->mutex);
  impl_->keep = true;
}

std::vector<KernelCode> Jit::TakeCode() {
  std::lock_guard lock(impl_->mutex);
  impl_->kept_index.clear();
  return std::exchange(impl_->kept, {});
}

std::string Jit::TargetId() const { return impl_->target_id; }

std::optional<std::string> Jit::FindData(std::string_view content) {
  const CacheKey key = DataKeyOf(content, impl_->target_digest);
  std::string key_hex = llvm::toHex(key, /*LowerCase=*/true);
  std::optional<std::string> data;
  {
    std::lock_guard lock(impl_->mutex);
    if (const auto given = impl_->provided.find(key_hex); given != impl_->provided.end()) data = given->second;
  }
  if (!data && !impl_->cache_dir.empty()) {
    llvm::SmallString<256> path(impl_->cache_dir);
    llvm::sys::path::append(path, key_hex + ".data");
    data = impl_->Load(path.str().str(), key);
  }
  std::lock_guard lock(impl_->mutex);
  if (data && impl_->keep && impl_->kept_index.emplace(key_hex, impl_->kept.size()).second) {
    impl_->kept.push_back({std::move(key_hex), *data});
  }
  return data;
}

void Jit::KeepData(std::string_view content, std::string data) {
  const CacheKey key = DataKeyOf(content, impl_->target_digest);
  std::string key_hex = llvm::toHex(key, /*LowerCase=*/true);
  if (!impl_->cache_dir.empty()) {
    llvm::SmallString<256> path(impl_->cache_dir);
    llvm::sys::path::append(path, key_hex + ".data");
    impl_->Store(path.str().str(), key, data);
  }
  std::lock_guard lock(impl_->mutex);
  if (impl_->keep && impl_->kept_index.emplace(key_hex, impl_->kept.size()).second) {
    impl_->kept.push_back({std::move(key_hex), std::move(data)});
  }
}

std::unique_ptr<LiteralMatcher> Jit::MakeMatcher(const std::vector<LiteralMatcher::Literal>& literals,
                                                 std::string& error) {
  std::string content = fmt::format("Hyperscan database {}\n", LiteralMatcher::DatabaseVersion());
  for (const LiteralMatcher::Literal& l : literals) {
    content += fmt::format("{} {} {}:{}\n", static_cast<int>(l.mode), l.case_sensitive ? 1 : 0, l.text.size(), l.text);
  }
  if (const std::optional<std::string> kept = FindData(content)) {
    std::string unusable;  // then it is compiled again
    if (auto matcher = LiteralMatcher::Deserialize(literals, *kept, unusable)) return matcher;
  }
  auto matcher = LiteralMatcher::Create(literals, error);
  if (matcher) KeepData(content, matcher->Serialize());
  return matcher;
}

namespace {

// Generates the kernel `name` into `module` with `build`; false (saying why in `error`) for a
// construct the JIT cannot compile.
bool Generate(llvm::Module& module, const std::string& name, const KernelBuild& build,
              const llvm::TargetMachine& target, std::string& error) {
  llvm::Function* fn = nullptr;
  try {
    fn = build(module, name);
  } catch (const jit::Unsupported& u) {
    error = "the JIT cannot compile " + u.what + " yet";
    return false;
  }
  fn->addFnAttr("target-cpu", target.getTargetCPU());
  fn->addFnAttr("target-features", target.getTargetFeatureString());
  return true;
}

// Verifies a generated kernel before it is optimised and compiled; false, saying why in `error`,
// if it is invalid. Only a kernel to be compiled is verified (not one checked, nor one whose
// object code is kept): an invalid one is a bug of the code generator, found when it is
// compiled, and verifying takes about as long as generating.
bool Verify(const llvm::Module& module, std::string& error) {
  std::string verify_errors;
  llvm::raw_string_ostream verify_out(verify_errors);
  if (llvm::verifyModule(module, &verify_out)) {
    error = "internal error: invalid kernel: " + verify_errors;
    return false;
  }
  return true;
}

}  // namespace

namespace {

// Appends `text` to `out`, length first, so that parts cannot run together.
void AppendPart(std::string& out, std::string_view text) {
  const uint64_t n = text.size();
  out.append(reinterpret_cast<const char*>(&n), sizeof n);
  out.append(text);
}

template <typename T>
void AppendScalar(std::string& out, T value) {
  out.append(reinterpret_cast<const char*>(&value), sizeof value);
}

// Everything that decides whether a kernel of `kind` for `predicate` over `columns` compiles, as
// FindData content: the columns and every field of every node of `predicate` (preorder, each node
// with its number of arguments, so that two different trees never give the same text). Not
// recursive: the tree is as deep as the rule's expression.
std::string CheckContent(std::string_view kind, const ir::Expr& predicate, const std::vector<ColumnSpec>& columns) {
  std::string out = fmt::format("{} check\n", kind);
  AppendScalar(out, static_cast<uint64_t>(columns.size()));
  for (const ColumnSpec& c : columns) {
    AppendPart(out, c.name);
    AppendScalar(out, static_cast<uint32_t>(c.type));
  }
  std::vector<const ir::Expr*> work{&predicate};
  while (!work.empty()) {
    const ir::Expr& e = *work.back();
    work.pop_back();
    AppendScalar(out, static_cast<uint32_t>(e.kind));
    AppendScalar(out, static_cast<uint32_t>(e.type));
    AppendScalar(out, static_cast<uint32_t>(e.fn));
    AppendScalar(out, static_cast<int64_t>(e.column));
    AppendScalar(out, static_cast<uint32_t>(e.value.type));
    AppendScalar(out, static_cast<uint8_t>(e.value.is_null));
    AppendScalar(out, e.value.integer);
    AppendScalar(out, e.value.real);
    AppendPart(out, e.value.text);
    AppendScalar(out, static_cast<uint64_t>(e.args.size()));
    for (auto a = e.args.rbegin(); a != e.args.rend(); ++a) work.push_back(&*a);
  }
  return out;
}

// Generates a kernel into a module of its own.
using CheckBuild = std::function<llvm::Function*(llvm::Module&, const std::string& name, KernelObjects& scratch)>;

// Whether the kernel `build` generates compiles, found without generating machine code; if not,
// names the construct in `error`. The answer is kept as data (in packs and the cache folder) under
// `content`, as a kernel's object code is: finding it is much quicker than generating the kernel
// again. Kept: "1", or "0" and the error.
bool CheckKept(Jit& jit, const std::string& content, const CheckBuild& build, const llvm::TargetMachine& target,
               std::string& error) {
  if (const std::optional<std::string> kept = jit.FindData(content); kept && !kept->empty()) {
    if (*kept == "1") return true;
    if ((*kept)[0] == '0') {
      error = kept->substr(1);
      return false;
    }
  }
  llvm::LLVMContext context;
  context.setDiscardValueNames(true);  // values' names are for dumps; naming them costs time
  llvm::Module module("huntc_check", context);
  KernelObjects scratch;
  const bool ok = Generate(
      module, "check", [&](llvm::Module& m, const std::string& name) { return build(m, name, scratch); }, target,
      error);
  jit.KeepData(content, ok ? std::string("1") : "0" + error);
  return ok;
}

}  // namespace

bool Jit::CanCompile(const ir::Expr& predicate, const std::vector<ColumnSpec>& columns, std::string& error) {
  return CheckKept(
      *this, CheckContent("filter", predicate, columns),
      [&](llvm::Module& m, const std::string& name, KernelObjects& scratch) {
        return jit::BuildFilter(m, name, predicate, columns, scratch);
      },
      *impl_->target, error);
}

FilterKernel Jit::CompileFilter(const ir::Expr& predicate, const std::vector<ColumnSpec>& columns,
                                KernelObjects& objects, KernelDumps* dumps, std::string& error) {
  objects.matchers = this;
  return reinterpret_cast<FilterKernel>(impl_->Compile(
      "filter",
      [&](llvm::Module& m, const std::string& name) { return jit::BuildFilter(m, name, predicate, columns, objects); },
      dumps, error));
}

PackKernel Jit::CompilePack(const exec::PackScanLayout& layout, const std::vector<ColumnSpec>& columns,
                            KernelObjects& objects, KernelDumps* dumps, std::string& error) {
  objects.matchers = this;
  return reinterpret_cast<PackKernel>(impl_->Compile(
      "pack",
      [&](llvm::Module& m, const std::string& name) { return jit::BuildPack(m, name, layout, columns, objects); },
      dumps, error));
}

bool Jit::CanCompileAggregate(const exec::AggregateNode& node, std::string& error) {
  llvm::LLVMContext context;
  context.setDiscardValueNames(true);  // values' names are for dumps; naming them costs time
  llvm::Module module("huntc_check", context);
  KernelObjects scratch;
  return Generate(
      module, "check", [&](llvm::Module& m, const std::string& name) { return jit::BuildAggregate(m, name, node, scratch); },
      *impl_->target, error);
}

AggregateKernel Jit::CompileAggregate(const exec::AggregateNode& node, KernelObjects& objects, KernelDumps* dumps,
                                      std::string& error) {
  objects.matchers = this;
  return reinterpret_cast<AggregateKernel>(impl_->Compile(
      "aggregate", [&](llvm::Module& m, const std::string& name) { return jit::BuildAggregate(m, name, node, objects); },
      dumps, error));
}

bool Jit::CanCompileProjection(const ir::Expr& expr, const std::vector<ColumnSpec>& columns, std::string& error) {
  return CheckKept(
      *this, CheckContent("projection", expr, columns),
      [&](llvm::Module& m, const std::string& name, KernelObjects& scratch) {
        return jit::BuildProjection(m, name, {&expr}, columns, scratch);
      },
      *impl_->target, error);
}

ProjectKernel Jit::CompileProjection(const std::vector<const ir::Expr*>& exprs, const std::vector<ColumnSpec>& columns,
                                     KernelObjects& objects, KernelDumps* dumps, std::string& error) {
  objects.matchers = this;
  return reinterpret_cast<ProjectKernel>(impl_->Compile(
      "project",
      [&](llvm::Module& m, const std::string& name) { return jit::BuildProjection(m, name, exprs, columns, objects); },
      dumps, error));
}

ScanKernel Jit::CompileScan(const ir::Expr& predicate, const std::vector<const ir::Expr*>& exprs,
                            const std::vector<ColumnSpec>& columns, KernelObjects& objects, KernelDumps* dumps,
                            std::string& error) {
  objects.matchers = this;
  return reinterpret_cast<ScanKernel>(impl_->Compile(
      "scan",
      [&](llvm::Module& m, const std::string& name) {
        return jit::BuildScan(m, name, predicate, exprs, columns, objects);
      },
      dumps, error));
}

void* Jit::Impl::Compile(const char* kind, const KernelBuild& build, KernelDumps* dumps, std::string& error) {
  llvm::LLVMContext context;
  // Values' names are for dumps: naming them costs time, and unnamed values make the bitcode
  // hashed for the key smaller; a kernel compiled for dumps so gets a key of its own.
  context.setDiscardValueNames(!dumps);
  llvm::Module module("huntc_kernel", context);
  module.setDataLayout(lljit->getDataLayout());
  module.setTargetTriple(lljit->getTargetTriple().str());
  // Generated under a fixed name, then named after its key: equal kernels get equal names in
  // every run, and their object code can be shared.
  if (!Generate(module, "kernel", build, *target, error)) return nullptr;
  const CacheKey key = KeyOf(module, target_digest);
  const std::string key_hex = llvm::toHex(key, /*LowerCase=*/true);
  const std::string name = std::string(kind) + "_" + key_hex;
  module.getFunction("kernel")->setName(name);
  if (dumps) dumps->llvm += Print(module);
  std::optional<std::string> object;
  {
    std::lock_guard lock(mutex);
    const auto found = loaded.find(name);
    if (found != loaded.end() && !dumps) {
      ++stats.reused;
      return found->second;
    }
    // With dumps wanted the kernel is compiled anyway, for its optimised IR.
    if (const auto given = provided.find(key_hex); given != provided.end() && !dumps) {
      ++stats.provided;
      object = given->second;
    }
  }

  llvm::SmallString<256> path;
  if (!cache_dir.empty()) {
    path = cache_dir;
    llvm::sys::path::append(path, key_hex + ".o");
  }
  if (!object && !path.empty() && !dumps) {
    object = Load(path.str().str(), key);
    if (object) {
      std::lock_guard lock(mutex);
      ++stats.hits;
    }
  }
  if (!object) {
    {
      std::lock_guard lock(mutex);
      ++stats.misses;
    }
    llvm::SmallVector<char, 0> emitted;
    if (!Verify(module, error)) return nullptr;
    if (!jit::LinkHelpers(module, *target, error)) return nullptr;
    if (!Emit(module, dumps, emitted, error)) return nullptr;
    object.emplace(emitted.data(), emitted.size());
    if (!path.empty()) Store(path.str().str(), key, *object);
  }
  // Adding and linking hold the lock: another thread may have added the same kernel meanwhile,
  // and a name may be defined only once.
  std::lock_guard lock(mutex);
  if (keep && kept_index.emplace(key_hex, kept.size()).second) kept.push_back({key_hex, *object});
  if (const auto found = loaded.find(name); found != loaded.end()) return found->second;
  if (auto e = lljit->addObjectFile(llvm::MemoryBuffer::getMemBufferCopy(*object, name))) {
    error = "the JIT could not add the kernel: " + llvm::toString(std::move(e));
    return nullptr;
  }
  auto address = lljit->lookup(name);
  if (!address) {
    error = "the JIT could not link the kernel: " + llvm::toString(address.takeError());
    return nullptr;
  }
  void* kernel = address->toPtr<void*>();
  loaded.emplace(name, kernel);
  return kernel;
}

}  // namespace huntc
