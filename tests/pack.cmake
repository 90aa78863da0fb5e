# The shipped rule pack end to end: gen-events plants each rule's scenario, huntc runs the rule
# (both built binaries: GEN_EVENTS_EXE, HUNTC_EXE), the detections must match the manifest.
huntc_add_test(test_rule_pack SOURCES unit/rule_pack_test.cpp LIBS simdjson::simdjson ZLIB::ZLIB PkgConfig::ZSTD)
target_compile_definitions(test_rule_pack PRIVATE HUNTC_EXE="$<TARGET_FILE:huntc>"
                           GEN_EVENTS_EXE="$<TARGET_FILE:gen-events>")
add_dependencies(test_rule_pack huntc gen-events)
