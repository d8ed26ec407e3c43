# Finds binaryen's C API (Debian's binaryen package: binaryen-c.h and libbinaryen.so).
# Defines MeldcBinaryen_FOUND and the imported target meldc::binaryen.
find_path(MELDC_BINARYEN_INCLUDE_DIR binaryen-c.h PATH_SUFFIXES binaryen)
find_library(MELDC_BINARYEN_LIBRARY NAMES binaryen PATH_SUFFIXES binaryen)
find_program(MELDC_WASM_OPT wasm-opt)
include(FindPackageHandleStandardArgs)
find_package_handle_standard_args(MeldcBinaryen REQUIRED_VARS MELDC_BINARYEN_LIBRARY
                                  MELDC_BINARYEN_INCLUDE_DIR)
if(MeldcBinaryen_FOUND AND NOT TARGET meldc::binaryen)
  add_library(meldc::binaryen UNKNOWN IMPORTED)
  set_target_properties(meldc::binaryen PROPERTIES
    IMPORTED_LOCATION "${MELDC_BINARYEN_LIBRARY}"
    INTERFACE_INCLUDE_DIRECTORIES "${MELDC_BINARYEN_INCLUDE_DIR}")
endif()
