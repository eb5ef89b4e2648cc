/*===- StepAbi.h - The contract between a compiled step and gc_rt -*- C -*-===*
 *
 * A training step compiled by gc-compile is a shared library (libstep.so)
 * that exports one C symbol, gc_step_get_descriptor(), returning a static
 * description of the step: its arguments and results (name, element type,
 * shape, role, how to initialise them), the size of the statically planned
 * arena, and the entry point that runs one step. The runtime (Runtime.h)
 * loads the library, allocates the memory the descriptor asks for, and
 * calls the entry point; the generated code never allocates.
 *
 * Plain C so that generated C++ and CUDA, the runtime and any other host
 * language can share it. Every pointer in a descriptor points to static
 * storage of the library and lives as long as the library is loaded.
 *
 *===----------------------------------------------------------------------===*/

#ifndef GC_RT_STEP_ABI_H
#define GC_RT_STEP_ABI_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Bumped whenever a struct below changes layout or meaning. */
#define GC_STEP_ABI_VERSION 6

/* The symbol a compiled step exports. */
#define GC_STEP_DESCRIPTOR_SYMBOL "gc_step_get_descriptor"

typedef enum gc_step_dtype_e {
  GC_STEP_DTYPE_F32 = 0,
  GC_STEP_DTYPE_F64 = 1,
  GC_STEP_DTYPE_I32 = 2,
  GC_STEP_DTYPE_I64 = 3,
  /* IEEE half and bfloat16 (the safetensors F16 and BF16). */
  GC_STEP_DTYPE_F16 = 4,
  GC_STEP_DTYPE_BF16 = 5,
} gc_step_dtype_t;

/* What an argument is (its #gc.role); decides how the runtime stores,
 * feeds and saves it. */
typedef enum gc_step_role_e {
  /* A trainable parameter: saved and loaded with the state. */
  GC_STEP_ROLE_PARAMETER = 0,
  /* Optimizer state (a moment of a parameter): saved and loaded with the
   * state. */
  GC_STEP_ROLE_OPTIMIZER_STATE = 1,
  /* Per-step data: input ids, labels, masks. */
  GC_STEP_ROLE_BATCH = 2,
  /* The one-element i64 dropout seed; the runtime advances it by one per
   * step. */
  GC_STEP_ROLE_SEED = 3,
  /* A result that is not fed back (the loss, kept gradients). */
  GC_STEP_ROLE_OUTPUT = 4,
  /* The optimizer's one-element i64 step counter (AdamW's bias
   * correction): saved with the state as the number of completed steps,
   * advanced by one per step. */
  GC_STEP_ROLE_STEP_COUNTER = 5,
} gc_step_role_t;

/* How a fresh argument is initialised from a seed. The values are those of
 * gc-run's generated inputs (gc/Execution/Inputs.h), drawn with
 * gc_rt/InitRandom.h from a stream keyed by the seed and the name. */
typedef enum gc_step_init_e {
  GC_STEP_INIT_ZEROS = 0,
  GC_STEP_INIT_ONES = 1,
  /* init_scale * normal(0, 1). */
  GC_STEP_INIT_NORMAL = 2,
  /* Integers uniform in [0, init_bound). */
  GC_STEP_INIT_INDEX = 3,
  /* The seed itself (rank-0 i64). */
  GC_STEP_INIT_SEED = 4,
  /* Every element init_scale (a dynamic loss scale's starting value). */
  GC_STEP_INIT_FULL = 5,
} gc_step_init_t;

/* Which values an argument may hold; the runtime checks data it is given
 * (gc_rt_step_load_tensors, gc_rt_step_set_argument) against it. */
typedef enum gc_step_values_e {
  GC_STEP_VALUES_ANY = 0,
  /* Every element is 0 or 1 (an attention mask: 1 attends, 0 is masked). */
  GC_STEP_VALUES_ZERO_ONE = 1,
} gc_step_values_t;

typedef struct gc_step_tensor_t {
  const char *name;
  gc_step_dtype_t dtype;
  gc_step_role_t role;
  int32_t rank;
  const int64_t *shape; /* rank entries, outermost first */
  int64_t bytes;        /* product of the shape times the element size */
  gc_step_init_t init;
  double init_scale;
  int64_t init_bound;
  /* Results only: the argument this result replaces for the next step (a
   * parameter or optimizer state of the same name), or -1. */
  int32_t feeds_argument;
  /* Results only: nonzero when the step writes this result directly into
   * the buffer of argument feeds_argument (an in-place update); the result
   * buffer passed for it is then not touched and may be NULL. */
  int32_t written_in_place;
  /* Arguments: the values the argument may hold. */
  gc_step_values_t values;
} gc_step_tensor_t;

