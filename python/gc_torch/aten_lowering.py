"""Lowering of core ATen ops to gc ops, one handler per op.

A node's value is either a `Tensor` of the function being written or a
torch.Tensor / Python value known at import time. A node whose inputs are
all known is evaluated with torch (constant folding: buffers, aranges,
causal masks), so handlers see at least one `Tensor` operand.

Boolean tensors computed from the batch (a padding mask converted to bool,
combined with a causal mask) are carried as 0/1 float tensors: `and` is a
product, `not` is 1 - x and `where(c, a, b)` is a*c + b*(1 - c). Infinite
fill values become the dtype's largest finite value, as Hugging Face's eager
attention does; the results agree except for a row whose every key is
masked, which torch's SDPA fills with zeros and gc with a uniform average.
"""

import math
import operator

import torch

from .errors import UnsupportedModelError
from .locations import module_name, module_path, op_name
from .mlir_writer import Tensor

aten = torch.ops.aten

# Ops that must reach a handler even when every input is known.
RANDOM_OPS = {aten.native_dropout.default, aten.dropout.default}

# Random ops other than dropout: evaluating them at import time would
# freeze one draw into a constant for every step, so they are refused.
FROZEN_RANDOM = ("rand", "randn", "randint", "randperm", "bernoulli",
                 "normal", "uniform", "exponential", "multinomial",
                 "rand_like", "randn_like", "randint_like", "empty",
                 "empty_like", "empty_strided", "new_empty")

FLOAT_DTYPES = {torch.float32: "f32", torch.float64: "f64"}
INT_DTYPES = {torch.int64: "i64", torch.int32: "i32"}
TORCH_DTYPES = {"f32": torch.float32, "f64": torch.float64,
                "i64": torch.int64, "i32": torch.int32}


