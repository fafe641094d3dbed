// amlyze-etl: all logic lives in the amlyze_core library (etl/), see etl/cli.
#include "cli/cli.hpp"

#ifdef AMLYZE_JEMALLOC
// Read by jemalloc at start-up. Two arenas, not four per core: the job has a handful of threads.
// Freed pages go back to the kernel within a second instead of ten. Peak RSS of a
// 200,000-customer first load: 58 MB -> 51 MB, and a little less CPU.
extern "C" {
const char* malloc_conf = "narenas:2,dirty_decay_ms:1000,muzzy_decay_ms:0";
}
#endif

int main(int argc, char** argv) { return etl::cli::run_cli(argc, argv); }
