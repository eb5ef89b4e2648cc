"""Imports a PyTorch model's forward-and-loss into the gc dialect.

    imported = import_model(model, example_batch, loss_fn)
    imported.mlir            # a forward.mlir for gc-compile
    imported.parameters      # gc argument name -> torch parameter

The model is wrapped so that its forward returns the loss, exported with
`torch.export` in train mode on the example batch, and decomposed to core
ATen except for the ops that have a direct gc counterpart (linear, scaled
dot-product attention, cross entropy; keeping them avoids rebuilding them
from their pieces). The importer then walks the graph once:

* parameters become `gc.param` arguments named by their state_dict key,
  tied parameters (one tensor under several keys) one argument under the
  first key; buffers and everything computed only from constants are
  evaluated here with torch and become `gc.constant`s; user inputs become
  batch arguments, integer ones annotated by their use (embedding ids and
  labels with their bound, masks as 0/1); every dropout draws from its own
  stream of one seed argument;
* every other node is lowered by the handler of its ATen op (aten_lowering);
  an op without one is an error naming it and its module path.

Dynamic shapes, data-dependent control flow and in-place mutation of
parameters or buffers are refused with an UnsupportedModelError.
"""

from dataclasses import dataclass, field

import torch

from .aten_lowering import HANDLERS, Lowering
from .errors import UnsupportedModelError
from .locations import module_path, op_name
from .mlir_writer import FunctionWriter, Tensor

FUNCTION_NAME = "forward_loss"

# Ops kept whole by the decomposition: they map onto gc ops directly.
KEPT_OPS = (
    torch.ops.aten.linear.default,
    torch.ops.aten.scaled_dot_product_attention.default,
    torch.ops.aten.cross_entropy_loss.default,
    torch.ops.aten.nll_loss_forward.default,
)

TORCH_TO_MLIR = {torch.float32: "f32", torch.float64: "f64",
                 torch.int64: "i64", torch.int32: "i32"}


@dataclass
class ImportedModel:
    mlir: str
    # gc argument name -> the model's parameter (canonical keys only).
    parameters: dict
    # state_dict keys of tied parameters -> the gc argument that holds them.
    aliases: dict
    # batch key -> (shape, torch dtype) the compiled step expects.
    batch: dict
    ops: dict = field(default_factory=dict)  # ATen op -> count
    # Parameters the loss does not depend on: not compiled, never updated.
    unused_parameters: dict = field(default_factory=dict)
    # The model's persistent buffers by state_dict key, as compiled into the
    # step (constants: the step never changes them).
    buffers: dict = field(default_factory=dict)


class _LossModule(torch.nn.Module):
    """`model` with a forward that returns the training loss."""

    def __init__(self, model, loss_fn, batch_keys, by_keyword):
        super().__init__()
        self.model = model
        self.loss_fn = loss_fn
        self.batch_keys = batch_keys
        # A dict batch is passed by keyword (Hugging Face style); a tuple or
        # a single tensor positionally.
        self.by_keyword = by_keyword

    def forward(self, *values):
        batch = dict(zip(self.batch_keys, values))
        output = self.model(**batch) if self.by_keyword else \
            self.model(*values)
        if self.loss_fn is not None:
            return self.loss_fn(output, batch)
        loss = getattr(output, "loss", None)
        if loss is None and isinstance(output, dict):
            loss = output.get("loss")
        if loss is None:
            raise UnsupportedModelError(
                "the model's output has no .loss: pass a batch with the "
                "labels its forward needs, or a loss_fn(output, batch)")
        return loss


def normalize_batch(example_batch):
    if isinstance(example_batch, torch.Tensor):
        return {"input": example_batch}
    if isinstance(example_batch, (tuple, list)):
        return {f"input{i}": v for i, v in enumerate(example_batch)}
    if isinstance(example_batch, dict):
        return dict(example_batch)
    raise TypeError("example_batch must be a tensor, a tuple of tensors or "
                    "a dict of tensors, got " + type(example_batch).__name__)