class Lowering:
    def __init__(self, writer):
        self.writer = writer
        self.values = {}
        self.batch_arguments = {}  # SSA name -> (batch key, argument index)
        self.batch_uses = {}       # argument index -> {"bound": n, "binary"}
        self.seed = None
        self.next_stream = 0
        # "fused": SDPA becomes one gc.attention; "eager": its pieces.
        self.attention = "fused"
        # log_softmax results: SSA name -> (input, dim), for nll_loss.
        self.log_softmax_of = {}
        # SSA names of values computed from the parameters.
        self.param_derived = set()
        self.float_dtype = None

    # Driving ----------------------------------------------------------------

    def lower(self, node, handlers):
        args = torch.fx.node.map_arg(node.args, lambda n: self.values[n])
        kwargs = torch.fx.node.map_arg(node.kwargs, lambda n: self.values[n])
        symbolic = _contains_tensor((args, kwargs))
        if not symbolic and node.target not in RANDOM_OPS:
            packet = getattr(node.target, "__name__", "").split(".")[0]
            if packet in FROZEN_RANDOM:
                raise UnsupportedModelError(
                    f"{op_name(node.target)} at {module_path(node)}: random "
                    "numbers other than dropout's would be drawn once at "
                    "import and frozen into the step; gc draws only dropout "
                    "masks per step")
            try:
                self.values[node] = _evaluate(node.target, args, kwargs)
            except Exception as error:  # torch's own errors, as in eager
                raise UnsupportedModelError(
                    f"{op_name(node.target)} at {module_path(node)}: torch "
                    f"could not evaluate it at import: {error}") from error
            return
        self.writer.location = f"{module_name(node)}: {op_name(node.target)}"
        handler = handlers.get(node.target)
        if handler is None:
            raise UnsupportedModelError(
                f"unsupported ATen op {op_name(node.target)} at "
                f"{module_path(node)}: gc has no lowering for it")
        try:
            result = handler(self, *args, **kwargs)
            self.values[node] = result
        except UnsupportedModelError as error:
            raise UnsupportedModelError(
                f"{op_name(node.target)} at {module_path(node)}: {error}") \
                from None
        if any(t.name in self.param_derived for t in _tensors((args, kwargs))):
            self.param_derived.update(t.name for t in _tensors(result))
        # An integer value reshaped or sliced from a batch argument is that
        # argument for the uses that annotate it (labels.view(-1)).
        if isinstance(result, Tensor) and result.dtype.startswith("i") and \
                result.name not in self.batch_arguments:
            for operand in _tensors(args):
                if operand.name in self.batch_arguments:
                    self.batch_arguments[result.name] = \
                        self.batch_arguments[operand.name]
                    break

    def finish(self):
        """Writes the batch arguments' gc.init from how they were used."""
        for index, uses in self.batch_uses.items():
            attributes = self.writer.arguments[index].attributes
            if "bound" in uses and uses.get("binary"):
                raise UnsupportedModelError(
                    f"batch input {attributes['gc.name']} is used both as "
                    "ids (embedding or labels) and converted to bool: gc "
                    "converts only 0/1 inputs to bool")
            if "bound" in uses:
                attributes["gc.init"] = \
                    f"#gc.init<index, bound = {uses['bound']}>"
            elif uses.get("binary"):
                attributes["gc.init"] = "#gc.init<ones, binary>"
        for argument in self.writer.arguments:
            argument.attributes.setdefault("gc.init", "#gc.init<zeros>")

    # Values -----------------------------------------------------------------

    def compute_dtype(self, *values):
        for value in values:
            if isinstance(value, Tensor) and value.dtype.startswith("f"):
                return value.dtype
            if isinstance(value, torch.Tensor) and value.dtype in FLOAT_DTYPES:
                return FLOAT_DTYPES[value.dtype]
        return self.float_dtype or "f32"

    def tensor(self, value, dtype):
        """`value` as a Tensor; constants are materialized in `dtype` (bool
        constants as 0/1 of the float `dtype`)."""
        if isinstance(value, Tensor):
            return value
        if isinstance(value, (bool, int, float)):
            value = torch.tensor(value)
        if not isinstance(value, torch.Tensor):
            raise UnsupportedModelError(f"expected a tensor, got {value!r}")
        is_bool = value.dtype == torch.bool
        if is_bool or value.dtype.is_floating_point:
            target = dtype if dtype.startswith("f") else "f32"
            data = value.to(TORCH_DTYPES[target])
            finite = torch.finfo(data.dtype).max
            data = data.clamp(-finite, finite)
        else:
            target = INT_DTYPES.get(value.dtype)
            if target is None:
                raise UnsupportedModelError(
                    f"constant of dtype {value.dtype} is not supported")
            data = value
        flat = data.flatten().tolist()
        if flat and all(v == flat[0] for v in flat):
            flat = flat[:1]
        return self.writer.constant(flat, tuple(value.shape), target, is_bool)

    def float_tensor(self, value, dtype):
        """A float Tensor of `dtype`: bool and integer values are converted."""
        value = self.tensor(value, dtype)
        if value.dtype != dtype:
            value = self.writer.cast(value, dtype, value.is_bool)
        return value

    def use_batch(self, value, **use):
        entry = self.batch_arguments.get(value.name)
        if entry is None:
            return False
        uses = self.batch_uses.setdefault(entry[1], {})
        if "bound" in use:
            uses["bound"] = max(uses.get("bound", 0), use["bound"])
        if use.get("binary"):
            uses["binary"] = True
        return True

    def seed_argument(self):
        if self.seed is None:
            self.seed = self.writer.add_argument((), "i64", {
                "gc.name": '"seed"', "gc.role": "#gc.role<seed>",
                "gc.init": "#gc.init<seed>"})
        return self.seed

    # Shared lowerings -------------------------------------------------------

    def elementwise(self, kind, lhs, rhs):
        dtype = self.compute_dtype(lhs, rhs)
        for value in (lhs, rhs):
            if isinstance(value, Tensor) and not value.dtype.startswith("f"):
                raise UnsupportedModelError(
                    f"integer arithmetic on a batch tensor ({value.type}) is "
                    "not supported")
        w = self.writer
        # x * c and x / c with a constant scalar: gc.scale.
        if kind in ("mul", "div") and _is_scalar(rhs) and \
                isinstance(lhs, Tensor):
            if kind == "div" and _scalar(rhs) == 0:
                raise UnsupportedModelError("division by the constant 0")
            factor = _scalar(rhs) if kind == "mul" else 1.0 / _scalar(rhs)
            return w.scale(self.float_tensor(lhs, dtype), factor)
        if kind == "mul" and _is_scalar(lhs) and isinstance(rhs, Tensor):
            return w.scale(self.float_tensor(rhs, dtype), _scalar(lhs))
        shape = tuple(torch.broadcast_shapes(_shape(lhs), _shape(rhs)))
        a = w.broadcast(self.float_tensor(lhs, dtype), shape)
        b = w.broadcast(self.float_tensor(rhs, dtype), shape)
        return w.binary(kind, a, b)

    def select(self, condition, a, b):
        """where(condition, a, b) as a*c + b*(1 - c) on 0/1 floats."""
        dtype = self.compute_dtype(a, b, condition)
        if not isinstance(condition, Tensor):
            if bool(condition.all()):
                return self.writer.broadcast(
                    self.float_tensor(a, dtype),
                    torch.broadcast_shapes(_shape(condition), _shape(a),
                                           _shape(b)))
            if not bool(condition.any()):
                return self.writer.broadcast(
                    self.float_tensor(b, dtype),
                    torch.broadcast_shapes(_shape(condition), _shape(a),
                                           _shape(b)))
        elif not condition.is_bool:
            raise UnsupportedModelError("the condition of where must be bool")
        shape = tuple(torch.broadcast_shapes(_shape(condition), _shape(a),
                                             _shape(b)))
        w = self.writer
        c = w.broadcast(self.float_tensor(condition, dtype), shape)
        if not isinstance(a, Tensor) and not isinstance(b, Tensor) and \
                _is_scalar(a) and _is_scalar(b):
            big = torch.finfo(TORCH_DTYPES[dtype]).max
            va = max(-big, min(big, _scalar(a)))
            vb = max(-big, min(big, _scalar(b)))
            # b + c * (a - b): one scale and one add.
            scaled = w.scale(c, va - vb)
            return w.binary("add", scaled, w.broadcast(
                self.tensor(torch.tensor(vb, dtype=TORCH_DTYPES[dtype]),
                            dtype), shape))
        ta = w.broadcast(self.float_tensor(a, dtype), shape)
        tb = w.broadcast(self.float_tensor(b, dtype), shape)
        one = w.broadcast(self.tensor(torch.tensor(1.0), dtype), shape)
        keep = w.binary("mul", ta, c)
        other = w.binary("mul", tb, w.binary("sub", one, c))
        return w.binary("add", keep, other)

    def linear(self, x, weight, bias=None, transpose_weight=True):
        w = self.writer
        dtype = self.compute_dtype(x, weight)
        x = self.float_tensor(x, dtype)
        weight = self.float_tensor(weight, dtype)
        if weight.rank != 2 or x.rank < 2:
            raise UnsupportedModelError(
                f"linear of {x.type} with weight {weight.type}: gc needs an "
                "input of rank >= 2 and a rank-2 weight")
        y = w.matmul(x, weight, transpose_rhs=transpose_weight)
        if bias is None:
            return y
        bias = self.float_tensor(bias, dtype)
        return w.binary("add", y, w.broadcast(bias, y.shape))


