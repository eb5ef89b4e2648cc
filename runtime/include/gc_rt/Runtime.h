/*===- Runtime.h - The gc_rt C API ---------------------------------*- C -*-===*
 *
 * Loads a training step compiled by gc-compile (a libstep.so, see
 * StepAbi.h) and runs it on a device, in the style of IREE's runtime API:
 * opaque handles, every fallible call returns a gc_rt_status_t (NULL on
 * success, otherwise an object carrying a message that the caller frees),
 * options structs filled by *_options_initialize, out-parameters last.
 *
 * A session owns a device: "cpu", or "cuda:N" with one stream and one
 * cuBLAS handle. A step owns, on that device, exactly two allocations: the
 * arena of the statically planned size, and one block for the arguments
 * (parameters, optimizer state, batch, seed) and the results that are not
 * written in place. Nothing is allocated while a step runs.
 *
 * The flow (runtime/demo/train.c):
 *   gc_rt_session_options_initialize(&options);
 *   gc_rt_session_create(&options, &session);
 *   gc_rt_step_load(session, "out/libstep.so", &step);
 *   gc_rt_step_initialize(step, seed);         // or gc_rt_step_load_state
 *   for (...) gc_rt_step_run(step, &stats);    // loss, time
 *   gc_rt_step_save_state(step, "trained.safetensors");
 *   gc_rt_step_release(step); gc_rt_session_release(session);
 *
 *===----------------------------------------------------------------------===*/

#ifndef GC_RT_RUNTIME_H
#define GC_RT_RUNTIME_H

#include "gc_rt/StepAbi.h"

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/*===----------------------------------------------------------------------===*
 * Status
 *===----------------------------------------------------------------------===*/

typedef enum gc_rt_status_code_e {
  GC_RT_OK = 0,
  GC_RT_INVALID_ARGUMENT = 1, /* a bad parameter, a mismatching file */
  GC_RT_NOT_FOUND = 2,        /* a missing file, symbol or tensor */
  GC_RT_UNAVAILABLE = 3,      /* no such device, no CUDA support built */
  GC_RT_OUT_OF_MEMORY = 4,    /* names requested and free bytes */
  GC_RT_DATA_ERROR = 5,       /* invalid data found while running */
  GC_RT_INTERNAL = 6,         /* a CUDA / cuBLAS / system call failed */
} gc_rt_status_code_t;

/* NULL means success. */
typedef struct gc_rt_status_s *gc_rt_status_t;

gc_rt_status_code_t gc_rt_status_code(gc_rt_status_t status);
/* The message (never NULL; "" for success). Valid until freed. */
const char *gc_rt_status_message(gc_rt_status_t status);
/* Frees a status; NULL is allowed. */
void gc_rt_status_free(gc_rt_status_t status);

/*===----------------------------------------------------------------------===*
 * Session: one device
 *===----------------------------------------------------------------------===*/

typedef struct gc_rt_session_s gc_rt_session_t;

typedef struct gc_rt_session_options_t {
  /* "cpu" or "cuda:N". */
  const char *device;
  /* CPU: threads per step, the calling thread included; 0 (the default)
   * means GC_NUM_THREADS, else every core the process may run on. Results
   * are bitwise the same for every thread count. */
  int32_t num_threads;
} gc_rt_session_options_t;

void gc_rt_session_options_initialize(gc_rt_session_options_t *options);

gc_rt_status_t gc_rt_session_create(const gc_rt_session_options_t *options,
                                    gc_rt_session_t **out_session);
/* Steps loaded in the session keep it (and its device) alive until they
 * are released too, so the release order does not matter. */
void gc_rt_session_release(gc_rt_session_t *session);

/* "cpu" or the CUDA device's name, e.g. "NVIDIA H100 80GB HBM3 (cuda:0)". */
const char *gc_rt_session_device_name(const gc_rt_session_t *session);

/*===----------------------------------------------------------------------===*
 * Step: a loaded compiled step with its memory
 *===----------------------------------------------------------------------===*/

typedef struct gc_rt_step_s gc_rt_step_t;

/* Loads the compiled step at `library_path`, checks its ABI version and that
 * its target matches the session's device, and allocates its arena and
 * argument/result block. */
gc_rt_status_t gc_rt_step_load(gc_rt_session_t *session,
                               const char *library_path,
                               gc_rt_step_t **out_step);
