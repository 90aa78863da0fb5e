# The JSON-lines reader.
huntc_add_test(test_reader SOURCES unit/event_reader_test.cpp LIBS huntc_runtime)