def export_model(model, batch, loss_fn, by_keyword=True):
    """torch.export of the loss in train mode, decomposed; refusals as
    UnsupportedModelError. The model's own train/eval flags are restored."""
    keys = list(batch)
    for key, value in batch.items():
        if not isinstance(value, torch.Tensor):
            raise TypeError(f"batch['{key}'] is a {type(value).__name__}, "
                            "not a tensor")
    modes = [(module, module.training) for module in model.modules()]
    wrapper = _LossModule(model, loss_fn, keys, by_keyword).train()
    try:
        exported = torch.export.export(wrapper, tuple(batch[k] for k in keys),
                                       strict=False)
    except UnsupportedModelError:
        raise
    except Exception as error:  # torch's errors have no common base class
        raise UnsupportedModelError(_explain_export_error(error)) from error
    finally:
        for module, training in modes:
            module.training = training
    table = torch.export.default_decompositions()
    for op in KEPT_OPS:
        table.pop(op, None)
    return exported.run_decompositions(table), keys


def _explain_export_error(error):
    text = str(error)
    first = text.strip().splitlines()[0] if text.strip() else repr(error)
    lowered = text.lower()
    if "data-dependent" in lowered or "data dependent" in lowered or \
            "guardondatadependent" in type(error).__name__.lower():
        kind = ("data-dependent control flow or shapes (a Python branch or "
                "a size that depends on tensor values)")
    elif "mutat" in lowered or "in-place" in lowered or "inplace" in lowered:
        kind = "in-place mutation of a parameter or buffer"
    else:
        kind = "the model could not be exported"
    return (f"gc_torch cannot import this model: {kind}; torch.export said: "
            f"{type(error).__name__}: {first}")


def _tied_names(model):
    """state_dict key -> canonical key (the first key of the same tensor)."""
    canonical = {}
    first_of = {}
    for name, parameter in model.named_parameters(remove_duplicate=False):
        first_of.setdefault(id(parameter), name)
        canonical[name] = first_of[id(parameter)]
    return canonical