void gc_rt_step_release(gc_rt_step_t *step);

const gc_step_descriptor_t *gc_rt_step_descriptor(const gc_rt_step_t *step);

/* Initialises every argument from `seed` by its descriptor's init rule
 * (parameters as Hugging Face's BERT does, optimizer state to zero, a
 * synthetic batch, the dropout seed to `seed`). */
gc_rt_status_t gc_rt_step_initialize(gc_rt_step_t *step, uint64_t seed);

/* Replaces the arguments named in a safetensors file (parameters, optimizer
 * state or batch tensors). Every tensor must name an argument and match its
 * dtype, shape and values (a mask holds 0 and 1); tensors that name a result
 * but no argument (a results file's loss) are skipped; on error no argument
 * is changed. Tensors of the file that `allow_unknown` lets through are
 * ignored instead of rejected.
 *
 * Step counter: in a file, optimizer.step is the number of completed
 * optimizer steps (torch.optim's state["step"]); the argument of that name
 * is the number of the step run next, so loading n sets it to n + 1. Saving
 * writes it back as completed steps. gc_rt_step_set_argument and
 * gc_rt_step_read_tensor address the argument itself. */
gc_rt_status_t gc_rt_step_load_tensors(gc_rt_step_t *step, const char *path,
                                       int allow_unknown);

/* Saves the parameters and optimizer state to a safetensors file, through
 * a temporary file that is synced and renamed: an interrupted save leaves
 * the previous file intact. */
gc_rt_status_t gc_rt_step_save_state(gc_rt_step_t *step, const char *path);

/* Saves the results of the last step (by result name, in descriptor order,
 * the value of an in-place result being that of its argument) and the step
 * counter (as completed steps) to a safetensors file, atomically. Fails when
 * no step has completed since the step was loaded or since the last failed
 * run. */
gc_rt_status_t gc_rt_step_save_results(gc_rt_step_t *step, const char *path);

/* Copies `bytes` bytes from host memory into argument `name` (for batches);
 * `bytes` must equal the argument's size, and the values must be ones the
 * argument may hold (gc_step_values_t). */
gc_rt_status_t gc_rt_step_set_argument(gc_rt_step_t *step, const char *name,
                                       const void *data, size_t bytes);

/* Copies argument or result `name` (results first when both have it and a
 * step has completed) to host memory of `bytes` bytes, which must equal its
 * size. */
gc_rt_status_t gc_rt_step_read_tensor(gc_rt_step_t *step, const char *name,
                                      void *data, size_t bytes);

typedef struct gc_rt_step_stats_t {
  double loss;    /* the "loss" result, NaN when there is none */
  double seconds; /* wall time of the step, synchronized */
} gc_rt_step_stats_t;

/* Runs one step and waits for it: results that feed an argument replace it
 * (in place or by a copy), the seed argument is then incremented and an
 * optimizer.step argument counts up -- unless the step returns it itself
 * (a loss-scaled step, which does not count a skipped update) -- as gc-run
 * does for an .mlir file.
 * `out_stats` may be NULL. On failure nothing is copied back and neither
 * counter moves (a result written in place may have been changed already). */
gc_rt_status_t gc_rt_step_run(gc_rt_step_t *step,
                              gc_rt_step_stats_t *out_stats);

typedef struct gc_rt_memory_stats_t {
  int64_t arena_bytes;        /* planned (allocated) arena */
  int64_t arena_high_water;   /* measured: highest arena byte written + 1,
                                 over the runs tracked; -1 when none was */
  int64_t state_bytes;        /* the argument/result block */
  int64_t device_free_bytes;  /* cudaMemGetInfo; -1 on the CPU */
  int64_t device_total_bytes; /* cudaMemGetInfo; -1 on the CPU */
} gc_rt_memory_stats_t;

gc_rt_status_t gc_rt_step_memory_stats(gc_rt_step_t *step,
                                       gc_rt_memory_stats_t *out_stats);

/* Measures the arena's high-water mark while steps run: turning tracking
 * on starts a new measurement (arena_high_water -1); with tracking on,
 * every gc_rt_step_run first fills the arena (and a guard zone past its
 * end) with a sentinel byte, alternating 0xA5 and 0x5A between runs, and
 * afterwards finds the highest byte that differs from it. A byte the step
 * wrote with the sentinel's value could hide in one run but not in two
 * consecutive ones, so track at least two steps. A write into the guard
 * zone fails the run. Costs one fill and one scan of the arena per step:
 * for tests and checks, not for timing. */
