# Front-end tests: every subcommand answers --help with exit 0; unknown commands fail with usage.
foreach(c import demos window train eval sim info report study)
  fc_add_test(cli_help_${c} $<TARGET_FILE:flowchunk> ${c} --help)
endforeach()
fc_add_test(cli_help_main $<TARGET_FILE:flowchunk> --help)
fc_add_test(cli_unknown_command $<TARGET_FILE:flowchunk> frobnicate)
set_tests_properties(cli_unknown_command PROPERTIES WILL_FAIL TRUE)
