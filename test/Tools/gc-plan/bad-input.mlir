// gc-plan rejects malformed input with a message naming the file and line,
// and a non-zero exit.
// RUN: split-file %s %t

// RUN: not gc-plan %t/empty.csv 2>&1 | FileCheck %s --check-prefix=EMPTY
// EMPTY: gc-plan: error: {{.*}}empty.csv: the file is empty (expected a header line 'id,lower,upper,size')

// RUN: not gc-plan %t/no-header.csv 2>&1 | FileCheck %s --check-prefix=HEADER
// HEADER: gc-plan: error: {{.*}}no-header.csv:1: the header has no 'id' column (expected a header line 'id,lower,upper,size', found '0,0,2,32')

// RUN: not gc-plan %t/no-upper.csv 2>&1 | FileCheck %s --check-prefix=COLUMN
// COLUMN: gc-plan: error: {{.*}}no-upper.csv:1: the header has no 'upper' column (expected a header line 'id,lower,upper,size', found 'id,lower,size')

// RUN: not gc-plan %t/short-row.csv 2>&1 | FileCheck %s --check-prefix=FIELDS
// FIELDS: gc-plan: error: {{.*}}short-row.csv:3: expected 4 fields, found 3

// RUN: not gc-plan %t/not-integer.csv 2>&1 | FileCheck %s --check-prefix=INTEGER
// INTEGER: gc-plan: error: {{.*}}not-integer.csv:2: field 'size' is not an integer: '12x'

// RUN: not gc-plan %t/empty-field.csv 2>&1 | FileCheck %s --check-prefix=EMPTY-FIELD
// EMPTY-FIELD: gc-plan: error: {{.*}}empty-field.csv:2: field 'lower' is not an integer: ''

// RUN: not gc-plan %t/negative.csv 2>&1 | FileCheck %s --check-prefix=NEGATIVE
// NEGATIVE: gc-plan: error: {{.*}}negative.csv:3: buffer 1 has a negative size -4

// RUN: not gc-plan %t/lifetime.csv 2>&1 | FileCheck %s --check-prefix=LIFETIME
// LIFETIME: gc-plan: error: {{.*}}lifetime.csv:2: buffer 7 has upper 3 <= lower 3 (lifetimes are [lower, upper))

// RUN: not gc-plan %t/duplicate.csv 2>&1 | FileCheck %s --check-prefix=DUPLICATE
// DUPLICATE: gc-plan: error: {{.*}}duplicate.csv:4: duplicate buffer id 1 (first on line 3)

// RUN: not gc-plan %t/bad-alignment.csv 2>&1 | FileCheck %s --check-prefix=BAD-ALIGNMENT
// BAD-ALIGNMENT: gc-plan: error: {{.*}}bad-alignment.csv:2: buffer 0 has alignment 0, which is not positive

// RUN: not gc-plan %t/huge.csv 2>&1 | FileCheck %s --check-prefix=HUGE
// HUGE: gc-plan: error: {{.*}}huge.csv:2: buffer 0 is too large to plan (size 9223372036854775807, alignment 1)

// RUN: not gc-plan %t/overflow.csv 2>&1 | FileCheck %s --check-prefix=OVERFLOW
// OVERFLOW: gc-plan: error: {{.*}}overflow.csv:2: field 'upper' is not an integer: '99999999999999999999'

// RUN: not gc-plan %t/missing.csv 2>&1 | FileCheck %s --check-prefix=MISSING
// MISSING: gc-plan: error: {{.*}}missing.csv: No such file or directory

// RUN: not gc-plan %t/good.csv --strategy nope 2>&1 | FileCheck %s --check-prefix=STRATEGY
// STRATEGY: gc-plan: error: unknown strategy 'nope'; choose one of greedy-size, greedy-lifetime, greedy-breadth, local-search, search, best

// RUN: not gc-plan %t/good.csv --alignment 0 2>&1 | FileCheck %s --check-prefix=ALIGNMENT
// ALIGNMENT: gc-plan: error: --alignment must be between 1 and 2^32, but is 0

// RUN: not gc-plan %t/good.csv --time-limit 0 2>&1 | FileCheck %s --check-prefix=TIME
// TIME: gc-plan: error: --time-limit must be a positive number of seconds, but is 0

//--- empty.csv
//--- no-header.csv
0,0,2,32
1,1,3,16
//--- no-upper.csv
id,lower,size
0,0,32
//--- short-row.csv
id,lower,upper,size
0,0,2,32
1,1,3
//--- not-integer.csv
id,lower,upper,size
0,0,2,12x
//--- empty-field.csv
id,lower,upper,size
0,,2,12
//--- negative.csv
id,lower,upper,size
0,0,2,32
1,1,3,-4
//--- lifetime.csv
id,lower,upper,size
7,3,3,8
//--- duplicate.csv
id,lower,upper,size
0,0,2,32
1,1,3,16
1,2,4,8
//--- bad-alignment.csv
id,lower,upper,size,alignment
0,0,2,32,0
//--- huge.csv
id,lower,upper,size
0,0,2,9223372036854775807
//--- overflow.csv
id,lower,upper,size
0,0,99999999999999999999,8
//--- good.csv
id,lower,upper,size
0,0,2,32
