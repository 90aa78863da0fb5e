// Kernel code generation with LLVM, execution with ORC LLJIT, and the on-disk cache of kernels'
// object code.
#include "compiler/jit/jit.h"

#include <llvm/ADT/StringExtras.h>
#include <llvm/Bitcode/BitcodeWriter.h>
#include <llvm/Config/llvm-config.h>
#include <llvm/ExecutionEngine/Orc/EPCEHFrameRegistrar.h>
#include <llvm/ExecutionEngine/Orc/ExecutionUtils.h>
#include <llvm/ExecutionEngine/Orc/LLJIT.h>
#include <llvm/ExecutionEngine/Orc/MapperJITLinkMemoryManager.h>
#include <llvm/ExecutionEngine/Orc/MemoryMapper.h>
#include <llvm/ExecutionEngine/Orc/ObjectLinkingLayer.h>
#include <llvm/IR/IRBuilder.h>
#include <llvm/IR/LLVMContext.h>
#include <llvm/IR/LegacyPassManager.h>
#include <llvm/IR/Module.h>
#include <llvm/IR/Verifier.h>
#include <llvm/Passes/PassBuilder.h>
#include <llvm/Support/FileSystem.h>
#include <llvm/Support/MemoryBuffer.h>
#include <llvm/Support/Path.h>
#include <llvm/Support/BLAKE3.h>
#include <llvm/Support/TargetSelect.h>
#include <llvm/Support/raw_ostream.h>
#include <llvm/Support/xxhash.h>
#include <llvm/Target/TargetMachine.h>

#include <elf.h>
#include <link.h>

#include <array>
#include <condition_variable>
#include <cstring>
#include <functional>
#include <mutex>
#include <optional>
#include <unordered_map>
#include <unordered_set>
#include <utility>

#include <fmt/format.h>
#include <re2/re2.h>

#include "compiler/jit/codegen.h"
#include "compiler/jit/helpers_bitcode.h"
#include "compiler/jit/kernel_memory.h"
#include "compiler/jit/pack_file.h"
#include "runtime/regex.h"

namespace huntc {

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

// Reads what AppendPart and AppendScalar wrote; any read past the end fails (ok() false) and
// gives zeros, so kept data that is not what this huntc wrote is never trusted.
class PartReader {
 public:
  explicit PartReader(std::string_view data) : data_(data) {}
  template <typename T>
  T Scalar() {
    T value{};
    if (!Take(sizeof value)) return value;
    std::memcpy(&value, data_.data() + at_ - sizeof value, sizeof value);
    return value;
  }
  std::string Part() {
    const uint64_t n = Scalar<uint64_t>();
    if (n > data_.size() - at_ || !Take(static_cast<size_t>(n))) return {};
    return std::string(data_.substr(at_ - n, n));
  }
  // A count of items each taking at least `item_bytes`: more than the data can hold fails.
  uint64_t Count(size_t item_bytes) {
    const uint64_t n = Scalar<uint64_t>();
    if (n > (data_.size() - at_) / item_bytes) ok_ = false;
    return ok_ ? n : 0;
  }
  bool ok() const { return ok_; }
  bool done() const { return ok_ && at_ == data_.size(); }

 private:
  bool Take(size_t n) {
    if (!ok_ || n > data_.size() - at_) return ok_ = false;
    at_ += n;
    return true;
  }
  std::string_view data_;
  size_t at_ = 0;
  bool ok_ = true;
};

// The kinds of KernelObjects::made entries.
constexpr char kMadeSet = 'S', kMadeRegex = 'R', kMadeMatcher = 'M';

void AppendLiterals(std::string& out, const std::vector<LiteralMatcher::Literal>& literals) {
  AppendScalar(out, static_cast<uint64_t>(literals.size()));
  for (const LiteralMatcher::Literal& l : literals) {
    AppendScalar(out, static_cast<uint32_t>(l.mode));
    AppendScalar(out, static_cast<uint8_t>(l.case_sensitive));
    AppendPart(out, l.text);
  }
}

std::vector<LiteralMatcher::Literal> ReadLiterals(PartReader& in) {
  std::vector<LiteralMatcher::Literal> literals(in.Count(13));
  for (LiteralMatcher::Literal& l : literals) {
    l.mode = static_cast<LiteralMatcher::Mode>(in.Scalar<uint32_t>());
    l.case_sensitive = in.Scalar<uint8_t>() != 0;
    l.text = in.Part();
  }
  return literals;
}

}  // namespace