# Handlers -------------------------------------------------------------------

def _linear(L, x, weight, bias=None):
    return L.linear(x, weight, bias)


def _addmm(L, bias, x, weight, beta=1, alpha=1):
    if beta != 1 or alpha != 1:
        raise UnsupportedModelError("addmm with beta or alpha != 1")
    return L.linear(x, weight, bias, transpose_weight=False)


def _mm(L, lhs, rhs):
    dtype = L.compute_dtype(lhs, rhs)
    lhs, rhs = L.float_tensor(lhs, dtype), L.float_tensor(rhs, dtype)
    if rhs.rank != 2 and rhs.shape[:-2] != lhs.shape[:-2]:
        raise UnsupportedModelError(
            f"matmul of {lhs.type} and {rhs.type}: gc needs equal batch "
            "dimensions or a rank-2 right operand")
    return L.writer.matmul(lhs, rhs)


def _matmul(L, lhs, rhs):
    lhs_shape, rhs_shape = _shape(lhs), _shape(rhs)
    if len(lhs_shape) < 2 or len(rhs_shape) < 2:
        raise UnsupportedModelError("matmul of a vector is not supported")
    if len(rhs_shape) > 2 and lhs_shape[:-2] != rhs_shape[:-2]:
        dtype = L.compute_dtype(lhs, rhs)
        batch = tuple(torch.broadcast_shapes(lhs_shape[:-2], rhs_shape[:-2]))
        lhs = L.writer.broadcast(L.float_tensor(lhs, dtype),
                                 batch + lhs_shape[-2:])
        rhs = L.writer.broadcast(L.float_tensor(rhs, dtype),
                                 batch + rhs_shape[-2:])
    return _mm(L, lhs, rhs)


def _binary(kind):
    def handler(L, lhs, rhs, alpha=1):
        if alpha != 1:
            rhs = L.elementwise("mul", rhs, alpha) if isinstance(
                rhs, Tensor) else rhs * alpha
        return L.elementwise(kind, lhs, rhs)
    return handler


def _rsub(L, x, other, alpha=1):
    return _binary("sub")(L, other, x, alpha) if alpha == 1 else \
        L.elementwise("sub", other, L.elementwise("mul", x, alpha))


def _unary(kind):
    def handler(L, x):
        return L.writer.unary(kind, L.float_tensor(x, L.compute_dtype(x)))
    return handler


def _sigmoid(L, x):
    """sigmoid(x) as 0.5 * (1 + tanh(x / 2)): exact, and unlike
    1 / (1 + exp(-x)) its gradient stays finite where exp(-x) overflows."""
    w = L.writer
    x = L.float_tensor(x, L.compute_dtype(x))
    t = w.unary("tanh", w.scale(x, 0.5))
    one = w.broadcast(L.tensor(torch.tensor(1.0), x.dtype), x.shape)
    return w.scale(w.binary("add", t, one), 0.5)


