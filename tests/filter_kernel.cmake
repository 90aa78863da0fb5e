# The filter kernel's selection (compiler/jit/filter.cpp): every batch length around its groups
# and blocks, every row kept, none, nulls, against the interpreter.
huntc_add_test(test_filter_kernel SOURCES unit/filter_kernel_test.cpp LIBS huntc_driver)
# The projection kernel compiled hot and cold: the same values and nulls.
huntc_add_test(test_project_kernel SOURCES unit/project_kernel_test.cpp LIBS huntc_driver)
