# Warning and sanitizer flags shared by every meldc target (meldc_target_flags(<target>)).
set(MELDC_WARNING_FLAGS -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes
    -Wpointer-arith -Wvla -Wformat=2 -Wno-unused-parameter)
if(MELDC_WERROR)
  list(APPEND MELDC_WARNING_FLAGS -Werror)
endif()
set(MELDC_SANITIZER_FLAGS)
if(MELDC_SANITIZE)
  set(MELDC_SANITIZER_FLAGS -fsanitize=address,undefined -fno-sanitize-recover=all
      -fno-omit-frame-pointer)
endif()
if(MELDC_FUZZ)
  if(NOT CMAKE_C_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "MELDC_FUZZ needs clang (libFuzzer): configure with CC=clang-19")
  endif()
  # Coverage feedback from the library for libFuzzer.
  list(APPEND MELDC_SANITIZER_FLAGS -fsanitize=fuzzer-no-link)
endif()

function(meldc_target_flags target)
  target_compile_options(${target} PRIVATE ${MELDC_WARNING_FLAGS} ${MELDC_SANITIZER_FLAGS})
  if(MELDC_SANITIZE OR MELDC_FUZZ)
    target_link_options(${target} PRIVATE ${MELDC_SANITIZER_FLAGS})
    # The `opt` pass dlopens libbinaryen (C++), which throws exceptions internally.  ASan
    # intercepts __cxa_throw and resolves the real one when the program starts: libstdc++ must
    # be loaded by then, or the first throw inside libbinaryen aborts the sanitizer.
    get_target_property(_type ${target} TYPE)
    if(_type STREQUAL "EXECUTABLE")
      target_link_options(${target} PRIVATE -Wl,--no-as-needed -lstdc++ -Wl,--as-needed)
    endif()
  endif()
endfunction()
