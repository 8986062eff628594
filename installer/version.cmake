# The version, written once in the top-level project() call, reaches the code through a generated
# header (core/src/api/version_config.h.in -> revcol_version_config.h). Only version.cpp includes
# it and only version.cpp gets the include path, so a version bump recompiles one file and leaves
# revcol_model's precompiled header alone.
configure_file(${PROJECT_SOURCE_DIR}/core/src/api/version_config.h.in
  ${PROJECT_BINARY_DIR}/generated/revcol_version_config.h @ONLY)
set_source_files_properties(${PROJECT_SOURCE_DIR}/core/src/api/version.cpp TARGET_DIRECTORY revcol_model
  PROPERTIES INCLUDE_DIRECTORIES ${PROJECT_BINARY_DIR}/generated)
