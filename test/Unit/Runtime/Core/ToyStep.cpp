//===- ToyStep.cpp - A hand-written compiled step for the runtime tests ---===//
//
// Implements StepAbi.h the way generated CPU code does: a static
// descriptor, a run function that reads arguments, computes into the arena
// and writes results (one of them in place), and reports bad data through
// its message buffer. See ToyStep.h for what it computes.
//
// Built several times with compile definitions that break one thing each
// (ABI version, target, exported symbol, a byte size, an arena overrun), so
// that the runtime's checks meet real libraries.
//
//===----------------------------------------------------------------------===//

#include "ToyStep.h"

#include "gc_rt/StepSupport.h"

#include <cstdio>
#include <cstring>

#ifndef TOY_ABI_VERSION
#define TOY_ABI_VERSION GC_STEP_ABI_VERSION
#endif
#ifndef TOY_TARGET
#define TOY_TARGET "cpu"
#endif
#ifndef TOY_DESCRIPTOR_FUNCTION
#define TOY_DESCRIPTOR_FUNCTION gc_step_get_descriptor
#endif
#ifndef TOY_W_BYTES
#define TOY_W_BYTES 20
#endif

namespace {
using namespace toy;

enum Argument { W, Momentum, StepCounter, NormWeight, X, Ids, Seed, Mask };
enum Result { Loss, NewW, NewMomentum, SeenSeed, SeenStep, NewStepCounter };

const int64_t kVector[] = {kSize};
const int64_t kMatrix[] = {2, 3};
const int64_t kIds[] = {3};

constexpr gc_step_tensor_t
tensor(const char *name, gc_step_dtype_t dtype, gc_step_role_t role,
       int32_t rank, const int64_t *shape, int64_t bytes,
       gc_step_init_t init = GC_STEP_INIT_ZEROS, double scale = 0,
       int64_t bound = 0, int32_t feeds = -1, int32_t inPlace = 0,
       gc_step_values_t values = GC_STEP_VALUES_ANY) {
  return {name, dtype, role,  rank,  shape,   bytes,
          init, scale, bound, feeds, inPlace, values};
}

const gc_step_tensor_t kArguments[] = {
    tensor("w", GC_STEP_DTYPE_F32, GC_STEP_ROLE_PARAMETER, 1, kVector,
           TOY_W_BYTES, GC_STEP_INIT_NORMAL, 0.02),
    tensor("optimizer.momentum.w", GC_STEP_DTYPE_F32,
           GC_STEP_ROLE_OPTIMIZER_STATE, 1, kVector, 20),
    tensor("optimizer.step", GC_STEP_DTYPE_I64, GC_STEP_ROLE_STEP_COUNTER, 0,
           nullptr, 8, GC_STEP_INIT_ONES),
    tensor("norm.weight", GC_STEP_DTYPE_F64, GC_STEP_ROLE_PARAMETER, 2, kMatrix,
           48, GC_STEP_INIT_ONES),
    tensor("x", GC_STEP_DTYPE_F32, GC_STEP_ROLE_BATCH, 1, kVector, 20,
           GC_STEP_INIT_NORMAL, 1.0),
    tensor("ids", GC_STEP_DTYPE_I32, GC_STEP_ROLE_BATCH, 1, kIds, 12,
           GC_STEP_INIT_INDEX, 0, kIdBound),
    tensor("seed", GC_STEP_DTYPE_I64, GC_STEP_ROLE_SEED, 0, nullptr, 8,
           GC_STEP_INIT_SEED),
    tensor("mask", GC_STEP_DTYPE_F32, GC_STEP_ROLE_BATCH, 1, kIds, 12,
           GC_STEP_INIT_ONES, 0, 0, -1, 0, GC_STEP_VALUES_ZERO_ONE),
};

const gc_step_tensor_t kResults[] = {
    tensor("loss", GC_STEP_DTYPE_F32, GC_STEP_ROLE_OUTPUT, 0, nullptr, 4),
    tensor("w", GC_STEP_DTYPE_F32, GC_STEP_ROLE_PARAMETER, 1, kVector, 20,
           GC_STEP_INIT_ZEROS, 0, 0, /*feeds=*/W),
    tensor("optimizer.momentum.w", GC_STEP_DTYPE_F32,
           GC_STEP_ROLE_OPTIMIZER_STATE, 1, kVector, 20, GC_STEP_INIT_ZEROS, 0,
           0, /*feeds=*/Momentum, /*inPlace=*/1),
    tensor("seen_seed", GC_STEP_DTYPE_I64, GC_STEP_ROLE_OUTPUT, 0, nullptr, 8),
    tensor("seen_step", GC_STEP_DTYPE_I64, GC_STEP_ROLE_OUTPUT, 0, nullptr, 8),
    tensor("optimizer.step", GC_STEP_DTYPE_I64, GC_STEP_ROLE_STEP_COUNTER, 0,
           nullptr, 8, GC_STEP_INIT_ZEROS, 0, 0, /*feeds=*/StepCounter),
};

int fail(const gc_step_call_t *call, const char *message) {
  if (call->error && call->error_capacity)
    std::snprintf(call->error, call->error_capacity, "%s", message);
  return 1;
}

/// Checks what the runtime promises about the call before computing.
int checkCall(const gc_step_call_t *call) {
  if (call->stream || call->blas_handle || call->device_errors)
    return fail(call, "a CPU step got a stream, BLAS handle or error word");
  if (reinterpret_cast<uintptr_t>(call->arena) % kArenaAlignment)
    return fail(call, "arena is not aligned to arena_alignment");
  for (int i = 0; i <= Mask; ++i)
    if (!call->arguments[i] ||
        reinterpret_cast<uintptr_t>(call->arguments[i]) % 256)
      return fail(call, "an argument buffer is NULL or not 256-byte aligned");
  for (int i = 0; i <= NewStepCounter; ++i) {
    bool inPlace = i == NewMomentum;
    if (inPlace != (call->results[i] == nullptr))
      return fail(call, "result buffers: NULL must mean written in place");
  }
  return 0;
}

int run(const gc_step_call_t *call) {
  if (int error = checkCall(call))
    return error;
  auto *w = static_cast<const float *>(call->arguments[W]);
  auto *momentum = static_cast<float *>(call->arguments[Momentum]);
  int64_t stepCounter =
      *static_cast<const int64_t *>(call->arguments[StepCounter]);
  auto *x = static_cast<const float *>(call->arguments[X]);
  auto *ids = static_cast<const int32_t *>(call->arguments[Ids]);
  int64_t seed = *static_cast<const int64_t *>(call->arguments[Seed]);

  // What an embedding lookup's bounds check does in generated code.
  for (int i = 0; i < 3; ++i)
    if (ids[i] < 0 || ids[i] >= kIdBound) {
      char message[128];
      std::snprintf(message, sizeof(message),
                    "ids[%d] = %d is out of range [0, %lld)", i, ids[i],
                    static_cast<long long>(kIdBound));
      return fail(call, message);
    }

  // Temporaries live in the arena: the products first, then scratch up to
  // the planned size, whose last byte is the tracker's first sentinel.
  auto *arena = static_cast<uint8_t *>(call->arena);
  auto *products = reinterpret_cast<float *>(arena);
  for (int i = 0; i < kSize; ++i)
    products[i] = w[i] * x[i];
  std::memset(arena + kSize * sizeof(float), 0,
              kArenaBytes - 1 - kSize * sizeof(float));
  arena[kArenaBytes - 1] = kLastArenaByte;
#ifdef TOY_ARENA_OVERRUN
  arena[kArenaBytes + 100] = 1;
#endif

  double sum = 0;
  for (int i = 0; i < kSize; ++i)
    sum += products[i];
  *static_cast<float *>(call->results[Loss]) = static_cast<float>(sum / kSize);

  auto *newW = static_cast<float *>(call->results[NewW]);
  for (int i = 0; i < kSize; ++i) {
    momentum[i] = kMomentum * momentum[i] + x[i] / kSize;
    newW[i] = w[i] - kLearningRate * momentum[i];
  }
  *static_cast<int64_t *>(call->results[SeenSeed]) = seed;
  *static_cast<int64_t *>(call->results[SeenStep]) = stepCounter;
  *static_cast<int64_t *>(call->results[NewStepCounter]) =
      stepCounter + kStepResultOffset;
  return 0;
}

const gc_step_descriptor_t kDescriptor = {
    /*abi_version=*/TOY_ABI_VERSION,
    /*target=*/TOY_TARGET,
    /*function_name=*/"toy_step",
    /*arena_bytes=*/kArenaBytes,
    /*arena_alignment=*/kArenaAlignment,
    /*num_arguments=*/sizeof(kArguments) / sizeof(kArguments[0]),
    /*arguments=*/kArguments,
    /*num_results=*/sizeof(kResults) / sizeof(kResults[0]),
    /*results=*/kResults,
    /*loss_result=*/Loss,
    /*run=*/run,
    /*num_error_sites=*/0,
    /*error_sites=*/nullptr,
    /*num_collectives=*/0,
    /*world_size=*/0,
};
} // namespace

GC_STEP_EXPORT const gc_step_descriptor_t *TOY_DESCRIPTOR_FUNCTION(void) {
  return &kDescriptor;
}