def _silu(L, x):
    x = L.float_tensor(x, L.compute_dtype(x))
    return L.writer.binary("mul", x, _sigmoid(L, x))


def _gelu(L, x, approximate="none"):
    return L.writer.gelu(L.float_tensor(x, L.compute_dtype(x)),
                         approximate == "tanh")


def _pow(L, x, exponent):
    if not isinstance(exponent, (int, float)):
        raise UnsupportedModelError("pow with a tensor exponent")
    x = L.float_tensor(x, L.compute_dtype(x))
    w = L.writer
    if exponent == 0.5:
        return w.unary("sqrt", x)
    if exponent == -0.5:
        return w.unary("rsqrt", x)
    if float(exponent).is_integer() and 1 <= exponent <= 4:
        result = x
        for _ in range(int(exponent) - 1):
            result = w.binary("mul", result, x)
        return result
    raise UnsupportedModelError(f"pow with exponent {exponent}: gc lowers "
                                "exponents 0.5, -0.5 and 1 to 4")


def _view(L, x, shape):
    shape = list(shape)
    if -1 in shape:
        known = math.prod(s for s in shape if s != -1)
        shape[shape.index(-1)] = math.prod(x.shape) // known
    return L.writer.reshape(x, shape)


def _unsqueeze(L, x, dim):
    dim = dim % (x.rank + 1)
    return L.writer.reshape(x, x.shape[:dim] + (1,) + x.shape[dim:])


def _squeeze(L, x, dims=None):
    if x.rank == 0:
        return x
    if dims is None:
        dims = range(x.rank)
    if isinstance(dims, int):
        dims = [dims]
    dims = {d % x.rank for d in dims if x.shape[d % x.rank] == 1}
    return L.writer.reshape(x, [s for d, s in enumerate(x.shape)
                                if d not in dims])


def _permute(L, x, perm):
    return L.writer.transpose(x, [p % x.rank for p in perm])


def _transpose(L, x, dim0, dim1):
    perm = list(range(x.rank))
    perm[dim0 % x.rank], perm[dim1 % x.rank] = dim1 % x.rank, dim0 % x.rank
    return L.writer.transpose(x, perm)


def _t(L, x):
    return _transpose(L, x, 0, 1) if x.rank == 2 else x


def _expand(L, x, shape, implicit=False):
    shape = list(shape)
    offset = len(shape) - x.rank
    for i, size in enumerate(shape):
        if size == -1:
            shape[i] = x.shape[i - offset]
    return L.writer.broadcast(x, shape)


def _identity(L, x, *args, **kwargs):
    return x


def _slice(L, x, dim=0, start=None, end=None, step=1):
    if step != 1:
        raise UnsupportedModelError(f"slice with step {step}")
    dim %= x.rank
    size = x.shape[dim]
    start = 0 if start is None else (start + size if start < 0 else start)
    end = size if end is None else (end + size if end < 0 else end)
    start, end = max(0, min(start, size)), max(0, min(end, size))
    offsets = [0] * x.rank
    offsets[dim] = start
    shape = list(x.shape)
    shape[dim] = max(0, end - start)
    return L.writer.slice(x, offsets, shape)


def _select(L, x, dim, index):
    dim %= x.rank
    index %= x.shape[dim]
    sliced = _slice(L, x, dim, index, index + 1)
    return L.writer.reshape(sliced, x.shape[:dim] + x.shape[dim + 1:])


def _split_with_sizes(L, x, sizes, dim=0):
    pieces, start = [], 0
    for size in sizes:
        pieces.append(_slice(L, x, dim, start, start + size))
        start += size
    return tuple(pieces)


def _split(L, x, split_size, dim=0):
    total = x.shape[dim % x.rank]
    sizes = [min(split_size, total - start)
             for start in range(0, total, split_size)]
    return _split_with_sizes(L, x, sizes, dim)


def _constant_pad(L, x, pad, value=0.0):
    """Padding with a constant (GPT-2's shifted labels): concatenations with
    constant blocks, innermost dimension first as torch pairs them."""
    dtype = x.dtype
    fill = torch.float64 if dtype.startswith("f") else torch.int64
    for i in range(0, len(pad), 2):
        dim = x.rank - 1 - i // 2
        before, after = pad[i], pad[i + 1]
        if before < 0 or after < 0:
            raise UnsupportedModelError("negative padding")
        pieces = []
        for size in (before, after):
            shape = list(x.shape)
            shape[dim] = size
            pieces.append(L.tensor(torch.full(shape, value, dtype=fill), dtype)
                          if size else None)
        parts = [p for p in (pieces[0], x, pieces[1]) if p is not None]
        if len(parts) > 1:
            shape = list(x.shape)
            shape[dim] += before + after
            x = L.writer.concat(parts, dim, shape)
    return x


