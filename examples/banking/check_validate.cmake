# Runs `logact voters validate --json` on the banking example and checks the
# verdict (cmake -P, so CTest needs no shell): safe must be true; the useful
# check must find the blocked rent increase; the redundant rule must be dead;
# and the spec with user_task_15 must be rejected as contradictory (exit 2).
# -DLOGACT=<path to logact> -DDIR=<examples/banking>
execute_process(
  COMMAND ${LOGACT} voters validate --policy ${DIR}/voters.json --spec ${DIR}/spec.json --json
  RESULT_VARIABLE code OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT code EQUAL 1)
  message(FATAL_ERROR "validate voters.json: exit ${code}, expected 1 (not useful)\n${out}${err}")
endif()
string(JSON safe GET "${out}" safe)
string(JSON useful GET "${out}" useful)
string(JSON tool GET "${out}" counterexamples useful action tool)
string(JSON dead GET "${out}" dead_rules 0)
if(NOT safe STREQUAL "ON" OR NOT useful STREQUAL "OFF" OR NOT tool STREQUAL "update_scheduled_transaction"
   OR NOT dead STREQUAL "no-attacker-send")
  message(FATAL_ERROR "unexpected verdict: safe=${safe} useful=${useful} tool=${tool} dead=${dead}\n${out}")
endif()

execute_process(
  COMMAND ${LOGACT} voters validate --policy ${DIR}/voters_fixed.json --spec ${DIR}/spec.json --json
  RESULT_VARIABLE code OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT code EQUAL 0)
  message(FATAL_ERROR "validate voters_fixed.json: exit ${code}, expected 0\n${out}${err}")
endif()

execute_process(
  COMMAND ${LOGACT} voters validate --policy ${DIR}/voters.json
          --spec ${DIR}/spec_with_user_task_15.json
  RESULT_VARIABLE code OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT code EQUAL 2 OR NOT err MATCHES "contradictory")
  message(FATAL_ERROR "spec_with_user_task_15.json: exit ${code}, expected 2 (contradictory)\n${err}")
endif()