int KernelObjects::AddSet(const std::vector<std::string>& values, bool case_insensitive) {
  std::string how(1, kMadeSet);
  AppendScalar(how, static_cast<uint8_t>(case_insensitive));
  AppendScalar(how, static_cast<uint64_t>(values.size()));
  for (const std::string& v : values) AppendPart(how, v);
  made.push_back(std::move(how));
  auto set = std::make_unique<StringSet>(values, case_insensitive);
  table.push_back(set.get());
  sets.push_back(std::move(set));
  return static_cast<int>(table.size()) - 1;
}

int KernelObjects::AddRegex(std::shared_ptr<const void> regex, std::string_view pattern) {
  std::string how(1, kMadeRegex);
  AppendPart(how, pattern);
  made.push_back(std::move(how));
  table.push_back(regex.get());
  others.push_back(std::move(regex));
  return static_cast<int>(table.size()) - 1;
}

int KernelObjects::AddMatcher(std::unique_ptr<LiteralMatcher> matcher,
                              const std::vector<LiteralMatcher::Literal>& literals) {
  std::string how(1, kMadeMatcher);
  AppendLiterals(how, literals);
  made.push_back(std::move(how));
  table.push_back(matcher.get());
  others.push_back(std::shared_ptr<const void>(std::move(matcher)));
  return static_cast<int>(table.size()) - 1;
}

namespace {

std::string Print(const llvm::Module& m) {
  std::string text;
  llvm::raw_string_ostream out(text);
  m.print(out, nullptr);
  return text;
}

// The optimisation settings of every hot kernel; part of the cache key. Chosen by measurement over
// the 359 JIT-compilable corpus rules (one thread; CPU time of `huntc compile`, and the sum of the
// rules' times over 300 k generated events of every Device* table): O1 compiled no quicker than O2
// (3.04 vs 2.98 s) and its kernels ran 5% slower; code generation at Less instead of Default
// compiled 17% quicker but its kernels ran 8% slower. Packs and the cache make compiling a
// one-off, so O2 at Default; the cold compile is shortened by compiling on every core instead.
const llvm::OptimizationLevel kOptLevel = llvm::OptimizationLevel::O2;
constexpr llvm::CodeGenOptLevel kCodeGenLevel = llvm::CodeGenOptLevel::Default;
// Cold kernels (KernelTier::Cold): no optimisation pipeline (the generated IR has no allocas to
// promote) and fast instruction selection and register allocation. Over the 361 corpus rules,
// the 190 projections of the rows a filter selected took 1.88 CPU s at O2/Default (about 10 ms
// each, mostly the pipelines' fixed cost: most are under 50 instructions) and 0.23 s so; O1 and
// Less saved little (1.71 s).
constexpr llvm::CodeGenOptLevel kColdCodeGenLevel = llvm::CodeGenOptLevel::None;

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
  return fmt::format("huntc kernel cache {}, code generator {}; LLVM {}; {} {} {}; O{} Os{} codegen {} cold codegen {} reloc {} "
                     "code model {}; helpers {}",
                     kCacheFormat, jit::kCodegenVersion, LLVM_VERSION_STRING, target.getTargetTriple().str(),
                     target.getTargetCPU().str(), target.getTargetFeatureString().str(), kOptLevel.getSpeedupLevel(),
                     kOptLevel.getSizeLevel(), static_cast<int>(kCodeGenLevel), static_cast<int>(kColdCodeGenLevel),
                     static_cast<int>(target.getRelocationModel()), static_cast<int>(target.getCodeModel()),
                     llvm::toHex(jit::HelpersBitcodeHash(), /*LowerCase=*/true));
}