def _cat(L, tensors, dim=0):
    dtype = L.compute_dtype(*tensors)
    inputs = [L.float_tensor(t, dtype) for t in tensors
              if math.prod(_shape(t)) > 0]
    dim %= inputs[0].rank
    shape = list(inputs[0].shape)
    shape[dim] = sum(t.shape[dim] for t in inputs)
    return inputs[0] if len(inputs) == 1 else \
        L.writer.concat(inputs, dim, shape)


def _layer_norm_native(L, x, normalized_shape, weight, bias, eps):
    return (_layer_norm(L, x, normalized_shape, weight, bias, eps), None, None)


def _layer_norm(L, x, normalized_shape, weight=None, bias=None, eps=1e-5,
                cudnn_enable=True):
    if len(normalized_shape) != 1:
        raise UnsupportedModelError(
            f"layer norm over {len(normalized_shape)} dimensions: gc "
            "normalizes over the last dimension only")
    dtype = L.compute_dtype(x)
    x = L.float_tensor(x, dtype)
    n = normalized_shape[0]
    weight = L.float_tensor(torch.ones(n) if weight is None else weight, dtype)
    bias = L.float_tensor(torch.zeros(n) if bias is None else bias, dtype)
    return L.writer.layer_norm(x, weight, bias, eps)


def _softmax(L, x, dim, half_to_float=False, dtype=None):
    return L.writer.softmax(L.float_tensor(x, L.compute_dtype(x)), dim)


def _dropout_value(L, x, p, train):
    x = L.float_tensor(x, L.compute_dtype(x))
    if not train or p == 0:
        return x
    if p >= 1:
        raise UnsupportedModelError("dropout probability 1")
    stream = L.next_stream
    L.next_stream += 1
    return L.writer.dropout(x, L.seed_argument(), p, stream)


def _native_dropout(L, x, p, train):
    return (_dropout_value(L, x, p, train), _Unavailable("dropout mask"))


def _dropout(L, x, p, train):
    return _dropout_value(L, x, p, train)


def _embedding(L, weight, indices, padding_idx=-1, scale_grad_by_freq=False,
               sparse=False):
    if scale_grad_by_freq or sparse:
        raise UnsupportedModelError("embedding with scale_grad_by_freq or "
                                    "sparse gradients")
    weight = L.float_tensor(weight, L.compute_dtype(weight))
    if isinstance(indices, Tensor):
        if indices.dtype not in ("i64", "i32"):
            raise UnsupportedModelError("embedding ids must be integers")
        L.use_batch(indices, bound=weight.shape[0])
    else:
        # Constant ids 0..n-1 along the last dimension (position ids): a
        # slice of the table, as gc's own BERT builder writes it.
        flat = indices.reshape(-1, indices.shape[-1]) if indices.dim() else \
            indices.reshape(1, 1)
        n = flat.shape[-1]
        padding_row = padding_idx is not None and 0 <= padding_idx < n
        if indices.dim() >= 1 and not padding_row and bool(
                (flat == torch.arange(n, dtype=flat.dtype)).all()):
            rows = L.writer.slice(weight, [0, 0], (n, weight.shape[1]))
            return L.writer.broadcast(
                rows, tuple(indices.shape) + (weight.shape[1],))
        indices = L.tensor(indices, "f32")
    padding = padding_idx if padding_idx is not None and padding_idx >= 0 \
        else None
    return L.writer.embedding(weight, indices, padding)


