# The benchmark suite's smoke run (tools/bench/run.sh --quick: small inputs, one run, no DuckDB)
# and huntc against DuckDB on the peer benchmark's hunts (tools/oracle/hunts-check.sh, which
# skips with exit code 77 without Node.js, tools/oracle/node_modules or ../shared/bench).
# Both use the built huntc, gen-events, bench-reader, bench-rules and bench-kernels.
add_test(NAME bench_quick
  COMMAND bash ${PROJECT_SOURCE_DIR}/tools/bench/run.sh ${PROJECT_BINARY_DIR} --quick --no-peer)
add_test(NAME oracle_hunts COMMAND bash ${PROJECT_SOURCE_DIR}/tools/oracle/hunts-check.sh ${PROJECT_BINARY_DIR})
set_tests_properties(oracle_hunts PROPERTIES SKIP_RETURN_CODE 77)
