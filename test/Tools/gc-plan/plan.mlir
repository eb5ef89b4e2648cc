// gc-plan plans the buffers of a CSV file, prints a JSON summary and, with
// --out, writes the offsets.
// RUN: split-file %s %t

// Five buffers of a forward/backward pattern; greedy by size reaches the
// bound, 56 bytes, with these offsets.
// RUN: gc-plan %t/step.csv --strategy greedy-size --out %t/offsets.csv | FileCheck %s --check-prefix=GREEDY
// GREEDY: {"arena_bytes": 56, "lower_bound_bytes": 56, "ratio": 1.000000, "seconds": {{[0-9.]+}}, "strategy": "greedy-size", "found_by": "greedy-size", "optimal": true, "buffers": 5, "wall_clock_cap_hit": false}
// RUN: FileCheck %s --check-prefix=OFFSETS --input-file=%t/offsets.csv
// OFFSETS: id,offset
// OFFSETS-NEXT: 10,0
// OFFSETS-NEXT: 11,32
// OFFSETS-NEXT: 12,0
// OFFSETS-NEXT: 13,48
// OFFSETS-NEXT: 14,32
// OFFSETS-EMPTY:

// The default strategy is `best`; columns may come in any order, and other
// columns are ignored.
// RUN: gc-plan %t/reordered.csv | FileCheck %s --check-prefix=BEST
// BEST: {"arena_bytes": 56, "lower_bound_bytes": 56, "ratio": 1.000000, "seconds": {{[0-9.]+}}, "strategy": "best", "found_by": "{{[a-z-]+}}", "optimal": true, "buffers": 5, "wall_clock_cap_hit": false}

// Every offset a multiple of 64: three buffers live together take two
// 64-byte slots and the 8 bytes of the third.
// RUN: gc-plan %t/step.csv --alignment 64 --out %t/aligned.csv | FileCheck %s --check-prefix=ALIGNED
// ALIGNED: {"arena_bytes": 136, "lower_bound_bytes": 136,
// RUN: FileCheck %s --check-prefix=ALIGNED-OFFSETS --input-file=%t/aligned.csv
// ALIGNED-OFFSETS: 13,128

// An alignment column: the 2-byte buffer must sit at 0 or 2, which leaves
// the bound of 4 bytes out of reach; the search proves 5 optimal.
// RUN: gc-plan %t/alignment-column.csv --strategy search | FileCheck %s --check-prefix=COLUMN
// COLUMN: {"arena_bytes": 5, "lower_bound_bytes": 4, "ratio": 1.250000, "seconds": {{[0-9.]+}}, "strategy": "search", "found_by": "{{[a-z-]+}}", "optimal": true, "buffers": 5, "wall_clock_cap_hit": false}

// A header and no buffers: an empty arena.
// RUN: gc-plan %t/header-only.csv --out %t/none.csv | FileCheck %s --check-prefix=NONE
// NONE: {"arena_bytes": 0, "lower_bound_bytes": 0, "ratio": 1.000000, "seconds": {{[0-9.]+}}, "strategy": "best", "found_by": "{{[a-z-]+}}", "optimal": true, "buffers": 0, "wall_clock_cap_hit": false}
// RUN: FileCheck %s --check-prefix=NONE-OFFSETS --input-file=%t/none.csv
// NONE-OFFSETS: id,offset
// NONE-OFFSETS-EMPTY:

//--- step.csv
id,lower,upper,size
10,0,2,32
11,1,3,16
12,2,4,32
13,0,4,8
14,3,5,16
//--- reordered.csv
size,upper,note,lower,id
32,2,a,0,10
16,3,b,1,11
32,4,c,2,12
8,4,d,0,13
16,5,e,3,14
//--- alignment-column.csv
id,lower,upper,size,alignment
0,0,2,1,1
1,0,1,3,1
2,1,2,2,2
3,1,3,1,1
4,2,3,3,1
//--- header-only.csv
id,lower,upper,size
