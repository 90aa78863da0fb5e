# The reference interpreter: semantics, functions and operators (runtime only), and the
# differential test of the two engines over tests/cases (needs the driver).
huntc_add_test(test_interp
  SOURCES unit/interp_semantics_test.cpp unit/interp_functions_test.cpp unit/interp_operators_test.cpp
  LIBS huntc_runtime)
huntc_add_test(test_interp_engines SOURCES unit/interp_differential_test.cpp LIBS huntc_driver huntc_gen)
# The hash join's build table, and the join and mv-expand operators against references.
huntc_add_test(test_join SOURCES unit/join_test.cpp LIBS huntc_runtime)
