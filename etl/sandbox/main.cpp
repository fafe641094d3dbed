// amlyze-sandbox: serves AMLYZE's customer batch endpoints until SIGINT or SIGTERM.
//
//   AMLYZE_TOKEN=secret amlyze-sandbox [--host 127.0.0.1] [--port 8089] [--token-env AMLYZE_TOKEN]
//                                      [--port-file FILE] [--faults FILE]
//
// --faults starts with the fault plan in FILE (JSON as in sandbox/fault_plan.hpp), so that a
// script's plan is in force before any client can reach the server.
//
// Exit codes: 0 stopped by a signal; 1 cannot bind or write the port file; 2 usage error, no
// token in the environment, or an unreadable or invalid fault plan.
#include <pthread.h>

#include <CLI/CLI.hpp>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <stdexcept>
#include <string>

#include "sandbox/fault_plan.hpp"
#include "sandbox/sandbox_server.hpp"

namespace {

constexpr int kExitFailure = 1;
constexpr int kExitUsage = 2;

// Write, then rename: a script polling for the file never reads a half-written port.
void write_port_file(const std::string& path, int port) {
  const std::string temp = path + ".tmp";
  {
    std::ofstream out(temp, std::ios::trunc);
    out << port << '\n';
    if (!out.flush()) throw std::runtime_error("amlyze-sandbox: cannot write " + temp);
  }
  if (std::rename(temp.c_str(), path.c_str()) != 0) {
    throw std::runtime_error("amlyze-sandbox: cannot rename " + temp + " to " + path);
  }
}

// Blocked before any thread starts, so every server thread inherits the mask and only sigwait()
// in main ever receives the stop signals.
sigset_t block_stop_signals() {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  return signals;
}

std::string url_host(const std::string& host) {
  return host.find(':') == std::string::npos ? host : "[" + host + "]";
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"amlyze-sandbox: a local stand-in for AMLYZE's customer batch endpoints"};
  etl::sandbox::SandboxOptions options;
  options.port = 8089;
  std::string token_env = "AMLYZE_TOKEN";
  std::string port_file;
  app.add_option("--host", options.host, "Address to bind")->capture_default_str();
  app.add_option("--port", options.port, "Port to bind; 0 = any free port")
      ->check(CLI::Range(0, 65535))
      ->capture_default_str();
  app.add_option("--token-env", token_env, "Environment variable holding the bearer token")
      ->capture_default_str();
  app.add_option("--port-file", port_file, "Write the bound port to this file");
  std::string faults_file;
  app.add_option("--faults", faults_file, "Start with the fault plan in this JSON file");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : kExitUsage;
  }

  const char* token = std::getenv(token_env.c_str());
  if (token == nullptr || *token == '\0') {
    std::cerr << "amlyze-sandbox: environment variable " << token_env
              << " is unset or empty; it must hold the bearer token\n";
    return kExitUsage;
  }
  options.token = token;

  etl::sandbox::FaultPlan faults;
  if (!faults_file.empty()) {
    try {
      faults = etl::sandbox::load_fault_plan(faults_file);
    } catch (const std::invalid_argument& e) {
      std::cerr << "amlyze-sandbox: --faults " << e.what() << '\n';
      return kExitUsage;
    }
  }

  const sigset_t signals = block_stop_signals();
  try {
    etl::sandbox::SandboxServer server(options);
    server.set_faults(faults);
    const int port = server.start();
    if (!port_file.empty()) write_port_file(port_file, port);
    std::cout << "amlyze-sandbox listening on http://" << url_host(options.host) << ":" << port
              << std::endl;
    int received = 0;
    sigwait(&signals, &received);
    server.stop();
  } catch (const std::exception& e) {
    std::cerr << e.what() << '\n';
    return kExitFailure;
  }
  return 0;
}