/* The data-parallel group that a step's collectives (gc.all_reduce) run
 * over, provided by the runtime's communicator (Communicator.h). */
typedef struct gc_step_collectives_t {
  void *context;
  int32_t rank;
  int32_t world_size;
  /* Starts summing `count` elements of `dtype` (F32 or F64) at `buffer`
   * over the group, in place, and sets *ticket: a host buffer for a CPU
   * step (reduced by the communicator's thread while the step computes on);
   * a device buffer for a CUDA step (the work enqueued on `stream`). The
   * buffer belongs to the communicator until all_reduce_wait(ticket)
   * returns. Returns 0, or nonzero after writing a message to `error`. */
  int (*all_reduce_start)(void *context, void *buffer, int64_t count,
                          gc_step_dtype_t dtype, void *stream, int64_t *ticket,
                          char *error, size_t error_capacity);
  /* Waits until the reduction `ticket` is complete (a CUDA step: enqueued
   * before what follows on its stream). Returns 0, or nonzero after writing
   * a message to `error` (a timeout, a vanished peer). */
  int (*all_reduce_wait)(void *context, int64_t ticket, char *error,
                         size_t error_capacity);
} gc_step_collectives_t;

/* One call of the step. All pointers are device pointers for a CUDA step
 * (host pointers for a CPU step), except `error`. */
typedef struct gc_step_call_t {
  void *const *arguments; /* num_arguments buffers, in descriptor order */
  void *const *results;   /* num_results buffers (NULL where in place) */
  void *arena;            /* arena_bytes, aligned to arena_alignment */
  /* num_error_sites device words, zeroed before the call, one per op that
   * checks its data (descriptor->error_sites names them): a CUDA kernel
   * sets its op's word to a gc_step_error_code_t when the data is invalid
   * (an id or label out of range). NULL for a CPU step. */
  int32_t *device_errors;
  void *stream;      /* cudaStream_t, or NULL for a CPU step */
  void *blas_handle; /* cublasHandle_t, or NULL for a CPU step */
  /* Where the step writes a message when it fails (NUL-terminated). */
  char *error;
  size_t error_capacity;
  /* CPU steps: how many threads the step's kernels use, the caller's thread
   * included; 0 means the default (GC_NUM_THREADS, else every core the
   * process may run on). The results do not depend on it. Ignored by CUDA
   * steps. */
  int32_t num_threads;
  /* The data-parallel group of a step with collectives; NULL runs them in a
   * group of one rank (the results equal the operands). */
  const gc_step_collectives_t *collectives;
} gc_step_call_t;

/* Codes of the device error word. */
typedef enum gc_step_error_code_e {
  GC_STEP_ERROR_NONE = 0,
  GC_STEP_ERROR_INDEX_OUT_OF_RANGE = 1, /* an embedding id */
  GC_STEP_ERROR_LABEL_OUT_OF_RANGE = 2, /* a cross-entropy label */
  GC_STEP_ERROR_BAD_OPTIMIZER_STEP = 3, /* AdamW step below 1 */
} gc_step_error_code_t;

typedef struct gc_step_descriptor_t {
  uint32_t abi_version; /* GC_STEP_ABI_VERSION */
  const char *target;   /* "cpu" or "cuda" */
  const char *function_name;
  /* Arena size in bytes: the statically planned size, which the step's
   * highest byte written equals. */
  int64_t arena_bytes;
  int64_t arena_alignment;
  int32_t num_arguments;
  const gc_step_tensor_t *arguments;
  int32_t num_results;
  const gc_step_tensor_t *results;
  /* Index of the result named "loss" (rank 0), or -1. */
  int32_t loss_result;
  /* Runs one step: 0 on success; otherwise writes a message to
   * call->error. For CUDA the work is enqueued on call->stream and may
   * still run when it returns; errors of the data show up in
   * device_errors once the stream is synchronized. */
  int (*run)(const gc_step_call_t *call);
  /* The ops with a device error word, in the step's order: "<op> at
   * <location>" (CUDA; 0 and NULL for a CPU step). */
  int32_t num_error_sites;
  const char *const *error_sites;
  /* Collectives (gc.all_reduce) per step: nonzero for a data-parallel step,
   * which averages its gradients over the ranks. */
  int32_t num_collectives;
  /* The group size a data-parallel step was compiled for, or 0 for any. */
  int32_t world_size;
} gc_step_descriptor_t;

typedef const gc_step_descriptor_t *(*gc_step_get_descriptor_fn)(void);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* GC_RT_STEP_ABI_H */
