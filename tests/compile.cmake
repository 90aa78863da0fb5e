# Rule packs: the pack file format, a Jit fed a pack's kernels, and `huntc compile` with run,
# test and explain of packs as users run them (the built huntc is HUNTC_EXE).
huntc_add_test(test_pack_file SOURCES unit/pack_file_test.cpp LIBS huntc_driver simdjson::simdjson)
target_compile_definitions(test_pack_file PRIVATE HUNTC_EXE="$<TARGET_FILE:huntc>")
add_dependencies(test_pack_file huntc)
# The kernel cache's whole-run entries, through `huntc run` of YAML rules.
huntc_add_test(test_run_cache SOURCES unit/run_cache_test.cpp LIBS simdjson::simdjson)
target_compile_definitions(test_run_cache PRIVATE HUNTC_EXE="$<TARGET_FILE:huntc>")
add_dependencies(test_run_cache huntc)
