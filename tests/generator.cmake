huntc_add_test(test_generator SOURCES unit/generator_test.cpp LIBS huntc_gen simdjson::simdjson ZLIB::ZLIB PkgConfig::ZSTD)
