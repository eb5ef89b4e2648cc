// gc-run on compiled steps: what cannot run is reported, never crashes.

// RUN: rm -rf %t && mkdir -p %t
// RUN: not gc-run %t/nothing-here.so 2>&1 | FileCheck %s --check-prefix=MISSING
// MISSING: gc-run: error: no compiled step at '{{.*}}nothing-here.so'

// RUN: gc-compile --model bert --layers 1 --hidden 32 --heads 2 --intermediate 64 --vocab 64 --seq 8 --batch 2 --target cpu -o %t/step
// RUN: not gc-run %t/step --save-every 2 2>&1 | FileCheck %s --check-prefix=SAVE-EVERY
// SAVE-EVERY: gc-run: error: --save-every expects a positive step count and a --save path
// RUN: not gc-run %t/step --collective-timeout -1 2>&1 | FileCheck %s --check-prefix=TIMEOUT
// TIMEOUT: gc-run: error: --collective-timeout expects a positive number of seconds, but is -1
// RUN: not gc-run %t/step --device gpu 2>&1 | FileCheck %s --check-prefix=DEVICE
// DEVICE: gc-run: error: {{.*}}'gpu'

// A CPU step cannot run on a CUDA session (and without a GPU there is none).
// RUN: not gc-run %t/step --device cuda:0 2>&1 | FileCheck %s --check-prefix=CUDA
// CUDA: gc-run: error: {{.*}}cuda

// RUN: not gc-run %s --device cpu 2>&1 | FileCheck %s --check-prefix=MLIR
// MLIR: gc-run: error: --device applies to compiled steps

// An input that names no argument changes nothing and is an error.
// RUN: python3 -c "import json,struct,sys; h=json.dumps({'nope':{'dtype':'F32','shape':[1],'data_offsets':[0,4]}}).encode(); sys.stdout.buffer.write(struct.pack('<Q',len(h))+h+bytes(4))" > %t/unknown.safetensors
// RUN: not gc-run %t/step --inputs %t/unknown.safetensors 2>&1 | FileCheck %s --check-prefix=UNKNOWN
// UNKNOWN: gc-run: error: {{.*}}nope

// An embedding id outside the vocabulary stops the step with the op, its
// location and the id.
// RUN: python3 -c "import json,struct,sys; d=struct.pack('<16q',*([1000]*16)); h=json.dumps({'input_ids':{'dtype':'I64','shape':[2,8],'data_offsets':[0,len(d)]}}).encode(); sys.stdout.buffer.write(struct.pack('<Q',len(h))+h+d)" > %t/bad-ids.safetensors
// RUN: not gc-run %t/step --inputs %t/bad-ids.safetensors 2>&1 | FileCheck %s --check-prefix=IDS
// IDS: gc-run: error: step 'bert_train_step' ({{.*}}libstep.so) failed on cpu: gc.embedding at bert.embeddings.word_embeddings: embedding: id 1000 at flat position 0 is outside the table's [0, 64)
