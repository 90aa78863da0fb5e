# The front end against Microsoft's KQL parser and binder (tools/oracle, Node.js).
huntc_add_test(test_oracle SOURCES unit/oracle_test.cpp LIBS huntc_bind huntc_rule simdjson::simdjson)
