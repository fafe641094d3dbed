// The files the job makes and the files it is pointed at: the ledger 0640 in a 0750 folder and
// dry-run output 0600 in a 0700 folder whatever the umask, the metrics file world-readable, the
// ledger's application id (another application's file refused untouched, an earlier version's
// ledger stamped), read-only commands that create nothing, and null where a path belongs.
#include <doctest/doctest.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <thread>

#include "ledger/sqlite.hpp"
#include "support/etl_harness.hpp"
#include "support/old_ledger.hpp"
#include "util/text.hpp"

using etl::test::EtlHarness;
using etl::test::make_sqlite;
namespace fs = std::filesystem;

namespace {

// The application id the README documents: "AMLz" in ASCII.
constexpr long long kAmlz = 0x414D4C7A;

// The umask the spawned binary inherits, for the scope.
class Umask {
 public:
  explicit Umask(mode_t mask) : saved_(::umask(mask)) {}
  ~Umask() { ::umask(saved_); }
  Umask(const Umask&) = delete;
  Umask& operator=(const Umask&) = delete;

 private:
  mode_t saved_;
};

unsigned mode_of(const fs::path& path) {
  struct stat st {};
  REQUIRE_MESSAGE(::stat(path.c_str(), &st) == 0, path.string());
  return st.st_mode & 07777;
}

std::string bytes(const fs::path& file) { return etl::read_file(file.string()); }

// A ledger as the version before the application id made it: migrations 0001-0003, WAL, a run.
void make_unstamped_ledger(const fs::path& file) {
  make_sqlite(file, "PRAGMA journal_mode = WAL;" + etl::test::old_ledger_schema_sql(3) +
                        "INSERT INTO runs (command, mode, started_at, outcome, version) "
                        "VALUES ('run', 'full', '2026-01-01T00:00:00Z', 'succeeded', '0.9');");
}

// Every file in `dir` other than the ones listed.
std::vector<std::string> others_in(const fs::path& dir, const std::vector<std::string>& known) {
  std::vector<std::string> out;
  for (const auto& entry : fs::directory_iterator(dir)) {
    const std::string name = entry.path().filename().string();
    if (std::find(known.begin(), known.end(), name) == known.end()) out.push_back(name);
  }
  return out;
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

}  // namespace

TEST_SUITE("ledger files") {
  TEST_CASE("a run makes the ledger 0640 in a 0750 folder, stamped, whatever the umask") {
    EtlHarness h(20);
    mode_t mask = 022;
    SUBCASE("umask 022") { mask = 022; }
    SUBCASE("umask 077") { mask = 077; }
    CAPTURE(mask);
    h.config()["ledger"]["path"] = "../var/state/ledger.sqlite";
    Umask umask(mask);
    const auto r = h.etl({"run"});
    REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    const fs::path ledger = h.dir() / "var" / "state" / "ledger.sqlite";
    CHECK(mode_of(ledger) == 0640);
    CHECK(mode_of(ledger.parent_path()) == 0750);
    CHECK(mode_of(h.dir() / "var") == 0750);
    CHECK((mode_of(ledger.string() + ".lock") & 07) == 0);
    etl::ledger::Database db(ledger.string());
    etl::ledger::Statement id(db, "PRAGMA application_id");
    REQUIRE(id.step());
    CHECK(id.integer(0) == kAmlz);
    CHECK(bytes(ledger).substr(68, 4) == "AMLz");
  }

  TEST_CASE("the -wal and -shm files of a running run are 0640 too, and status reads beside it") {
    EtlHarness h(1500);
    h.config()["amlyze"]["batch_size"] = 2;
    Umask umask(022);
    auto run = h.start_etl({"run"});
    for (int i = 0; i < 400 && h.sandbox().stats().batches < 5; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    REQUIRE(h.sandbox().stats().batches >= 5);
    const std::string ledger = h.ledger_path().string();
    CHECK(mode_of(ledger + "-wal") == 0640);
    CHECK(mode_of(ledger + "-shm") == 0640);
    const auto status = h.etl({"status"});
    CHECK_MESSAGE(status.exit_code == 0, status.err);
    CHECK(contains(status.out, "running"));
    const auto r = run->wait();
    CHECK_MESSAGE(r.exit_code == 0, r.err);
  }

  TEST_CASE("dry-run output holds customer data: files 0600 in a 0700 folder") {
    EtlHarness h(30, 10);
    Umask umask(022);
    SUBCASE("a folder the run creates") {
      const fs::path dry = h.dir() / "dry" / "today";
      const auto r = h.etl({"run", "--dry-run", dry.string()});
      REQUIRE_MESSAGE(r.exit_code == 3, r.err);  // three invalid customers held back
      CHECK(mode_of(h.dir() / "dry") == 0700);
      CHECK(mode_of(dry) == 0700);
      int files = 0;
      for (const auto& entry : fs::directory_iterator(dry)) {
        CAPTURE(entry.path());
        CHECK(mode_of(entry.path()) == 0600);
        ++files;
      }
      CHECK(files >= 3);  // plan.json, held-back.jsonl, batches
    }
    SUBCASE("an existing folder keeps its mode; files already there are made private") {
      const fs::path dry = h.dir() / "shared";
      fs::create_directories(dry);
      fs::permissions(dry, fs::perms(0755));
      etl::test::write_text(dry / "plan.json", "{}");
      fs::permissions(dry / "plan.json", fs::perms(0644));
      REQUIRE(h.etl({"run", "--dry-run", dry.string()}).exit_code == 3);
      CHECK(mode_of(dry) == 0755);
      CHECK(mode_of(dry / "plan.json") == 0600);
      CHECK(mode_of(dry / "batch-0001.json") == 0600);
      CHECK(mode_of(dry / "held-back.jsonl") == 0600);
    }
  }

  TEST_CASE("the metrics file stays world-readable for node-exporter whatever the umask") {
    EtlHarness h(10);
    h.config()["metrics"] = {{"textfile", "../metrics.prom"}};
    Umask umask(077);
    REQUIRE(h.etl({"run"}).exit_code == 0);
    CHECK(mode_of(h.dir() / "metrics.prom") == 0644);
  }

  TEST_CASE("status and report never create a ledger: a mistyped path is an error") {
    EtlHarness h(10);
    h.config()["ledger"]["path"] = "../vra/ledger.sqlite";
    for (const std::vector<std::string>& command :
         {std::vector<std::string>{"status"}, std::vector<std::string>{"report", "--run", "1"}}) {
      CAPTURE(command[0]);
      const auto r = h.etl(command);
      CHECK(r.exit_code == 2);
      CHECK(contains(r.err, "no ledger at " + (h.dir() / "vra" / "ledger.sqlite").string()));
      CHECK(contains(r.err, "ledger.path"));
      CHECK_FALSE(fs::exists(h.dir() / "vra"));
    }
    SUBCASE("an empty file is no ledger either, and stays empty") {
      etl::test::write_text(h.dir() / "vra" / "ledger.sqlite", "");
      CHECK(h.etl({"status"}).exit_code == 2);
      CHECK(fs::file_size(h.dir() / "vra" / "ledger.sqlite") == 0);
      CHECK(others_in(h.dir() / "vra", {"ledger.sqlite"}).empty());
    }
  }

  TEST_CASE("status reads a ledger without writing to it or leaving files beside it") {
    EtlHarness h(10);
    REQUIRE(h.etl({"run"}).exit_code == 0);
    const std::string before = bytes(h.ledger_path());
    const auto r = h.etl({"status"});
    CHECK_MESSAGE(r.exit_code == 0, r.err);
    CHECK(contains(r.out, "recent runs"));
    CHECK(bytes(h.ledger_path()) == before);
    CHECK(
        others_in(h.ledger_path().parent_path(), {"ledger.sqlite", "ledger.sqlite.lock"}).empty());
    SUBCASE("as an auditor in the service's group, who cannot write the folder") {
      const struct passwd* nobody = ::getpwnam("nobody");
      if (::geteuid() != 0 || nobody == nullptr || !fs::exists("/usr/sbin/runuser")) {
        MESSAGE("skipped: needs root, the user nobody and runuser");
        return;
      }
      // The service owns the ledger; the auditor (nobody) is in its group only.
      const fs::path var = h.ledger_path().parent_path();
      for (const fs::path& p : {var, h.ledger_path(), fs::path(var / "ledger.sqlite.lock")}) {
        REQUIRE(::chown(p.c_str(), 0, nobody->pw_gid) == 0);
      }
      const auto auditor =
          etl::test::run_process({"/usr/sbin/runuser", "-u", "nobody", "--", AMLYZE_ETL_BIN,
                                  "status", "--config", h.config_path().string()});
      CHECK_MESSAGE(auditor.exit_code == 0, auditor.err);
      CHECK(contains(auditor.out, "succeeded"));
    }
  }

  TEST_CASE("null where a path belongs is a config error naming the key and line") {
    EtlHarness h(10);
    for (const auto& [section, key] :
         std::vector<std::pair<std::string, std::string>>{{"ledger", "path"},
                                                          {"metrics", "textfile"},
                                                          {"source", "extract_sql"},
                                                          {"amlyze", "token_file"},
                                                          {"amlyze", "ca_file"}}) {
      CAPTURE(section + "." + key);
      const nlohmann::json saved = h.config();
      h.config()[section][key] = nullptr;
      const auto r = h.etl({"status"});
      h.config() = saved;
      CHECK(r.exit_code == 2);
      CHECK(contains(r.err, h.config_path().string() + ":"));
      CHECK(contains(r.err, section + "." + key + ": is null"));
      CHECK_FALSE(fs::exists(h.ledger_path()));
    }
    SUBCASE("business_unit: null still means none") {
      h.config()["amlyze"]["business_unit"] = nullptr;
      CHECK(h.etl({"run"}).exit_code == 0);
    }
  }

  TEST_CASE("another application's SQLite file is refused untouched") {
    EtlHarness h(10);
    const fs::path other = h.dir() / "notes" / "notes.db";
    fs::create_directories(other.parent_path());
    SUBCASE("rollback journal") {
      make_sqlite(other, "CREATE TABLE notes (body TEXT); INSERT INTO notes VALUES ('x');");
    }
    SUBCASE("WAL") {
      make_sqlite(other, "PRAGMA journal_mode = WAL; CREATE TABLE notes (body TEXT);");
    }
    SUBCASE("its own application id") {
      make_sqlite(other, "PRAGMA application_id = 305419896; CREATE TABLE schema_migrations (v);");
    }
    SUBCASE("a text file") { etl::test::write_text(other, "meeting notes, not a database\n"); }
    h.config()["ledger"]["path"] = "../notes/notes.db";
    const std::string before = bytes(other);
    for (const std::vector<std::string>& command :
         {std::vector<std::string>{"run"}, std::vector<std::string>{"status"},
          std::vector<std::string>{"run", "--dry-run", (h.dir() / "dry").string()}}) {
      CAPTURE(command[0]);
      const auto r = h.etl(command);
      CHECK(r.exit_code == 2);
      CHECK(contains(r.err, other.string() + " is not an amlyze-etl ledger"));
      CHECK(contains(r.err, "ledger.path"));
    }
    CHECK(bytes(other) == before);
    CHECK(others_in(other.parent_path(), {"notes.db"}).empty());  // no -wal, -shm, .lock
    CHECK(h.sandbox().stats().batches == 0);
  }

  TEST_CASE("a ledger made by an earlier version is recognised by its migrations and stamped") {
    EtlHarness h(10);
    fs::create_directories(h.ledger_path().parent_path());
    make_unstamped_ledger(h.ledger_path());
    const auto r = h.etl({"run"});
    CHECK_MESSAGE(r.exit_code == 0, r.err);
    CHECK(contains(r.err, "stamped"));
    CHECK(h.ledger_value("PRAGMA application_id") == std::to_string(kAmlz));
    CHECK(h.ledger_value("SELECT count(*) FROM runs") == "2");
    CHECK(h.sandbox().customer_count() == 10);
    CHECK_FALSE(contains(h.etl({"run"}).err, "stamped"));  // once
  }
}
