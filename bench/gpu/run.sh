#!/usr/bin/env bash
#===- run.sh - The one-command GPU check of gc -------------------------------===#
#
# Usage: bash bench/gpu/run.sh [--no-build] [--skip-torch] [--skip-large]
#                              [--budget-s SECONDS] [--steps N] [--strict]
#
# Runs bench/gpu/run.py (the driver; its docstring and bench/gpu/README.md
# describe the phases, the outputs and the environment) with python3 or
# $PYTHON.
#
#===----------------------------------------------------------------------===#
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
exec "${PYTHON:-python3}" "$HERE/run.py" "$@"
