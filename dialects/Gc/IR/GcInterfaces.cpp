//===- GcInterfaces.cpp - Interfaces of the gc dialect --------------------===//

#include "Gc/IR/GcInterfaces.h"

#include "Gc/IR/GcInterfaces.cpp.inc"
