#!/usr/bin/env python3
"""A data-parallel run that loses a rank must stop, not hang.

Starts `MPIRUN -np 2 gc-run STEP --steps N --save CKPT --save-every K`, waits
until rank 0 has written a checkpoint, then either kills rank 1 (SIGKILL: a
vanished peer, which the launcher notices) or stops it (SIGSTOP: a hung peer,
which only gc_rt's collective timeout notices). Prints what happened: the
exit status, the seconds from the fault to the exit, and the lines of the
error output that name the failure. The checkpoint is checked by the caller.
"""

import argparse
import os
import shlex
import signal
import subprocess
import sys
import time


def children(pid):
    """Every descendant of `pid`."""
    found = []
    pending = [pid]
    while pending:
        parent = pending.pop()
        try:
            tasks = os.listdir(f"/proc/{parent}/task")
        except OSError:
            continue
        for task in tasks:
            try:
                with open(f"/proc/{parent}/task/{task}/children") as f:
                    kids = [int(k) for k in f.read().split()]
            except OSError:
                continue
            found += kids
            pending += kids
    return found


def rank_of(pid):
    try:
        with open(f"/proc/{pid}/environ", "rb") as f:
            for entry in f.read().split(b"\0"):
                if entry.startswith(b"OMPI_COMM_WORLD_RANK="):
                    return int(entry.split(b"=", 1)[1])
    except OSError:
        pass
    return None


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--mpirun", required=True, help="the mpirun command")
    parser.add_argument("--gc-run", required=True)
    parser.add_argument("--step", required=True)
    parser.add_argument("--checkpoint", required=True)
    parser.add_argument("--fault", choices=["kill", "stop"], required=True)
    parser.add_argument("--timeout", type=float, default=5,
                        help="gc-run --collective-timeout")
    parser.add_argument("--limit", type=float, default=120,
                        help="seconds the group may take to stop")
    args = parser.parse_args()

    command = shlex.split(args.mpirun) + [
        "-np", "2", args.gc_run, args.step, "--steps", "1000000", "--save",
        args.checkpoint, "--save-every", "20", "--collective-timeout",
        str(args.timeout)]
    group = subprocess.Popen(command, stdout=subprocess.DEVNULL,
                             stderr=subprocess.PIPE, text=True)
    deadline = time.time() + args.limit
    while not os.path.exists(args.checkpoint):
        if group.poll() is not None or time.time() > deadline:
            group.kill()
            print(f"FAILED: no checkpoint appeared (exit {group.poll()})")
            print(group.stderr.read())
            return 1
        time.sleep(0.05)
    victim = None
    while victim is None and time.time() < deadline:
        victim = next((p for p in children(group.pid) if rank_of(p) == 1),
                      None)
    if victim is None:
        group.kill()
        print("FAILED: rank 1 not found among mpirun's processes")
        return 1
    os.kill(victim, signal.SIGKILL if args.fault == "kill" else signal.SIGSTOP)
    faulted = time.time()
    try:
        _, errors = group.communicate(timeout=args.limit)
    except subprocess.TimeoutExpired:
        group.kill()
        os.kill(victim, signal.SIGKILL)
        print(f"FAILED: the group still runs {args.limit:.0f} s after the "
              "fault (a hang)")
        return 1
    seconds = time.time() - faulted
    print(f"exit status {group.returncode} after {seconds:.1f} s")
    for line in errors.splitlines():
        if "timed out" in line or "exited on signal" in line:
            print("error: " + line.strip())
    try:
        os.kill(victim, signal.SIGKILL)
    except OSError:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
