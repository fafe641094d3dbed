// The command line: parses arguments, runs one command, maps every error to one line on stderr
// and a stable exit code (util/exit_codes.hpp).
#pragma once

namespace etl::cli {

// The whole program; main() only calls this.
int run_cli(int argc, char** argv);

}  // namespace etl::cli