// A BLAKE3 hash of length-prefixed parts, so that parts cannot run together.
class KeyHash {
 public:
  KeyHash& Part(llvm::StringRef text) {
    const uint64_t n = text.size();
    hash_.update(llvm::ArrayRef(reinterpret_cast<const uint8_t*>(&n), sizeof n));
    hash_.update(text);
    return *this;
  }
  CacheKey Final() { return hash_.final(); }

 private:
  llvm::BLAKE3 hash_;
};

// The content hash naming a kernel's object code: the target id (its digest), the kernel's tier
// and its unoptimised module. The module is hashed as bitcode, a complete and deterministic
// encoding of it that is several times quicker to write than the textual IR.
CacheKey KeyOf(const llvm::Module& module, KernelTier tier, const std::string& target_digest) {
  llvm::SmallVector<char, 0> bitcode;
  llvm::raw_svector_ostream out(bitcode);
  llvm::WriteBitcodeToFile(module, out);
  return KeyHash()
      .Part(target_digest)
      .Part(tier == KernelTier::Cold ? "cold" : "hot")
      .Part(llvm::StringRef(bitcode.data(), bitcode.size()))
      .Final();
}

// The content hash naming kept data (Jit::FindData): the target id (its digest) and the data's
// description.
CacheKey DataKeyOf(std::string_view content, const std::string& target_digest) {
  return KeyHash().Part(target_digest).Part("data").Part(llvm::StringRef(content.data(), content.size())).Final();
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

// The GNU build id (hex) of the program or library holding this code generator; empty when it has
// none. A kernel's key is kept under its inputs only for the build that kept it: any change to
// the code generator changes what the same inputs generate (the object code's own key, a hash of
// the generated code, needs no such care).
std::string CodeGeneratorBuildId() {
  struct Search {
    uintptr_t address;
    std::string id;
  } search{reinterpret_cast<uintptr_t>(&CodeGeneratorBuildId), {}};
  dl_iterate_phdr(
      [](dl_phdr_info* info, size_t, void* data) -> int {
        auto& search = *static_cast<Search*>(data);
        bool holds = false;
        for (int i = 0; i < info->dlpi_phnum; ++i) {
          const ElfW(Phdr)& ph = info->dlpi_phdr[i];
          const uintptr_t begin = info->dlpi_addr + ph.p_vaddr;
          holds |= ph.p_type == PT_LOAD && search.address >= begin && search.address - begin < ph.p_memsz;
        }
        if (!holds) return 0;
        for (int i = 0; i < info->dlpi_phnum; ++i) {
          const ElfW(Phdr)& ph = info->dlpi_phdr[i];
          if (ph.p_type != PT_NOTE) continue;
          const char* at = reinterpret_cast<const char*>(info->dlpi_addr + ph.p_vaddr);
          const char* end = at + ph.p_memsz;
          while (end - at >= static_cast<ptrdiff_t>(sizeof(ElfW(Nhdr)))) {
            ElfW(Nhdr) note;
            std::memcpy(&note, at, sizeof note);
            const char* name = at + sizeof note;
            const char* desc = name + ((note.n_namesz + 3) & ~3u);
            const char* next = desc + ((note.n_descsz + 3) & ~3u);
            if (next > end) break;
            if (note.n_type == NT_GNU_BUILD_ID && note.n_namesz == 4 && std::memcmp(name, "GNU", 4) == 0) {
              search.id = llvm::toHex(llvm::StringRef(desc, note.n_descsz), /*LowerCase=*/true);
              return 1;
            }
            at = next;
          }
        }
        return 1;
      },
      &search);
  return search.id;
}

}  // namespace

// Generates a kernel function of the given name into a module; throws jit::Unsupported.
using KernelBuild = std::function<llvm::Function*(llvm::Module&, const std::string& name)>;

struct Jit::Impl {
  std::unique_ptr<llvm::orc::LLJIT> lljit;
  std::unique_ptr<llvm::TargetMachine> target;  // for names and the key; emitting uses `idle`
  std::optional<llvm::orc::JITTargetMachineBuilder> target_builder;
  std::string target_id;  // TargetIdOf(*target)
  // BLAKE3 hash of target_id, hashed into every key in its place: the id is a kilobyte of text (the
  // CPU's features), more than many a check or database description it is hashed with.
  std::string target_digest;
  std::string build_id;  // CodeGeneratorBuildId(): without one, kernels are not found by their inputs
  std::string cache_dir;

