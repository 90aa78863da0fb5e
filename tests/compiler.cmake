huntc_add_test(test_compiler SOURCES unit/compiler_test.cpp LIBS huntc_driver)
huntc_add_test(test_strings SOURCES unit/strings_test.cpp LIBS huntc_runtime)
huntc_add_test(test_cases SOURCES unit/cases_test.cpp LIBS huntc_driver huntc_gen ZLIB::ZLIB PkgConfig::ZSTD)
huntc_add_test(test_bind SOURCES unit/functions_test.cpp LIBS huntc_bind)
