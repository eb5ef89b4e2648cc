# -*- Python -*-
# lit configuration of gc's gtest unit tests: every executable named *Tests
# under test/Unit in the build tree is run test by test.

import os

import lit.formats

config.name = "gc-unit"
config.suffixes = []
config.test_exec_root = config.unit_test_dir
config.test_source_root = config.unit_test_dir
config.test_format = lit.formats.GoogleTest(".", "Tests")

# Sanitized builds (scripts/test.sh --sanitize) read their options from the
# environment.
for name in ["ASAN_OPTIONS", "UBSAN_OPTIONS", "LSAN_OPTIONS"]:
    if name in os.environ:
        config.environment[name] = os.environ[name]
