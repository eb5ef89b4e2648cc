#!/usr/bin/env bash
#===- update-docs.sh - Refresh the generated reference in docs/ -----------===#
#
# The dialect and pass references are generated from ODS (target gc-doc).
# The copies under docs/ are what readers browse; check-gc fails when they
# drift from ODS, and this script brings them back in line.
#
#===----------------------------------------------------------------------===#
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD="${1:-$ROOT/build}"

bash "$ROOT/scripts/build.sh" "$BUILD" gc-doc
mkdir -p "$ROOT/docs/Dialects"
cp "$BUILD/docs/Gc/GcDialect.md" "$ROOT/docs/Dialects/GcDialect.md"
cp "$BUILD/docs/Gc/GcPasses.md" "$ROOT/docs/Dialects/GcPasses.md"
cp "$BUILD/docs/Gc/GcConversionPasses.md" "$ROOT/docs/Dialects/GcConversionPasses.md"
echo "update-docs.sh: docs/Dialects/ refreshed from ODS"
