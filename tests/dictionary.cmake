# Dictionary-encoded string columns: the column, and predicates over encoded and plain columns in
# both engines.
huntc_add_test(test_dictionary SOURCES unit/dictionary_test.cpp LIBS huntc_driver)
