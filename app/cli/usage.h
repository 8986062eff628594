#pragma once
// revcol-cli's usage text, one entry per command: `help` lists them all, `COMMAND --help` prints
// one, and a command called without its inputs names its own usage in the error.
#include <string>

namespace revcol::cli {

std::string helpText();                             // every command and the common options
std::string commandHelp(const std::string& name);   // one command's usage and the common options; "" if unknown
std::string usageLine(const std::string& name);     // "usage: revcol-cli <synopsis>" on one line

}  // namespace revcol::cli
