# The rule model stage: YAML rule files -> Rule.
huntc_add_test(test_rule SOURCES unit/rule_test.cpp LIBS huntc_rule)