def _sdpa(L, query, key, value, attn_mask=None, dropout_p=0.0,
          is_causal=False, scale=None, enable_gqa=False):
    w = L.writer
    dtype = L.compute_dtype(query, key, value)
    q, k, v = (L.float_tensor(t, dtype) for t in (query, key, value))
    if enable_gqa or q.shape[:-2] != k.shape[:-2]:
        raise UnsupportedModelError("attention with grouped or broadcast "
                                    "key/value heads")
    if scale is None:
        scale = 1.0 / math.sqrt(q.shape[-1])
    if is_causal:
        lq, lk = q.shape[-2], k.shape[-2]
        attn_mask = torch.ones(lq, lk, dtype=torch.bool).tril()
    scores_shape = q.shape[:-1] + (k.shape[-2],)
    # gc.attention's mask takes no gradient: a mask computed from the
    # parameters (a learned position bias) goes through the eager ops.
    learned_mask = isinstance(attn_mask, Tensor) and \
        attn_mask.name in L.param_derived
    if L.attention == "fused" and q.rank == 4 and not learned_mask and \
            max(q.shape[-1], v.shape[-1]) <= 256:
        mask = None
        if attn_mask is not None:
            mask = _additive_mask(L, attn_mask, scores_shape, dtype,
                                  broadcast=False)
        seed = None
        stream = 0
        if dropout_p > 0:
            seed = L.seed_argument()
            stream = L.next_stream
            L.next_stream += 1
        return w.attention(q, k, v, mask, seed, scale, dropout_p, stream)
    scores = w.scale(w.matmul(q, k, transpose_rhs=True), scale)
    if attn_mask is not None:
        scores = w.binary("add", scores, _additive_mask(L, attn_mask,
                                                        scores.shape, dtype))
    probabilities = w.softmax(scores, -1)
    if dropout_p > 0:
        probabilities = _dropout_value(L, probabilities, dropout_p, True)
    return w.matmul(probabilities, v)


def _additive_mask(L, mask, shape, dtype, broadcast=True):
    """A boolean mask (True attends) as 0 / -max added to the scores; a
    float mask as it is. Broadcast to the scores' `shape`, or, with
    `broadcast` False, kept at its own size in the scores' rank where every
    dimension is 1 or the scores' (what gc.attention takes)."""
    w = L.writer
    big = torch.finfo(TORCH_DTYPES[dtype]).max
    if not isinstance(mask, Tensor):
        if mask.dtype == torch.bool:
            mask = torch.zeros(mask.shape).masked_fill(~mask, -big)
        additive = L.float_tensor(mask, dtype)
    elif not mask.is_bool:
        additive = L.float_tensor(mask, dtype)
    else:
        m = L.float_tensor(mask, dtype)
        one = w.broadcast(L.tensor(torch.tensor(1.0), dtype), m.shape)
        additive = w.scale(w.binary("sub", one, m), -big)
    if broadcast:
        return w.broadcast(additive, shape)
    padded = (1,) * (len(shape) - additive.rank) + additive.shape
    if all(a in (1, s) for a, s in zip(padded, shape)):
        return w.reshape(additive, padded)
    return w.broadcast(additive, shape)


def _log_softmax(L, x, dim, half_to_float=False):
    """log(softmax(x)); remembered so that nll_loss of it becomes one
    gc.cross_entropy (the log-softmax's own ops then go unused)."""
    x = L.float_tensor(x, L.compute_dtype(x))
    result = L.writer.unary("log", L.writer.softmax(x, dim))
    L.log_softmax_of[result.name] = (x, dim % x.rank)
    return result


def _nll_loss(L, log_probabilities, target, weight=None, reduction=1,
              ignore_index=-100):
    source = L.log_softmax_of.get(getattr(log_probabilities, "name", None))
    if source is None or source[1] != 1:
        raise UnsupportedModelError(
            "nll_loss of something other than log_softmax over the classes: "
            "gc lowers F.nll_loss(F.log_softmax(logits, 1), target) and "
            "F.cross_entropy")
    loss = _cross_entropy(L, source[0], target, weight, reduction,
                          ignore_index)
    return (loss, _Unavailable("nll_loss total weight"))


def _cross_entropy(L, logits, target, weight=None, reduction=1,
                   ignore_index=-100, label_smoothing=0.0):
    if weight is not None or reduction != 1 or label_smoothing != 0.0:
        raise UnsupportedModelError(
            "cross entropy with class weights, label smoothing or a "
            "reduction other than 'mean'")
    logits = L.float_tensor(logits, L.compute_dtype(logits))
    if logits.rank != 2 or _shape(target) != logits.shape[:1]:
        raise UnsupportedModelError(
            f"cross entropy of {logits.type} logits and "
            f"{_shape(target)} targets: gc takes [N, C] logits and [N] "
            "class indices (flatten the sequence first)")
    if isinstance(target, Tensor):
        if target.dtype not in ("i64", "i32"):
            raise UnsupportedModelError("cross entropy targets must be class "
                                        "indices")
        L.use_batch(target, bound=logits.shape[1])
    labels = L.tensor(target, "i64")
    return L.writer.cross_entropy(logits, labels, ignore_index)


def _reduce(kind):
    def handler(L, x, dims=None, keepdim=False, dtype=None):
        x = L.float_tensor(x, L.compute_dtype(x))
        if dims is None or (isinstance(dims, (list, tuple)) and not dims):
            dims = list(range(x.rank))
        if isinstance(dims, int):
            dims = [dims]
        if x.rank == 0:
            return x
        return L.writer.reduce(kind, x, dims, keepdim)
    return handler


