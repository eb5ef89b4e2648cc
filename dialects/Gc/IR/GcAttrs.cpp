//===- GcAttrs.cpp - Attributes of the gc dialect -------------------------===//

#include "Gc/IR/GcAttrs.h"

#include "Gc/IR/GcEnums.cpp.inc"