def import_model(model, example_batch, loss_fn=None, attention="fused"):
    """`attention`: "fused" lowers scaled dot-product attention to one
    gc.attention (no stored scores), "eager" to matmul, softmax, dropout,
    matmul."""
    if attention not in ("fused", "eager"):
        raise ValueError(f"attention must be 'fused' or 'eager', not "
                         f"{attention!r}")
    batch = normalize_batch(example_batch)
    exported, keys = export_model(model, batch, loss_fn,
                                  by_keyword=isinstance(example_batch, dict))
    signature = exported.graph_signature
    for spec in signature.output_specs:
        if spec.kind.name != "USER_OUTPUT":
            target = str(spec.target)
            if target.startswith("model."):
                target = target[len("model."):]
            raise UnsupportedModelError(
                f"gc_torch cannot import this model: its forward mutates "
                f"'{target}' in place ({spec.kind.name}); parameters "
                f"and buffers must be read-only inside the training step")
    if len(signature.output_specs) != 1:
        raise UnsupportedModelError(
            f"the loss function returns {len(signature.output_specs)} "
            "values; it must return one scalar loss")

    canonical = _tied_names(model)
    parameters = dict(model.named_parameters(remove_duplicate=False))
    for name, parameter in parameters.items():
        if not parameter.requires_grad:
            raise UnsupportedModelError(
                f"parameter '{name}' has requires_grad=False: frozen "
                "parameters are not supported yet; make it a buffer or "
                "train it")
    state = exported.state_dict
    constants = exported.constants

    writer = FunctionWriter(FUNCTION_NAME)
    lowering = Lowering(writer)
    lowering.attention = attention
    param_args = {}     # canonical name -> Tensor
    param_models = {}   # canonical name -> torch parameter
    batch_info = {}
    input_kinds = {s.arg.name: s for s in signature.input_specs}
    user_index = 0
    strip = "model."

    for node in exported.graph.nodes:
        if node.op != "placeholder":
            continue
        spec = input_kinds[node.name]
        kind = spec.kind.name
        if kind == "PARAMETER":
            key = spec.target[len(strip):] if spec.target.startswith(strip) \
                else spec.target
            name = canonical.get(key, key)
            if name not in param_args:
                tensor = parameters[name]
                dtype = TORCH_TO_MLIR.get(tensor.dtype)
                if dtype not in ("f32", "f64"):
                    raise UnsupportedModelError(
                        f"parameter '{name}' is {tensor.dtype}; gc imports "
                        "float32 and float64 parameters")
                param_args[name] = writer.add_argument(
                    tensor.shape, dtype, _parameter_attributes(name, tensor))
                param_models[name] = tensor
                lowering.param_derived.add(param_args[name].name)
                # Masks and constants follow the model's float type.
                lowering.float_dtype = lowering.float_dtype or dtype
            lowering.values[node] = param_args[name]
        elif kind in ("BUFFER", "CONSTANT_TENSOR"):
            source = state.get(spec.target)
            if source is None:
                source = constants.get(spec.target)
            if source is None:
                raise UnsupportedModelError(
                    f"buffer '{spec.target}' has no value in the export")
            lowering.values[node] = source.detach().clone()
        elif kind == "USER_INPUT":
            key = keys[user_index]
            user_index += 1
            tensor = batch[key]
            dtype = TORCH_TO_MLIR.get(tensor.dtype)
            if dtype is None:
                raise UnsupportedModelError(
                    f"batch['{key}'] is {tensor.dtype}; gc takes float32, "
                    "float64, int64 and int32 inputs (pass a bool mask as "
                    "int64 0/1)")
            argument = writer.add_argument(tensor.shape, dtype, {
                "gc.name": f'"{key}"', "gc.role": "#gc.role<batch>"})
            lowering.values[node] = argument
            lowering.batch_arguments[argument.name] = (key, len(
                writer.arguments) - 1)
            batch_info[key] = (tuple(tensor.shape), tensor.dtype)
        else:
            raise UnsupportedModelError(
                f"input '{node.name}' of kind {kind} is not supported")

    for node in exported.graph.nodes:
        if node.op == "call_function":
            _check_static(node)
    ops = {}
    result = None
    for node in exported.graph.nodes:
        if node.op == "call_function":
            name = op_name(node.target)
            ops[name] = ops.get(name, 0) + 1
            lowering.lower(node, HANDLERS)
        elif node.op == "output":
            (loss,) = node.args[0]
            result = lowering.values[loss]
    if not isinstance(result, Tensor) or result.rank != 0 or \
            not result.dtype.startswith("f"):
        raise UnsupportedModelError(
            "the loss must be a scalar float tensor computed from the "
            f"parameters, got {_describe(result)}")
    lowering.finish()
    # Parameters the loss does not depend on get no gradient in PyTorch and
    # torch.optim leaves them alone; they stay out of the compiled step.
    used = {a.tensor.name for a in writer.used_arguments(result)}
    unused = {name: tensor for name, tensor in param_models.items()
              if param_args[name].name not in used}
    for name in unused:
        del param_models[name]
    aliases = {key: name for key, name in canonical.items() if key != name}
    parameter_keys = set(canonical)
    buffers = {key: value.detach().clone()
               for key, value in model.state_dict().items()
               if key not in parameter_keys}
    return ImportedModel(mlir=writer.render(result), parameters=param_models,
                         aliases=aliases, batch=batch_info, ops=ops,
                         unused_parameters=unused, buffers=buffers)


def _describe(value):
    if isinstance(value, Tensor):
        return f"a {value.type}"
    if isinstance(value, torch.Tensor):
        return f"a constant {tuple(value.shape)} {value.dtype}"
    return repr(value)


def _check_static(node):
    value = node.meta.get("val")
    values = value if isinstance(value, (tuple, list)) else [value]
    for item in values:
        if isinstance(item, torch.Tensor):
            for size in item.shape:
                if not isinstance(size, int):
                    raise UnsupportedModelError(
                        f"{op_name(node.target)} at "
                        f"{module_path(node)} has a dynamic shape "
                        f"{tuple(item.shape)}: gc compiles static shapes only")


def _parameter_attributes(name, tensor):
    """gc.init describes how gc_rt_step_initialize would start the
    parameter; gc_torch always loads the model's values over it."""
    values = tensor.detach()
    if values.dim() == 1 and bool((values == 1).all()):
        init = "#gc.init<ones>"
    elif bool((values == 0).all()):
        init = "#gc.init<zeros>"
    else:
        std = float(values.float().std()) if values.numel() > 1 else 0.02
        init = f"#gc.init<normal, std = {std if std > 0 else 0.02:.6e}>"
    return {"gc.name": f'"{name}"', "gc.param": None,
            "gc.role": "#gc.role<parameter>", "gc.init": init}
