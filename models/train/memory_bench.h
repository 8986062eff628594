#pragma once
// revcol-train memory: peak tensor memory of one training step, reversible against ordinary
// backward, as the number of columns grows.
namespace revcol::train {

int runMemoryBench(int argc, char** argv);

}  // namespace revcol::train