  // Guards everything below: kernels may be compiled on several threads at once.
  std::mutex mutex;
  // Target machines no thread is emitting with (one is made per thread that needs one).
  std::vector<std::unique_ptr<llvm::TargetMachine>> idle;
  bool cache_writable = true;  // false after the first failed write
  std::string cache_warning;
  JitCacheStats stats;
  std::unordered_map<std::string, void*> loaded;  // by kernel name (kind and key)
  std::unordered_set<std::string> linking;        // names a thread is adding and linking (Add)
  std::condition_variable linked;                 // a name left `linking`
  std::unordered_map<std::string, std::string> provided;  // AddCode's object code by key (hex)
  bool keep = false;                                      // KeepCode was called
  std::vector<KernelCode> kept;
  std::unordered_map<std::string, size_t> kept_index;  // key -> index in `kept`

  // The kernel of `kind` made from `inputs` (every field its code depends on) into `objects`:
  // found by the key of its inputs (FromInputs), else generated with `build`, its object code
  // then loaded from a pack or the cache or else optimised and compiled. Returns its address;
  // null, saying why in `error`, if it cannot.
  void* Compile(Jit& jit, const char* kind, KernelTier tier, const std::string& inputs, KernelObjects& objects,
                const KernelBuild& build, KernelDumps* dumps, std::string& error);
  // The kernel whose key and objects a kept entry under its inputs gives, its objects made into
  // `objects`; null when the entry is unusable or its object code is not at hand (then it is
  // generated).
  // `looked_for` is set to the key whose object code it looked for and did not find.
  void* FromInputs(const char* kind, std::string_view kept_entry, KernelObjects& objects, std::string& looked_for);
  // The object code of the kernel `key`: a pack's (AddCode), else the cache folder's.
  std::optional<std::string> FindObject(const std::string& key_hex, const CacheKey& key);
  // Adds the object code of the kernel `name` to the JIT (unless already added; kept for TakeCode
  // when asked) and returns its address; null, saying why in `error`, if it cannot be linked.
  void* Add(const std::string& name, const std::string& key_hex, const std::string& object, std::string& error);

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

  // Optimises `module` as its tier asks and emits its object code into `object`; false, saying
  // why in `error`, if the target cannot.
  bool Emit(llvm::Module& module, KernelTier tier, KernelDumps* dumps, llvm::SmallVectorImpl<char>& object,
            std::string& error) {
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
    // Machines are shared by the tiers: each emit sets its own level.
    machine->setOptLevel(tier == KernelTier::Cold ? kColdCodeGenLevel : kCodeGenLevel);
    const bool ok = EmitWith(*machine, module, tier, dumps, object, error);
    std::lock_guard lock(mutex);
    idle.push_back(std::move(machine));
    return ok;
  }

