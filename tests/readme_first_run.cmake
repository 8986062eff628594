# Runs the studio part of README's first Quick start command (offscreen, with --screenshot) from the
# source tree, so the command a new user types is known to open the window without an error.
file(READ "${README}" readme)
string(REGEX MATCH "\\./build/release/app/studio/revcol-studio ([^\n`]*)" line "${readme}")
if(NOT line)
  message(FATAL_ERROR "README has no revcol-studio command in its Quick start")
endif()
separate_arguments(args UNIX_COMMAND "${CMAKE_MATCH_1}")
file(REMOVE "${OUT}")
execute_process(COMMAND "${STUDIO}" --screenshot "${OUT}" ${args}
  WORKING_DIRECTORY "${SOURCE_DIR}" RESULT_VARIABLE rc TIMEOUT 300)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "revcol-studio ${args} exited with ${rc} (1: the window showed an error)")
endif()
if(NOT EXISTS "${OUT}")
  message(FATAL_ERROR "no screenshot written to ${OUT}")
endif()
