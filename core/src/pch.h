// Precompiled header for the torch translation units of core: libtorch's headers cost ~20 s per
// file on 2 cores, parsed once here instead.
#pragma once
#include <torch/torch.h>
