// The dialect and pass references under docs/ are generated from ODS; this
// fails when they drift. Refresh them with scripts/update-docs.sh.
// RUN: diff -u %gc_src_root/docs/Dialects/GcDialect.md %gc_obj_root/docs/Gc/GcDialect.md
// RUN: diff -u %gc_src_root/docs/Dialects/GcPasses.md %gc_obj_root/docs/Gc/GcPasses.md
// RUN: diff -u %gc_src_root/docs/Dialects/GcConversionPasses.md %gc_obj_root/docs/Gc/GcConversionPasses.md