  bool EmitWith(llvm::TargetMachine& machine, llvm::Module& module, KernelTier tier, KernelDumps* dumps,
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
    (tier == KernelTier::Cold ? passes.buildO0DefaultPipeline(llvm::OptimizationLevel::O0)
                              : passes.buildPerModuleDefaultPipeline(kOptLevel))
        .run(module, mam);
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

namespace {

// Kernels are linked into slabs whose protections never change (kernel_memory.h); where the
// system refuses that, into LLJIT's shared 16 MiB slabs, protected object by object.
llvm::Expected<std::unique_ptr<llvm::orc::ObjectLayer>> CreateLinkingLayer(
    llvm::orc::ExecutionSession& session, const llvm::Triple& /*target*/) {
  auto memory = jit::CreateKernelMemory();
  if (!memory) {
    llvm::consumeError(memory.takeError());
    auto mapped = llvm::orc::MapperJITLinkMemoryManager::CreateWithMapper<
        llvm::orc::InProcessMemoryMapper>(size_t{16} << 20);
    if (!mapped) return mapped.takeError();
    memory = std::move(*mapped);
  }
  auto layer = std::make_unique<llvm::orc::ObjectLinkingLayer>(session, std::move(*memory));
  // As LLJIT's default layer does: an exception or a debugger unwinding through a kernel needs
  // its frames registered.
  auto registrar = llvm::orc::EPCEHFrameRegistrar::Create(session);
  if (!registrar) return registrar.takeError();
  layer->addPlugin(
      std::make_unique<llvm::orc::EHFrameRegistrationPlugin>(session, std::move(*registrar)));
  return layer;
}

}  // namespace

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
  auto lljit = llvm::orc::LLJITBuilder()
                   .setJITTargetMachineBuilder(std::move(*builder))
                   .setObjectLinkingLayerCreator(CreateLinkingLayer)
                   .create();
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
  const std::array<uint8_t, 32> digest = llvm::BLAKE3::hash(llvm::arrayRefFromStringRef(impl->target_id));
  impl->target_digest.assign(digest.begin(), digest.end());
  impl->build_id = CodeGeneratorBuildId();
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

void AppendColumns(std::string& out, const std::vector<ColumnSpec>& columns) {
  AppendScalar(out, static_cast<uint64_t>(columns.size()));
  for (const ColumnSpec& c : columns) {
    AppendPart(out, c.name);
    AppendScalar(out, static_cast<uint32_t>(c.type));
  }
}

// Every field of every node of `e` (preorder, each node with its number of arguments, so that two
// different trees never give the same text). Not recursive: the tree is as deep as the rule's
// expression.
void AppendExpr(std::string& out, const ir::Expr& e) {
  std::vector<const ir::Expr*> work{&e};
  while (!work.empty()) {
    const ir::Expr& x = *work.back();
    work.pop_back();
    AppendScalar(out, static_cast<uint32_t>(x.kind));
    AppendScalar(out, static_cast<uint32_t>(x.type));
    AppendScalar(out, static_cast<uint32_t>(x.fn));
    AppendScalar(out, static_cast<int64_t>(x.column));
    AppendScalar(out, static_cast<uint32_t>(x.value.type));
    AppendScalar(out, static_cast<uint8_t>(x.value.is_null));
    AppendScalar(out, x.value.integer);
    AppendScalar(out, x.value.real);
    AppendPart(out, x.value.text);
    AppendScalar(out, static_cast<uint64_t>(x.args.size()));
    for (auto a = x.args.rbegin(); a != x.args.rend(); ++a) work.push_back(&*a);
  }
}

void AppendExprs(std::string& out, const std::vector<const ir::Expr*>& exprs) {
  AppendScalar(out, static_cast<uint64_t>(exprs.size()));
  for (const ir::Expr* e : exprs) AppendExpr(out, *e);
}

void AppendExprs(std::string& out, const std::vector<ir::Expr>& exprs) {
  AppendScalar(out, static_cast<uint64_t>(exprs.size()));
  for (const ir::Expr& e : exprs) AppendExpr(out, e);
}

// Everything that decides whether a kernel of `kind` for `predicate` over `columns` compiles, as
// FindData content.
std::string CheckContent(std::string_view kind, const ir::Expr& predicate, const std::vector<ColumnSpec>& columns) {
  std::string out = fmt::format("{} check\n", kind);
  AppendColumns(out, columns);
  AppendExpr(out, predicate);
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
  std::string inputs;
  AppendColumns(inputs, columns);
  AppendExpr(inputs, predicate);
  return reinterpret_cast<FilterKernel>(impl_->Compile(
      *this, "filter", KernelTier::Hot, inputs, objects,
      [&](llvm::Module& m, const std::string& name) { return jit::BuildFilter(m, name, predicate, columns, objects); },
      dumps, error));
}

PackKernel Jit::CompilePack(const exec::PackScanLayout& layout, size_t part, const std::vector<ColumnSpec>& columns,
                            KernelObjects& objects, KernelDumps* dumps, std::string& error) {
  objects.matchers = this;
  std::string inputs;
  AppendColumns(inputs, columns);
  AppendExprs(inputs, layout.conjuncts);
  AppendScalar(inputs, static_cast<uint64_t>(layout.shared.size()));
  for (const bool shared : layout.shared) AppendScalar(inputs, static_cast<uint8_t>(shared));
  AppendScalar(inputs, static_cast<uint64_t>(layout.consumers.size()));
  for (const std::vector<uint32_t>& conjuncts : layout.consumers) {
    AppendScalar(inputs, static_cast<uint64_t>(conjuncts.size()));
    for (const uint32_t c : conjuncts) AppendScalar(inputs, c);
  }
  AppendExprs(inputs, layout.pooled);
  AppendScalar(inputs, static_cast<uint64_t>(layout.tests.size()));
  for (const exec::PooledTest& test : layout.tests) {
    AppendScalar(inputs, static_cast<uint64_t>(test.pool));
    AppendScalar(inputs, static_cast<uint64_t>(test.literals.size()));
    for (const uint32_t l : test.literals) AppendScalar(inputs, l);
  }
  AppendScalar(inputs, static_cast<uint64_t>(layout.pools.size()));
  for (const exec::LiteralPool& pool : layout.pools) {
    AppendScalar(inputs, static_cast<uint64_t>(pool.column));
    AppendLiterals(inputs, pool.literals);
  }
  AppendScalar(inputs, static_cast<uint64_t>(part == 0 ? 0 : layout.part_ends[part - 1]));
  AppendScalar(inputs, static_cast<uint64_t>(layout.part_ends[part]));
  return reinterpret_cast<PackKernel>(impl_->Compile(
      *this, "pack", KernelTier::Hot, inputs, objects,
      [&](llvm::Module& m, const std::string& name) { return jit::BuildPack(m, name, layout, part, columns, objects); },
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
  std::string inputs;
  AppendColumns(inputs, node.inputs[0]->schema);
  AppendColumns(inputs, node.schema);
  AppendScalar(inputs, static_cast<uint64_t>(node.keys.size()));
  for (const exec::NamedExpr& key : node.keys) {
    AppendPart(inputs, key.name);
    AppendExpr(inputs, key.expr);
  }
  AppendScalar(inputs, static_cast<uint64_t>(node.aggregates.size()));
  for (const exec::AggregateSpec& a : node.aggregates) {
    AppendScalar(inputs, static_cast<uint32_t>(a.kind));
    AppendExprs(inputs, a.args);
    AppendScalar(inputs, a.limit);
    AppendScalar(inputs, a.param);
    AppendExprs(inputs, a.outputs);
    AppendScalar(inputs, static_cast<uint64_t>(a.names.size()));
    for (const std::string& name : a.names) AppendPart(inputs, name);
  }
  return reinterpret_cast<AggregateKernel>(impl_->Compile(
      *this, "aggregate", KernelTier::Hot, inputs, objects,
      [&](llvm::Module& m, const std::string& name) { return jit::BuildAggregate(m, name, node, objects); }, dumps,
      error));
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
                                     KernelObjects& objects, KernelDumps* dumps, std::string& error,
                                     KernelTier tier) {
  objects.matchers = this;
  std::string inputs;
  AppendColumns(inputs, columns);
  AppendExprs(inputs, exprs);
  return reinterpret_cast<ProjectKernel>(impl_->Compile(
      *this, tier == KernelTier::Cold ? "project_cold" : "project", tier, inputs, objects,
      [&](llvm::Module& m, const std::string& name) { return jit::BuildProjection(m, name, exprs, columns, objects); },
      dumps, error));
}

ScanKernel Jit::CompileScan(const ir::Expr& predicate, const std::vector<const ir::Expr*>& exprs,
                            const std::vector<ColumnSpec>& columns, KernelObjects& objects, KernelDumps* dumps,
                            std::string& error) {
  objects.matchers = this;
  std::string inputs;
  AppendColumns(inputs, columns);
  AppendExpr(inputs, predicate);
  AppendExprs(inputs, exprs);
  return reinterpret_cast<ScanKernel>(impl_->Compile(
      *this, "scan", KernelTier::Hot, inputs, objects,
      [&](llvm::Module& m, const std::string& name) {
        return jit::BuildScan(m, name, predicate, exprs, columns, objects);
      },
      dumps, error));
}

namespace {

// The FindData content under which the key of the kernel of `kind` made from `inputs` by the
// build `build_id` is kept, with its objects starting at index `first` of the objects table (the
// indexes are in its code).
std::string InputsContent(const std::string& build_id, const char* kind, size_t first, const std::string& inputs) {
  std::string out = fmt::format("{} kernel inputs, build {}\n", kind, build_id);
  AppendScalar(out, static_cast<uint64_t>(first));
  AppendPart(out, inputs);
  return out;
}

// Makes into `out` the objects a kernel's kept entry lists (KernelObjects::made, each as
// AppendPart wrote it); false when an entry is not one this huntc wrote or an object cannot be
// made.
bool MakeObjects(PartReader& in, KernelObjects& out) {
  while (in.ok() && !in.done()) {
    const std::string how = in.Part();
    PartReader h(how);
    const char made = h.Scalar<char>();
    if (made == kMadeSet) {
      const bool case_insensitive = h.Scalar<uint8_t>() != 0;
      std::vector<std::string> values(h.Count(sizeof(uint64_t)));
      for (std::string& v : values) v = h.Part();
      if (!h.done()) return false;
      out.AddSet(values, case_insensitive);
    } else if (made == kMadeRegex) {
      const std::string pattern = h.Part();
      std::shared_ptr<const re2::RE2> re = SharedRegex(pattern);
      if (!h.done() || !re->ok()) return false;
      out.AddRegex(std::move(re), pattern);
    } else if (made == kMadeMatcher) {
      const std::vector<LiteralMatcher::Literal> literals = ReadLiterals(h);
      std::string error;
      std::unique_ptr<LiteralMatcher> matcher = h.done() ? out.matchers->MakeMatcher(literals, error) : nullptr;
      if (!matcher) return false;
      out.AddMatcher(std::move(matcher), literals);
    } else {
      return false;
    }
  }
  return in.done();
}

}  // namespace

std::optional<std::string> Jit::Impl::FindObject(const std::string& key_hex, const CacheKey& key) {
  {
    std::lock_guard lock(mutex);
    if (const auto given = provided.find(key_hex); given != provided.end()) {
      ++stats.provided;
      return given->second;
    }
  }
  if (cache_dir.empty()) return std::nullopt;
  llvm::SmallString<256> path(cache_dir);
  llvm::sys::path::append(path, key_hex + ".o");
  std::optional<std::string> object = Load(path.str().str(), key);
  if (object) {
    std::lock_guard lock(mutex);
    ++stats.hits;
  }
  return object;
}

void* Jit::Impl::Add(const std::string& name, const std::string& key_hex, const std::string& object,
                     std::string& error) {
  // A name may be defined only once: the first thread to want a kernel adds and links it, and
  // others wanting the same one wait for it. Different kernels link at once (ORC locks what it
  // shares): linking under the lock kept one thread waiting through a tenth of a pack load.
  std::unique_lock lock(mutex);
  if (keep && kept_index.emplace(key_hex, kept.size()).second) kept.push_back({key_hex, object});
  linked.wait(lock, [&] { return !linking.count(name); });
  if (const auto found = loaded.find(name); found != loaded.end()) return found->second;
  linking.insert(name);
  lock.unlock();
  void* kernel = nullptr;
  if (auto e = lljit->addObjectFile(llvm::MemoryBuffer::getMemBufferCopy(object, name))) {
    error = "the JIT could not add the kernel: " + llvm::toString(std::move(e));
  } else if (auto address = lljit->lookup(name); !address) {
    error = "the JIT could not link the kernel: " + llvm::toString(address.takeError());
  } else {
    kernel = address->toPtr<void*>();
  }
  lock.lock();
  linking.erase(name);
  if (kernel) loaded.emplace(name, kernel);
  linked.notify_all();
  return kernel;
}

void* Jit::Impl::FromInputs(const char* kind, std::string_view kept_entry, KernelObjects& objects,
                            std::string& looked_for) {
  constexpr size_t kHexBytes = 2 * sizeof(CacheKey);
  std::string key_bytes;
  if (kept_entry.size() < kHexBytes || !llvm::tryGetFromHex(kept_entry.substr(0, kHexBytes), key_bytes) ||
      key_bytes.size() != sizeof(CacheKey)) {
    return nullptr;
  }
  CacheKey key;
  std::memcpy(key.data(), key_bytes.data(), key.size());
  const std::string key_hex(kept_entry.substr(0, kHexBytes));
  const std::string name = std::string(kind) + "_" + key_hex;
  void* kernel = nullptr;
  std::optional<std::string> object;
  {
    std::lock_guard lock(mutex);
    if (const auto found = loaded.find(name); found != loaded.end()) kernel = found->second;
  }
  if (!kernel && !(object = FindObject(key_hex, key))) {
    looked_for = key_hex;
    return nullptr;
  }
  // Its objects are made before it is used, into a table of their own: an entry that cannot be
  // used leaves `objects` as it was, and the kernel is generated.
  KernelObjects made;
  made.matchers = objects.matchers;
  PartReader in(kept_entry.substr(kHexBytes));
  if (!MakeObjects(in, made)) return nullptr;
  std::string error;  // then it is generated, and says why
  if (!kernel && !(kernel = Add(name, key_hex, *object, error))) return nullptr;
  for (auto& set : made.sets) objects.sets.push_back(std::move(set));
  for (auto& other : made.others) objects.others.push_back(std::move(other));
  objects.table.insert(objects.table.end(), made.table.begin(), made.table.end());
  objects.made.insert(objects.made.end(), made.made.begin(), made.made.end());
  std::lock_guard lock(mutex);
  ++stats.by_inputs;
  if (!object) ++stats.reused;
  return kernel;
}

void* Jit::Impl::Compile(Jit& jit, const char* kind, KernelTier tier, const std::string& inputs,
                         KernelObjects& objects, const KernelBuild& build, KernelDumps* dumps,
                         std::string& error) {
  // With dumps wanted the kernel is generated and compiled anyway, for its IR.
  const bool by_inputs = !dumps && !build_id.empty();
  const size_t first = objects.table.size();
  const std::string content = by_inputs ? InputsContent(build_id, kind, first, inputs) : std::string();
  const std::optional<std::string> kept_entry = by_inputs ? jit.FindData(content) : std::nullopt;
  std::string looked_for;
  if (kept_entry) {
    if (void* kernel = FromInputs(kind, *kept_entry, objects, looked_for)) return kernel;
  }
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
  const CacheKey key = KeyOf(module, tier, target_digest);
  const std::string key_hex = llvm::toHex(key, /*LowerCase=*/true);
  const std::string name = std::string(kind) + "_" + key_hex;
  module.getFunction("kernel")->setName(name);
  if (dumps) dumps->llvm += Print(module);
  void* kernel = nullptr;
  std::optional<std::string> object;
  if (!dumps) {
    {
      std::lock_guard lock(mutex);
      if (const auto found = loaded.find(name); found != loaded.end()) {
        ++stats.reused;
        kernel = found->second;
      }
    }
    if (!kernel && key_hex != looked_for) object = FindObject(key_hex, key);  // not looked for twice
  }
  if (!kernel && !object) {
    {
      std::lock_guard lock(mutex);
      ++stats.misses;
    }
    llvm::SmallVector<char, 0> emitted;
    if (!Verify(module, error)) return nullptr;
    if (!jit::LinkHelpers(module, *target, error)) return nullptr;
    if (!Emit(module, tier, dumps, emitted, error)) return nullptr;
    object.emplace(emitted.data(), emitted.size());
    if (!cache_dir.empty()) {
      llvm::SmallString<256> path(cache_dir);
      llvm::sys::path::append(path, key_hex + ".o");
      Store(path.str().str(), key, *object);
    }
  }
  if (!kernel) kernel = Add(name, key_hex, *object, error);
  if (kernel && by_inputs) {
    // Kept under its inputs: its key, then how each of its objects was made.
    std::string entry = key_hex;
    for (size_t i = first; i < objects.made.size(); ++i) AppendPart(entry, objects.made[i]);
    if (entry != kept_entry) jit.KeepData(content, std::move(entry));
  }
  return kernel;
}

}  // namespace huntc
