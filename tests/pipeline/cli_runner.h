#pragma once
// Running revcol-cli from tests: its exit status and what it printed on stdout.
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

struct CliRun {
  int status = -1;  // exit code, -1 if it did not exit normally
  std::string out;  // stdout (and stderr when redirected there)
};

// stderr_redirect is appended to the shell command: "2>/dev/null", "2>&1", "2>FILE".
inline CliRun runRevcolCli(const std::string& arguments, const std::string& stderr_redirect = "2>/dev/null") {
  const std::string cmd = std::string(REVCOL_CLI) + " " + arguments + " " + stderr_redirect;
  CliRun r;
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) return r;
  std::array<char, 4096> buf;
  size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), p)) > 0) r.out.append(buf.data(), n);
  const int raw = pclose(p);
  r.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
  return r;
}

inline std::string readAll(const std::filesystem::path& p) {
  std::ifstream in(p);
  return std::string(std::istreambuf_iterator<char>(in), {});
}
