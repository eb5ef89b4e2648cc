//===- GcInterfaces.cpp - Interfaces of the gc dialect --------------------===//

#include "gc/Dialect/GcInterfaces.h"

#include "gc/Dialect/GcInterfaces.cpp.inc"
