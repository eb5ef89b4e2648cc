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
