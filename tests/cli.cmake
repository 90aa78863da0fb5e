# The everyday verbs as users run them: run's rule filters and CI options, explain (also over
# the Sentinel corpus), test with tests/rule-cases, and --help (the built huntc is HUNTC_EXE).
huntc_add_test(test_huntc_cli SOURCES unit/huntc_cli_test.cpp LIBS huntc_explain simdjson::simdjson)
target_compile_definitions(test_huntc_cli PRIVATE HUNTC_EXE="$<TARGET_FILE:huntc>")
add_dependencies(test_huntc_cli huntc)
