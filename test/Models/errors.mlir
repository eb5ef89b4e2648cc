// A bad configuration or flag is one `gc-compile: error:` line on stderr,
// nothing on stdout, and a non-zero exit (`not` also fails on a crash).
// RUN: not gc-compile --hidden 100 --heads 16 2>&1 | FileCheck %s --check-prefix=HEADS
// RUN: not gc-compile --seq 1024 2>&1 | FileCheck %s --check-prefix=SEQ
// RUN: not gc-compile --seq 1024 2>/dev/null | count 0
// RUN: not gc-compile --loss ce 2>&1 | FileCheck %s --check-prefix=LOSS
// RUN: not gc-compile --emit backward 2>&1 | FileCheck %s --check-prefix=EMIT
// RUN: not gc-compile --model gpt2 2>&1 | FileCheck %s --check-prefix=MODEL
// RUN: not gc-compile --dtype f16 2>&1 | FileCheck %s --check-prefix=DTYPE
// RUN: not gc-compile --hidden-act relu 2>&1 | FileCheck %s --check-prefix=ACT
// RUN: not gc-compile --layers 0 2>&1 | FileCheck %s --check-prefix=LAYERS
// RUN: not gc-compile --batch -2 2>&1 | FileCheck %s --check-prefix=BATCH
// RUN: not gc-compile --dropout 1 2>&1 | FileCheck %s --check-prefix=DROPOUT
// RUN: not gc-compile --attention-dropout -0.1 2>&1 | FileCheck %s --check-prefix=ATTNDROP
// RUN: not gc-compile --layer-norm-eps 0 2>&1 | FileCheck %s --check-prefix=EPS
// RUN: not gc-compile --batch 1099511627776 --seq 1048576 --max-position 1048576 2>&1 | FileCheck %s --check-prefix=HUGE
// RUN: not gc-compile --layers 2 --hidden 8 --heads 2 --intermediate 8 --vocab 8 --seq 2 --batch 1 -o %t.missing/out.mlir 2>&1 | FileCheck %s --check-prefix=OUTPUT
// RUN: not gc-compile --layers two 2>&1 | FileCheck %s --check-prefix=NUMBER
// Bounds that once hung gc-compile or wrapped sizes around: a depth no model
// has, a tensor whose element count fits in int64 but whose bytes do not
// (2^62 elements of 4 bytes), and weights too large in total.
// RUN: not gc-compile --layers 2147483648 2>&1 | FileCheck %s --check-prefix=DEEP
// RUN: not gc-compile --layers 1 --batch 1 --seq 1 --max-position 1 --hidden 1 --heads 1 --intermediate 1 --vocab 4611686018427387904 --loss mean 2>&1 | FileCheck %s --check-prefix=BYTES
// RUN: not gc-compile --layers 2 --hidden 1073741824 --heads 1 --intermediate 8 --vocab 8 --seq 2 --batch 1 --loss mean 2>&1 | FileCheck %s --check-prefix=WEIGHTS
// DEEP: gc-compile: error: num_hidden_layers must be at most 1024, but is 2147483648
// BYTES: gc-compile: error: the model is too large: a tensor of shape [4611686018427387904, 1] takes more than 2^63 - 1 bytes
// WEIGHTS: gc-compile: error: the model is too large: the 2 layers' weights, gradients and optimizer state take more than 2^63 - 1 bytes

// HEADS: gc-compile: error: hidden_size (100) is not divisible by num_attention_heads (16)
// SEQ: gc-compile: error: seq_length (1024) exceeds max_position_embeddings (512)
// LOSS: gc-compile: error: unsupported --loss value 'ce'; expected one of: mlm, mean
// EMIT: gc-compile: error: unsupported --emit value 'backward'; expected one of: forward
// MODEL: gc-compile: error: unsupported --model value 'gpt2'; expected one of: bert
// DTYPE: gc-compile: error: unsupported --dtype value 'f16'; expected one of: f32, f64
// ACT: gc-compile: error: unsupported --hidden-act value 'relu'; expected one of: gelu, gelu_new
// LAYERS: gc-compile: error: num_hidden_layers must be positive, but is 0
// BATCH: gc-compile: error: batch_size must be positive, but is -2
// DROPOUT: gc-compile: error: hidden_dropout_prob must lie in [0, 1), but is 1
// ATTNDROP: gc-compile: error: attention_probs_dropout_prob must lie in [0, 1), but is -0.1
// EPS: gc-compile: error: layer_norm_eps must be positive and finite, but is 0
// HUGE: gc-compile: error: the model is too large: a tensor of shape [1099511627776, 16, 1048576, 1048576] takes more than 2^63 - 1 bytes
// OUTPUT: gc-compile: error: cannot open '{{.*}}out.mlir' for writing:
// NUMBER: gc-compile: for the --layers option: 'two' value invalid for {{.*}} argument!

// RUN: not gc-compile --vocab 100 --pad-token-id 100 2>&1 | FileCheck %s --check-prefix=PAD
// PAD: gc-compile: error: pad_token_id (100) is not a token of the vocabulary [0, 100)
// RUN: not gc-compile --emit train --optimizer adam 2>&1 | FileCheck %s --check-prefix=OPTIMIZER
// OPTIMIZER: gc-compile: for the --optimizer option: Cannot find option named 'adam'!
// RUN: not gc-compile --emit train --lr 0 2>&1 | FileCheck %s --check-prefix=LR
// LR: error: gc-optimizer: expected lr to be finite and positive, but found 0

// Hyper-parameters outside any sensible range, and flags given with the
// value that means "default" when the flag is absent.
// RUN: not gc-compile --emit train --lr 1e30 2>&1 | FileCheck %s --check-prefix=LRHUGE
// LRHUGE: error: gc-optimizer: expected lr to be at most 100, but found 1.000000e+30
// RUN: not gc-compile --emit train --weight-decay -1 2>&1 | FileCheck %s --check-prefix=WD
// WD: gc-compile: error: --weight-decay must be finite and non-negative, but is -1.0
// RUN: not gc-compile --emit remat --precision bf16 2>&1 | FileCheck %s --check-prefix=PRECISION
// PRECISION: Cannot find option named 'bf16'!
// fp16-mixed with SGD is no longer warned about: its updates are loss-scaled.
// RUN: gc-compile --layers 1 --seq 8 --batch 1 --emit train --precision fp16-mixed --optimizer sgd -o %t.f16.mlir 2>&1 | count 0
// RUN: FileCheck %s --check-prefix=F16-SGD < %t.f16.mlir
// F16-SGD: gc.sgd_update {{.*}} skip
// RUN: not gc-compile --emit remat --budget '' 2>&1 | FileCheck %s --check-prefix=BUDGET
// BUDGET: gc-compile: error: --budget is empty; give a size such as 70GiB or a fraction such as 0.8x
