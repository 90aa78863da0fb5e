# Lowering for the reference interpreter: one test per lowered construct, and the corpus
# figures (rules over Device* tables that compile and run with --engine interp).
huntc_add_test(test_lower SOURCES unit/lower_test.cpp unit/lower_corpus_test.cpp LIBS huntc_driver huntc_gen)
# The optimiser passes one at a time, and the corpus rules with and without the optimiser.
huntc_add_test(test_optimize SOURCES unit/optimize_test.cpp LIBS huntc_driver huntc_gen)