gc_rt_status_t gc_rt_step_track_arena(gc_rt_step_t *step, int enable);

/*===----------------------------------------------------------------------===*
 * Data-parallel groups
 *
 * A data-parallel step (gc-compile --data-parallel) runs on every rank of a
 * group that a launcher started (`mpirun -np N`), each rank on its own slice
 * of the global batch; its gc.all_reduce ops average the gradients over the
 * ranks: MPI for a CPU step, NCCL for a CUDA step on a GPU (MPI on the host
 * under the CUDA host emulator). The flow on every rank:
 *   gc_rt_communicator_create(&options, &group);
 *   gc_rt_step_load(session, path, &step);
 *   gc_rt_step_set_communicator(step, group);  // before initialize
 *   gc_rt_step_initialize(step, seed);         // this rank's batch slice
 *   gc_rt_step_load_tensors(...);              // optional
 *   gc_rt_step_broadcast_state(step);          // rank 0's state everywhere
 *   for (...) gc_rt_step_run(step, &stats);
 * On an error, call gc_rt_communicator_abort so that no rank waits forever
 * for the failed one.
 *===----------------------------------------------------------------------===*/

typedef struct gc_rt_communicator_s gc_rt_communicator_t;

typedef struct gc_rt_communicator_options_t {
  /* Seconds a collective may wait for the other ranks before it fails
   * (a stopped or vanished peer); 0 takes GC_RT_COLLECTIVE_TIMEOUT from the
   * environment, else 300. */
  double timeout_seconds;
} gc_rt_communicator_options_t;

void gc_rt_communicator_options_initialize(
    gc_rt_communicator_options_t *options);

/* Joins the group the launcher started: initialises MPI once per process
 * (outside a launcher, MPI makes a group of one). Fails with
 * GC_RT_UNAVAILABLE when gc_rt was built without MPI. */
gc_rt_status_t
gc_rt_communicator_create(const gc_rt_communicator_options_t *options,
                          gc_rt_communicator_t **out_communicator);

/* Releases the group (MPI_Finalize) once no step uses it. */
void gc_rt_communicator_release(gc_rt_communicator_t *communicator);

int32_t gc_rt_communicator_rank(const gc_rt_communicator_t *communicator);
int32_t gc_rt_communicator_world_size(const gc_rt_communicator_t *communicator);

/* Sums `count` host doubles over the ranks in place (a loss to report),
 * within the timeout. */
gc_rt_status_t
gc_rt_communicator_all_reduce_host(gc_rt_communicator_t *communicator,
                                   double *values, int64_t count);

/* Cumulative seconds the group's host reductions have run (on the
 * communication thread, while steps compute) and seconds callers waited for
 * them: the difference is the communication hidden behind computation. */
gc_rt_status_t gc_rt_communicator_timing(gc_rt_communicator_t *communicator,
                                         double *out_reduce_seconds,
                                         double *out_waited_seconds);

/* Ends every rank of the group with `exit_code` (MPI_Abort): after an
 * error on this rank, so that the others do not wait for it. Does not
 * return. */
void gc_rt_communicator_abort(gc_rt_communicator_t *communicator,
                              int exit_code);

/* Runs the step's collectives over `communicator`'s group (which must
 * outlive the step): checks the group size the step was compiled for, and
 * on a GPU sets up NCCL. Call before gc_rt_step_initialize, which then draws
 * each batch argument for the global batch (world size x its first
 * dimension) and keeps this rank's rows: rank r gets rows [r*b, (r+1)*b), so
 * that N ranks of batch b see the rows one rank of batch N*b would.
 * gc_rt_step_load_tensors likewise takes a batch tensor of the global shape
 * and keeps this rank's rows (one of the per-rank shape is used as is). */
gc_rt_status_t gc_rt_step_set_communicator(gc_rt_step_t *step,
                                           gc_rt_communicator_t *communicator);

/* Copies rank 0's parameters, optimizer state and step counter to every
 * rank (after initialising or loading them), so that all ranks start from
 * the same state. */
gc_rt_status_t gc_rt_step_broadcast_state(gc_rt_step_t *step);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* GC_RT_RUNTIME_H */
