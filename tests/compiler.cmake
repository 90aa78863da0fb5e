huntc_add_test(test_compiler SOURCES unit/compiler_test.cpp LIBS huntc_driver)
huntc_add_test(test_strings SOURCES unit/strings_test.cpp LIBS huntc_runtime)
huntc_add_test(test_literal_matcher SOURCES unit/literal_matcher_test.cpp LIBS huntc_runtime)
huntc_add_test(test_cases SOURCES unit/cases_test.cpp LIBS huntc_driver huntc_gen ZLIB::ZLIB PkgConfig::ZSTD)
huntc_add_test(test_bind SOURCES unit/functions_test.cpp LIBS huntc_bind)
huntc_add_test(test_jit_cache SOURCES unit/jit_cache_test.cpp LIBS huntc_driver huntc_gen)
# The pack scan stage: shared conjuncts and pooled literals against the interpreter.
huntc_add_test(test_pack_scan SOURCES unit/pack_scan_test.cpp LIBS huntc_driver)
huntc_add_test(test_agg_jit SOURCES unit/agg_jit_test.cpp LIBS huntc_jit)
