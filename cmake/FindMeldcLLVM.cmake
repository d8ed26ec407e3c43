# Finds LLVM 19 through llvm-config-19 (Debian's llvm-19-dev).
# Defines MeldcLLVM_FOUND, MELDC_LLVM_CONFIG, MELDC_LLVM_VERSION, MELDC_LLVM_BINDIR and the
# imported target meldc::llvm (C API headers + the shared libLLVM).
find_program(MELDC_LLVM_CONFIG NAMES llvm-config-19 llvm-config
             HINTS /usr/lib/llvm-19/bin DOC "llvm-config of LLVM 19")
if(MELDC_LLVM_CONFIG)
  execute_process(COMMAND ${MELDC_LLVM_CONFIG} --version OUTPUT_VARIABLE MELDC_LLVM_VERSION
                  OUTPUT_STRIP_TRAILING_WHITESPACE)
  execute_process(COMMAND ${MELDC_LLVM_CONFIG} --includedir OUTPUT_VARIABLE _llvm_inc
                  OUTPUT_STRIP_TRAILING_WHITESPACE)
  execute_process(COMMAND ${MELDC_LLVM_CONFIG} --libdir OUTPUT_VARIABLE _llvm_libdir
                  OUTPUT_STRIP_TRAILING_WHITESPACE)
  execute_process(COMMAND ${MELDC_LLVM_CONFIG} --bindir OUTPUT_VARIABLE MELDC_LLVM_BINDIR
                  OUTPUT_STRIP_TRAILING_WHITESPACE)
  execute_process(COMMAND ${MELDC_LLVM_CONFIG} --libs --link-shared OUTPUT_VARIABLE _llvm_libs
                  OUTPUT_STRIP_TRAILING_WHITESPACE)
endif()
include(FindPackageHandleStandardArgs)
find_package_handle_standard_args(MeldcLLVM REQUIRED_VARS MELDC_LLVM_CONFIG MELDC_LLVM_VERSION
                                  VERSION_VAR MELDC_LLVM_VERSION)
if(MeldcLLVM_FOUND AND NOT MELDC_LLVM_VERSION VERSION_LESS 20)
  message(WARNING "meldc is written against LLVM 19; found ${MELDC_LLVM_VERSION}")
endif()
if(MeldcLLVM_FOUND AND NOT TARGET meldc::llvm)
  add_library(meldc::llvm INTERFACE IMPORTED)
  separate_arguments(_llvm_libs UNIX_COMMAND "${_llvm_libs}")
  set_target_properties(meldc::llvm PROPERTIES
    INTERFACE_INCLUDE_DIRECTORIES "${_llvm_inc}"
    INTERFACE_LINK_DIRECTORIES "${_llvm_libdir}"
    INTERFACE_LINK_LIBRARIES "${_llvm_libs}")
endif()
