huntc_add_test(test_compiler SOURCES unit/compiler_test.cpp LIBS huntc_driver)
huntc_add_test(test_strings SOURCES unit/strings_test.cpp LIBS huntc_runtime)
huntc_add_test(test_literal_matcher SOURCES unit/literal_matcher_test.cpp LIBS huntc_runtime)
huntc_add_test(test_cases SOURCES unit/cases_test.cpp LIBS huntc_driver huntc_gen ZLIB::ZLIB PkgConfig::ZSTD)
huntc_add_test(test_bind SOURCES unit/functions_test.cpp LIBS huntc_bind)
huntc_add_test(test_jit_cache SOURCES unit/jit_cache_test.cpp LIBS huntc_driver huntc_gen)
# The pack scan stage: shared conjuncts and pooled literals against the interpreter.
huntc_add_test(test_pack_scan SOURCES unit/pack_scan_test.cpp LIBS huntc_driver)
huntc_add_test(test_agg_jit SOURCES unit/agg_jit_test.cpp LIBS huntc_jit)
# The memory kernels are linked into, under an LLJIT of its own.
huntc_add_test(test_kernel_memory SOURCES unit/kernel_memory_test.cpp LIBS huntc_jit huntc_llvm_shared)
target_include_directories(test_kernel_memory SYSTEM PRIVATE ${LLVM_INCLUDE_DIRS})
target_compile_definitions(test_kernel_memory PRIVATE ${LLVM_DEFINITIONS})
