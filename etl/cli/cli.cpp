#include "cli/cli.hpp"

#include <CLI/CLI.hpp>
#include <iostream>

#include "cli/commands.hpp"
#include "util/errors.hpp"
#include "util/exit_codes.hpp"
#include "util/log.hpp"
#include "util/stop_signal.hpp"

namespace etl::cli {
namespace {

LogLevel parse_level(const std::string& name) {
  if (name == "debug") return LogLevel::kDebug;
  if (name == "warn") return LogLevel::kWarn;
  if (name == "error") return LogLevel::kError;
  return LogLevel::kInfo;
}

}  // namespace

int run_cli(int argc, char** argv) {
  CLI::App app{"amlyze-etl: keeps AMLYZE's customers in step with the core-banking database"};
  app.set_version_flag("--version", std::string("amlyze-etl ") + AMLYZE_ETL_VERSION);
  app.require_subcommand(1);
  app.fallthrough();  // global options may follow the sub-command
  std::string level = "info";
  app.add_option("--log-level", level, "debug, info, warn or error")
      ->check(CLI::IsMember({"debug", "info", "warn", "error"}));
  std::string format = "text";
  app.add_option("--log-format", format, "text (one line each) or json (one object per line)")
      ->check(CLI::IsMember({"text", "json"}));

  std::string config;
  sync::RunOptions run_options;
  std::string dry_run;
  CLI::App* run = app.add_subcommand(sync::command_name(run_options.command),
                                     "Send changed customers to AMLYZE and record them");
  run->add_option("--config", config, "config file (JSON, comments allowed)")->required();
  run->add_flag("--full", run_options.full, "read every customer, not only the changed ones");
  run->add_option("--dry-run", dry_run,
                  "send nothing: write the batches and a plan into this folder");

  sync::RunOptions retry_options;
  retry_options.command = sync::Command::kRetry;
  std::string ext_id;
  CLI::App* retry =
      app.add_subcommand(sync::command_name(retry_options.command),
                         "Re-read and resend customers whose last outcome is failed or rejected");
  retry->add_option("--config", config, "config file")->required();
  retry->add_option("--ext-id", ext_id, "only this customerExtId (whatever its state)");

  sync::RunOptions validate_options;
  validate_options.command = sync::Command::kValidate;
  CLI::App* validate = app.add_subcommand(
      sync::command_name(validate_options.command),
      "Send the extract to validate-batch-customers: AMLYZE checks, saves nothing");
  validate->add_option("--config", config, "config file")->required();
  validate->add_flag("--full", validate_options.full, "every customer, not only the changed ones");

  long long report_run = 0;
  CLI::App* report =
      app.add_subcommand("report", "One run in detail: outcomes, codes, slow batches");
  report->add_option("--config", config, "config file")->required();
  report->add_option("--run", report_run, "run id (see status)")->required();

  CLI::App* status = app.add_subcommand("status", "Recent runs and outcome counts from the ledger");
  status->add_option("--config", config, "config file")->required();

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);  // prints help, version or the usage error
    return code == 0 ? kExitOk : kExitUsage;
  }
  set_log_level(parse_level(level));
  set_log_format(format == "json" ? LogFormat::kJson : LogFormat::kText);
  try {
    if (!dry_run.empty()) run_options.dry_run_dir = dry_run;
    if (!ext_id.empty()) retry_options.ext_id = ext_id;
    if (run->parsed() || retry->parsed() || validate->parsed()) install_stop_handlers();
    if (run->parsed()) return command_run(config, run_options, std::cout);
    if (retry->parsed()) return command_run(config, retry_options, std::cout);
    if (validate->parsed()) return command_run(config, validate_options, std::cout);
    if (report->parsed()) return command_report(config, report_run, std::cout);
    return command_status(config, std::cout);
  } catch (const std::exception& e) {
    // The code on the same line: a cron mail or a journal excerpt says which case it is.
    const int code = exit_code_for(e);
    log_error(std::string(e.what()) + " (exit " + std::to_string(code) + ")");
    return code;
  }
}

}  // namespace etl::cli
