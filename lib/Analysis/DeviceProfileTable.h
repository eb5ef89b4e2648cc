//===- DeviceProfileTable.h - Access to the built-in profiles ---*- C++ -*-===//
//
// Shared between the table (DeviceProfiles.cpp) and the JSON overrides
// (DeviceProfileJson.cpp), which start from a built-in profile and must
// report an unknown base name the same way loadDeviceProfile does.
//
//===----------------------------------------------------------------------===//

#ifndef GC_LIB_ANALYSIS_DEVICEPROFILETABLE_H
#define GC_LIB_ANALYSIS_DEVICEPROFILETABLE_H

#include "gc/Analysis/CostModel.h"

#include <string>

namespace gc::cost::detail {

/// The built-in profile called `name`, or null.
const DeviceProfile *findBuiltinProfile(const std::string &name);

/// "unknown device profile 'x' (known: h100, ...)".
std::string unknownProfileMessage(const std::string &name);

} // namespace gc::cost::detail

#endif // GC_LIB_ANALYSIS_DEVICEPROFILETABLE_H
