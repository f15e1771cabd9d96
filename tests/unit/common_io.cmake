hinetd_unit_test(test_common_io ${CMAKE_CURRENT_LIST_DIR}/test_common_io.c)
