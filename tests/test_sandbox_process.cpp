// Tests of amlyze-sandbox as a server and as a program: SandboxServer's start and stop, and the
// amlyze-sandbox binary (its token, --port-file, --faults, SIGTERM).
#include <doctest/doctest.h>
#include <fcntl.h>
#include <httplib.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "sandbox/sandbox_server.hpp"
#include "support/sandbox_client.hpp"

using namespace etl::test::sandbox_client;

namespace {

#ifdef AMLYZE_SANDBOX_BIN
// Starts the amlyze-sandbox binary with exactly `env` as its environment, stdout and stderr into
// `output`.
pid_t spawn_sandbox(const std::vector<std::string>& args, const std::vector<std::string>& env,
                    const std::string& output) {
  std::vector<char*> argv{const_cast<char*>(AMLYZE_SANDBOX_BIN)};
  for (const std::string& arg : args) argv.push_back(const_cast<char*>(arg.c_str()));
  argv.push_back(nullptr);
  std::vector<char*> envp;
  for (const std::string& var : env) envp.push_back(const_cast<char*>(var.c_str()));
  envp.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, output.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  posix_spawn_file_actions_adddup2(&actions, 1, 2);
  pid_t pid = -1;
  const int rc = posix_spawn(&pid, AMLYZE_SANDBOX_BIN, &actions, nullptr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  REQUIRE(rc == 0);
  return pid;
}

int exit_code(pid_t pid) {
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

std::string read_text(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// The port the binary wrote to `path`, or 0 if it did not within 10 s.
int wait_for_port(const std::string& path) {
  for (int attempt = 0; attempt < 1000; ++attempt) {
    std::ifstream in(path);
    int port = 0;
    if (in >> port) return port;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return 0;
}
#endif

}  // namespace

TEST_SUITE("sandbox") {
  TEST_CASE("server lifecycle") {
    CHECK_THROWS_AS(SandboxServer(SandboxOptions{"127.0.0.1", 0, ""}), std::invalid_argument);
    SandboxServer first(SandboxOptions{"127.0.0.1", 0, kToken});
    const int port = first.start();
    CHECK(port > 0);
    CHECK(first.port() == port);
    CHECK_THROWS_AS(first.start(), std::logic_error);
    SandboxServer second(SandboxOptions{"127.0.0.1", port, kToken});
    CHECK_THROWS_AS(second.start(), std::runtime_error);
    first.stop();
    first.stop();
    httplib::Client client("127.0.0.1", port);
    CHECK_FALSE(client.Get("/sandbox/stats"));
  }

#ifdef AMLYZE_SANDBOX_BIN
  TEST_CASE("amlyze-sandbox binary") {
    const std::filesystem::path dir = std::filesystem::temp_directory_path() /
                                      ("amlyze-sandbox-test-" + std::to_string(getpid()));
    std::filesystem::create_directories(dir);
    const std::string output = (dir / "output.txt").string();
    SUBCASE("exits 2 without a token") {
      const pid_t pid = spawn_sandbox({"--port", "0"}, {"PATH=/usr/bin:/bin"}, output);
      CHECK(exit_code(pid) == 2);
      CHECK(read_text(output).find("AMLYZE_TOKEN") != std::string::npos);
    }
    SUBCASE("serves until SIGTERM") {
      const std::string port_file = (dir / "port").string();
      const pid_t pid =
          spawn_sandbox({"--port", "0", "--port-file", port_file, "--token-env", "SBX_TOKEN"},
                        {"SBX_TOKEN=binary-secret"}, output);
      const int port = wait_for_port(port_file);
      if (port == 0) kill(pid, SIGKILL);
      REQUIRE(port > 0);
      httplib::Client client("127.0.0.1", port);
      const httplib::Result res =
          client.Post(kBatchPath, {{"Authorization", "Bearer binary-secret"}},
                      batch_of({individual("C1")}).dump(), "application/json");
      REQUIRE(res);
      CHECK(res->status == 200);
      kill(pid, SIGTERM);
      CHECK(exit_code(pid) == 0);
      CHECK(read_text(output) ==
            "amlyze-sandbox listening on http://127.0.0.1:" + std::to_string(port) + "\n");
    }
    SUBCASE("--faults starts with a plan") {
      const std::string plan_file = (dir / "faults.json").string();
      std::ofstream(plan_file) << R"(// the first request is throttled
        {"next": [{"kind": "status", "status": 429, "retry_after_seconds": 2}]})";
      const std::string port_file = (dir / "port").string();
      const pid_t pid =
          spawn_sandbox({"--port", "0", "--port-file", port_file, "--faults", plan_file},
                        {"AMLYZE_TOKEN=binary-secret"}, output);
      const int port = wait_for_port(port_file);
      if (port == 0) kill(pid, SIGKILL);
      REQUIRE(port > 0);
      httplib::Client client("127.0.0.1", port);
      const httplib::Headers auth = {{"Authorization", "Bearer binary-secret"}};
      const std::string body = batch_of({individual("C1")}).dump();
      const httplib::Result throttled = client.Post(kBatchPath, auth, body, "application/json");
      REQUIRE(throttled);
      CHECK(throttled->status == 429);
      CHECK(throttled->get_header_value("Retry-After") == "2");
      const httplib::Result accepted = client.Post(kBatchPath, auth, body, "application/json");
      REQUIRE(accepted);
      CHECK(accepted->status == 200);
      kill(pid, SIGTERM);
      CHECK(exit_code(pid) == 0);
    }
    SUBCASE("--faults with a bad plan exits 2") {
      const std::string plan_file = (dir / "faults.json").string();
      std::ofstream(plan_file) << R"({"next": [{"kind": "hang"}]})";
      const pid_t pid = spawn_sandbox({"--port", "0", "--faults", plan_file},
                                      {"AMLYZE_TOKEN=binary-secret"}, output);
      CHECK(exit_code(pid) == 2);
      CHECK(read_text(output).find("next[0].kind: unknown kind \"hang\"") != std::string::npos);
    }
    std::filesystem::remove_all(dir);
  }
#endif
}
