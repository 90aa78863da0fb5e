# huntc lint: Sentinel CI checks, checks on the bound query, report formats, and the CLI verb
# (run as the built huntc binary, whose path the tests get as HUNTC_EXE).
huntc_add_test(test_lint SOURCES unit/lint_test.cpp unit/lint_cli_test.cpp
               LIBS huntc_lint simdjson::simdjson)
target_compile_definitions(test_lint PRIVATE HUNTC_EXE="$<TARGET_FILE:huntc>")
add_dependencies(test_lint huntc)