def _to_copy(L, x, dtype=None, **kwargs):
    if dtype is None:
        return x
    w = L.writer
    if dtype == torch.bool:
        if x.is_bool:
            return x
        if x.dtype.startswith("i") and L.use_batch(x, binary=True):
            # A 0/1 integer mask from the batch (the runtime checks its
            # values): its bool is the value itself.
            return w.cast(x, L.compute_dtype(), is_bool=True)
        raise UnsupportedModelError(
            f"conversion of a computed {x.type} to bool: gc converts only "
            "0/1 integer batch inputs (attention masks) to bool")
    if dtype in FLOAT_DTYPES:
        target = FLOAT_DTYPES[dtype]
        if x.dtype == target:
            return Tensor(x.name, x.shape, x.dtype) if x.is_bool else x
        return w.cast(x, target)
    if dtype in INT_DTYPES and x.dtype == INT_DTYPES[dtype]:
        return x
    raise UnsupportedModelError(f"conversion of {x.type} to {dtype}")


def _require_bool(*values):
    for value in values:
        if isinstance(value, Tensor) and not value.is_bool:
            raise UnsupportedModelError(
                f"a logical op on the non-bool {value.type}: gc lowers "
                "logical and/or/not of masks (bool tensors) only")
        if isinstance(value, torch.Tensor) and value.dtype != torch.bool:
            raise UnsupportedModelError(
                f"a logical op on a constant of dtype {value.dtype}: gc "
                "lowers logical and/or/not of masks (bool tensors) only")


def _logical_and(L, a, b):
    _require_bool(a, b)
    shape = tuple(torch.broadcast_shapes(_shape(a), _shape(b)))
    for constant, other in ((a, b), (b, a)):
        if not isinstance(constant, Tensor):
            if bool(constant.all()):
                return L.writer.broadcast(other, shape)
            if not bool(constant.any()):
                return L.tensor(torch.zeros(shape, dtype=torch.bool),
                                L.compute_dtype())
    return _bool_result(L.elementwise("mul", a, b))


def _logical_or(L, a, b):
    _require_bool(a, b)
    product = _logical_and(L, a, b)
    return _bool_result(L.elementwise("sub", L.elementwise("add", a, b),
                                      product))


def _logical_not(L, x):
    if not x.is_bool:
        raise UnsupportedModelError("logical not of a non-bool tensor")
    return _bool_result(L.elementwise("sub", 1.0, x))


def _bool_result(value):
    return Tensor(value.name, value.shape, value.dtype, True)


def _where(L, condition, a, b):
    return L.select(condition, a, b)


def _masked_fill(L, x, mask, value):
    return L.select(mask, value, x)


def _index(L, x, indices):
    """Indexing with known index tensors, found by indexing a tensor of
    element numbers: a reshape and broadcast of x when the result reads
    every element of x once in order, up to repetition."""
    if not isinstance(x, Tensor) or any(isinstance(i, Tensor)
                                        for i in indices):
        raise UnsupportedModelError("indexing with indices computed from "
                                    "the batch")
    probe = torch.arange(math.prod(x.shape)).reshape(x.shape)
    positions = aten.index.Tensor(probe, indices)
    core = positions
    for d in range(core.dim()):
        if core.shape[d] > 1 and bool(
                (core == core.narrow(d, 0, 1)).all()):
            core = core.narrow(d, 0, 1)
    if core.numel() == probe.numel() and bool(
            (core.flatten() == probe.flatten()).all()):
        return L.writer.broadcast(L.writer.reshape(x, core.shape),
                                  tuple(positions.shape),
                                  list(range(positions.dim())))
    raise UnsupportedModelError("indexing that gathers or reorders elements")


def _full_like(L, x, fill_value, dtype=None, **kwargs):
    """A constant of x's shape: only the shape of x is read."""
    torch_dtype = dtype if dtype is not None else TORCH_DTYPES[x.dtype]
    return L.tensor(torch.full(x.shape, fill_value, dtype=torch_dtype),
                    L.compute_dtype(x))


def _getitem(L, value, index):
    item = value[index]
    if isinstance(item, _Unavailable):
        raise UnsupportedModelError(f"the {item.what} is not available in gc")
    return item


def _refuse_comparison(L, *args, **kwargs):
    raise UnsupportedModelError(
        "comparison of a tensor computed from the batch or the parameters")


class _Unavailable:
    def __init__(self, what):
        self.what = what


