# The event reader: JSON lines, envelopes, Log Analytics exports, CSV, compression, bad input.
huntc_add_test(test_reader
  SOURCES unit/event_reader_test.cpp unit/archive_reader_test.cpp
  LIBS huntc_runtime ZLIB::ZLIB PkgConfig::ZSTD)
# Lines read by their key layout read as the general walk reads them.
huntc_add_test(test_members SOURCES unit/member_layout_test.cpp LIBS huntc_runtime huntc_gen)
# Threaded runs give the bytes of one-thread runs.
huntc_add_test(test_threads SOURCES unit/threads_test.cpp LIBS huntc_driver huntc_gen ZLIB::ZLIB PkgConfig::ZSTD)
# Fault injection on generated archives.
huntc_add_test(test_faults SOURCES unit/fault_test.cpp LIBS huntc_runtime huntc_gen ZLIB::ZLIB PkgConfig::ZSTD)
# The huntc command line over archives: inputs, formats, --strict, closed pipes.
huntc_add_test(test_cli SOURCES unit/cli_test.cpp LIBS ZLIB::ZLIB PkgConfig::ZSTD)
add_dependencies(test_cli huntc)
# The raw-bytes literal prefilter: literal sets, the reader with and without it, whole runs.
huntc_add_test(test_prefilter SOURCES unit/prefilter_test.cpp LIBS huntc_driver huntc_gen)
# The raw needle skim the prefilter searches windows with, at every SIMD width the CPU runs.
huntc_add_test(test_needle_scan SOURCES unit/needle_scan_test.cpp LIBS huntc_runtime)
