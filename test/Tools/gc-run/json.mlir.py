"""Checks gc-run --json against the run it printed."""
import json
import re
import sys

run = json.load(open(sys.argv[1]))
printed = [float(m.group(1)) for m in
           re.finditer(r"^step \d+: loss = (\S+)", open(sys.argv[2]).read(),
                       re.M)]
steps = run["steps"]
assert len(steps) == len(printed) == 3, (steps, printed)
for step, loss in zip(steps, printed):
    assert step["seconds"] > 0
    assert abs(step["loss"] - loss) <= 1e-6 * abs(loss), (step, loss)
assert run["timed_steps"] == 2
assert run["tokens_per_step"] == 16 and run["tokens_per_s"] > 0
assert 0 < run["min_step_s"] <= run["median_step_s"]
assert run["arena_high_water_bytes"] == run["arena_bytes"] > 0
assert run["state_bytes"] > 0
assert run["target"] == "cpu" and run["device"] == "cpu"
assert run["device_total_bytes"] is None
print("json agrees with the printed run: %d steps" % len(steps))
