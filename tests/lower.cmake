# Lowering for the reference interpreter: one test per lowered construct, and the corpus
# figures (rules over Device* tables that compile and run with --engine interp).
huntc_add_test(test_lower SOURCES unit/lower_test.cpp unit/lower_corpus_test.cpp LIBS huntc_driver huntc_gen)
