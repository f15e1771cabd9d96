# Policy files (policy/policy_file.c, policy_attr.c, xinetd_lex.c), the
# `hinetd -t` warnings (policy/config_check.c) and the `hinetd -T` printers
# (policy/explain.c).
hinetd_unit_test(test_policy_file ${CMAKE_CURRENT_LIST_DIR}/test_policy_file.c)
hinetd_unit_test(test_explain ${CMAKE_CURRENT_LIST_DIR}/test_explain.c)
