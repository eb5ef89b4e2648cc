/*===- train.c - Train a compiled step with the gc_rt C API ---------------===*
 *
 * The whole flow of the runtime in one short program: open a session on a
 * device, load a step compiled by gc-compile, initialise its parameters,
 * optimizer state and synthetic batch from a seed, run a few steps printing
 * the loss, report memory, and optionally save the trained state.
 *
 *   gc-rt-demo <libstep.so> [steps=10] [device=cpu] [state.safetensors]
 *
 *===----------------------------------------------------------------------===*/

#include "gc_rt/Runtime.h"

#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv) {
  if (argc < 2 || argc > 5) {
    fprintf(stderr,
            "usage: %s <libstep.so> [steps=10] [device=cpu] "
            "[state.safetensors]\n",
            argv[0]);
    return 2;
  }
  int steps = argc > 2 ? atoi(argv[2]) : 10;

  gc_rt_session_options_t options;
  gc_rt_session_options_initialize(&options);
  if (argc > 3)
    options.device = argv[3];
  gc_rt_session_t *session = NULL;
  gc_rt_step_t *step = NULL;

  gc_rt_status_t status = gc_rt_session_create(&options, &session);
  if (!status)
    status = gc_rt_step_load(session, argv[1], &step);
  if (!status) {
    printf("%s on %s\n", gc_rt_step_descriptor(step)->function_name,
           gc_rt_session_device_name(session));
    status = gc_rt_step_initialize(step, /*seed=*/42);
  }
  for (int i = 0; i < steps && !status; ++i) {
    gc_rt_step_stats_t stats;
    status = gc_rt_step_run(step, &stats);
    if (!status)
      printf("step %d: loss = %.6f (%.3f ms)\n", i + 1, stats.loss,
             stats.seconds * 1e3);
  }
  gc_rt_memory_stats_t memory;
  if (!status)
    status = gc_rt_step_memory_stats(step, &memory);
  if (!status)
    printf("arena %lld bytes, arguments and results %lld bytes\n",
           (long long)memory.arena_bytes, (long long)memory.state_bytes);
  if (!status && argc > 4) {
    status = gc_rt_step_save_state(step, argv[4]);
    if (!status)
      printf("saved state to %s\n", argv[4]);
  }

  int exitCode = 0;
  if (status) {
    fprintf(stderr, "error: %s\n", gc_rt_status_message(status));
    gc_rt_status_free(status);
    exitCode = 1;
  }
  gc_rt_step_release(step);
  gc_rt_session_release(session);
  return exitCode;
}
