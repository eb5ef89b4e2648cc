#!/usr/bin/env python3
"""Run a command while every core is kept busy by spinning processes.

Usage: run-busy.py COMMAND [ARGS...]

Exits with the command's status. gc's compiles must give the same result
under this load as on an idle machine.
"""
import multiprocessing
import os
import subprocess
import sys


def spin():
    while True:
        pass


if __name__ == "__main__":
    spinners = [multiprocessing.Process(target=spin, daemon=True)
                for _ in range(os.cpu_count() or 1)]
    for spinner in spinners:
        spinner.start()
    try:
        status = subprocess.run(sys.argv[1:]).returncode
    finally:
        for spinner in spinners:
            spinner.terminate()
    sys.exit(status)
