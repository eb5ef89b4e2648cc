// A module of two functions with one report= path: gc-remat and
// gc-plan-memory run on each function (in parallel under gc-opt's default
// threading), and the file holds both functions' reports, by name, whatever
// the order the functions finish in.
// RUN: rm -rf %t && mkdir -p %t
// RUN: gc-opt %s --gc-autodiff --gc-schedule --gc-remat="budget=1x report=%t/remat.json" --gc-plan-memory="report=%t/plan.json" -o /dev/null
// RUN: python3 -c "import json,sys; r=json.load(open(sys.argv[1]))['functions']; print(sorted(r), [r[k]['function'] for k in sorted(r)], [r[k]['peak_bytes'] for k in sorted(r)])" %t/remat.json | FileCheck %s --check-prefix=REMAT
// RUN: python3 -c "import json,sys; r=json.load(open(sys.argv[1]))['functions']; print(sorted(r), [r[k]['function'] for k in sorted(r)], [r[k]['arena_bytes'] for k in sorted(r)])" %t/plan.json | FileCheck %s --check-prefix=PLAN
// REMAT: ['long', 'short'] ['long', 'short'] [20488, 20484]
// PLAN: ['long', 'short'] ['long', 'short'] [{{[0-9]+}}, {{[0-9]+}}]

// (A module of one function keeps the report's usual form, one object:
// remat.mlir and plan-memory.mlir check it.)

func.func @short(%x: tensor<1024xf32> {gc.name = "x", gc.param}) -> (tensor<f32> {gc.name = "loss"}) {
  %a = gc.exp %x : tensor<1024xf32>
  %b = gc.tanh %a : tensor<1024xf32>
  %l = gc.reduce_sum %b dims = [0] : tensor<1024xf32> -> tensor<f32>
  return %l : tensor<f32>
}

func.func @long(%x: tensor<1024xf32> {gc.name = "x", gc.param}) -> (tensor<f32> {gc.name = "loss"}) {
  %a = gc.exp %x : tensor<1024xf32>
  %b = gc.tanh %a : tensor<1024xf32>
  %c = gc.exp %b : tensor<1024xf32>
  %l = gc.reduce_sum %c dims = [0] : tensor<1024xf32> -> tensor<f32>
  return %l : tensor<f32>
}