HANDLERS = {
    aten.linear.default: _linear,
    aten.addmm.default: _addmm,
    aten.mm.default: _mm,
    aten.bmm.default: _mm,
    aten.matmul.default: _matmul,
    aten.add.Tensor: _binary("add"),
    aten.add.Scalar: _binary("add"),
    aten.sub.Tensor: _binary("sub"),
    aten.sub.Scalar: _binary("sub"),
    aten.rsub.Scalar: _rsub,
    aten.rsub.Tensor: _rsub,
    aten.mul.Tensor: _binary("mul"),
    aten.mul.Scalar: _binary("mul"),
    aten.div.Tensor: _binary("div"),
    aten.div.Scalar: _binary("div"),
    aten.neg.default: _unary("neg"),
    aten.exp.default: _unary("exp"),
    aten.log.default: _unary("log"),
    aten.tanh.default: _unary("tanh"),
    aten.erf.default: _unary("erf"),
    aten.sqrt.default: _unary("sqrt"),
    aten.rsqrt.default: _unary("rsqrt"),
    aten.relu.default: _unary("relu"),
    aten.gelu.default: _gelu,
    aten.sigmoid.default: _sigmoid,
    aten.silu.default: _silu,
    aten.pow.Tensor_Scalar: _pow,
    aten.view.default: _view,
    aten._unsafe_view.default: _view,
    aten.reshape.default: _view,
    aten.unsqueeze.default: _unsqueeze,
    aten.squeeze.dims: _squeeze,
    aten.squeeze.dim: _squeeze,
    aten.squeeze.default: _squeeze,
    aten.permute.default: _permute,
    aten.transpose.int: _transpose,
    aten.t.default: _t,
    aten.expand.default: _expand,
    aten.clone.default: _identity,
    aten.alias.default: _identity,
    aten.contiguous.default: _identity,
    aten._assert_tensor_metadata.default: lambda L, *a, **k: None,
    aten.slice.Tensor: _slice,
    aten.select.int: _select,
    aten.cat.default: _cat,
    aten.split_with_sizes.default: _split_with_sizes,
    aten.split.Tensor: _split,
    aten.constant_pad_nd.default: _constant_pad,
    aten.native_layer_norm.default: _layer_norm_native,
    aten.layer_norm.default: _layer_norm,
    aten._softmax.default: _softmax,
    aten.softmax.int: _softmax,
    aten.native_dropout.default: _native_dropout,
    aten.dropout.default: _dropout,
    aten.embedding.default: _embedding,
    aten.scaled_dot_product_attention.default: _sdpa,
    aten.cross_entropy_loss.default: _cross_entropy,
    aten._log_softmax.default: _log_softmax,
    aten.log_softmax.int: _log_softmax,
    aten.nll_loss_forward.default: _nll_loss,
    aten.mean.dim: _reduce("mean"),
    aten.mean.default: _reduce("mean"),
    aten.sum.dim_IntList: _reduce("sum"),
    aten.sum.default: _reduce("sum"),
    aten._to_copy.default: _to_copy,
    aten.bitwise_and.Tensor: _logical_and,
    aten.logical_and.default: _logical_and,
    aten.bitwise_or.Tensor: _logical_or,
    aten.logical_or.default: _logical_or,
    aten.logical_not.default: _logical_not,
    aten.bitwise_not.default: _logical_not,
    aten.where.self: _where,
    aten.masked_fill.Scalar: _masked_fill,
    aten.index.Tensor: _index,
    operator.getitem: _getitem,
    aten.full_like.default: _full_like,
    aten.zeros_like.default: lambda L, x, **k: _full_like(L, x, 0, **k),
    aten.ones_like.default: lambda L, x, **k: _full_like(L, x, 1, **k),
}
for _comparison in ("eq", "ne", "lt", "le", "gt", "ge"):
    for _overload in ("Scalar", "Tensor"):
        HANDLERS[getattr(getattr(aten, _comparison), _overload)] = \
            _refuse_comparison


# Helpers --------------------------------------------------------------------

def _contains_tensor(value):
    if isinstance(value, Tensor):
        return True
    if isinstance(value, (list, tuple)):
        return any(_contains_tensor(v) for v in value)
    if isinstance(value, dict):
        return any(_contains_tensor(v) for v in value.values())
    return False


def _tensors(value):
    if isinstance(value, Tensor):
        yield value
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from _tensors(item)
    elif isinstance(value, dict):
        for item in value.values():
            yield from _tensors(item)


def _evaluate(target, args, kwargs):
    with torch.no_grad():
        return target(*args, **kwargs)


def _is_scalar(value):
    return isinstance(value, (int, float)) and not isinstance(value, bool) or \
        (isinstance(value, torch.Tensor) and value.dim() == 0 and
         value.dtype.is_floating_point)


def _scalar(value):
    return float(value)


def _shape(value):
    if isinstance(value, Tensor):
        return value.shape
    if isinstance(value, torch.Tensor):
        return tuple(value.shape)
    return ()
