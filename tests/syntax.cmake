# The KQL lexer and parser: unit tests, hostile inputs, fuzz regressions and the real corpus.
huntc_add_test(test_syntax SOURCES unit/syntax_test.cpp unit/syntax_corpus_test.cpp
               LIBS huntc_syntax huntc_rule)
