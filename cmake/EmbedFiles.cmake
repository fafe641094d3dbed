# embed_files(OUTPUT <cpp> BASE <dir> FILES <f>...)
# Compiles text files (migrations, SQL) into the binary so it works from any working directory.
# The generated file defines etl::embedded::files(): relative path -> contents.
function(embed_files)
  cmake_parse_arguments(EMB "" "OUTPUT;BASE" "FILES" ${ARGN})
  add_custom_command(
    OUTPUT ${EMB_OUTPUT}
    COMMAND ${CMAKE_COMMAND} -DOUTPUT=${EMB_OUTPUT} -DBASE=${EMB_BASE} "-DFILES=${EMB_FILES}"
            -P ${PROJECT_SOURCE_DIR}/cmake/EmbedFilesScript.cmake
    DEPENDS ${EMB_FILES} ${PROJECT_SOURCE_DIR}/cmake/EmbedFilesScript.cmake
    COMMENT "Embedding SQL files"
    VERBATIM)
endfunction()
