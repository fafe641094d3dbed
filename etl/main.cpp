// amlyze-etl: all logic lives in the amlyze_core library (etl/), see etl/cli.
#include "cli/cli.hpp"

int main(int argc, char** argv) { return etl::cli::run_cli(argc, argv); }
