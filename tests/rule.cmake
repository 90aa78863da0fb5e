# The rule model stage: YAML rule files -> Rule.
huntc_add_test(test_rule SOURCES unit/rule_test.cpp LIBS huntc_rule)
huntc_add_test(test_yaml_tree SOURCES unit/yaml_tree_test.cpp LIBS huntc_rule yaml-cpp)
