/* Included before src/main.c when it is built into fuzz-cli: main and
   the verbs become stand-ins of the fuzzer, and no log file is opened.  */
#define main ocirt_fuzz_main
#define ocirt_log_init fuzz_log_init
#define ocirt_cmd_create fuzz_cmd_create
#define ocirt_cmd_start fuzz_cmd_start
#define ocirt_cmd_state fuzz_cmd_state
#define ocirt_cmd_kill fuzz_cmd_kill
#define ocirt_cmd_delete fuzz_cmd_delete
#define ocirt_cmd_run fuzz_cmd_run
#define ocirt_cmd_list fuzz_cmd_list
#define ocirt_cmd_exec fuzz_cmd_exec
#define ocirt_cmd_init fuzz_cmd_init
#define ocirt_cmd_spec fuzz_cmd_spec
#define ocirt_cmd_features fuzz_cmd_features
#define ocirt_cmd_unimplemented fuzz_cmd_unimplemented
#define ocirt_cmd_update fuzz_cmd_update
#define ocirt_cmd_pause fuzz_cmd_pause
#define ocirt_cmd_resume fuzz_cmd_resume
#define ocirt_cmd_ps fuzz_cmd_ps
#define ocirt_cmd_events fuzz_cmd_events
