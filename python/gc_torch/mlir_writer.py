"""Writes a gc-dialect function as MLIR text.

The importer keeps every computed value as a `Tensor`: its SSA name, shape
and element type. `FunctionWriter` appends one gc op per call, checks the
shapes it is given the way the dialect's verifiers will, and finally prints
the function with its arguments' attributes (`gc.name`, `gc.role`,
`gc.init`, `gc.param`). Writing text keeps gc_torch free of MLIR's Python
bindings, which Debian does not package: gc-compile parses and verifies the
result like any other forward.mlir.
"""

import math
import re
import struct
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Tensor:
    """A value of the function being written. `is_bool` marks a 0/1 float
    tensor standing for a torch.bool one (the dialect has no i1 tensors)."""
    name: str
    shape: tuple
    dtype: str  # an MLIR element type: f32, f64, i64, i32
    is_bool: bool = False

    @property
    def rank(self):
        return len(self.shape)

    @property
    def type(self):
        return tensor_type(self.shape, self.dtype)


def tensor_type(shape, dtype):
    return "tensor<" + "".join(f"{d}x" for d in shape) + dtype + ">"


def format_float(value, dtype):
    """An exactly round-tripping MLIR float literal; hexadecimal bits for
    infinities and NaN, which have no decimal spelling."""
    value = float(value)
    if math.isfinite(value):
        text = repr(value)
        mantissa, _, exponent = text.partition("e")
        if "." not in mantissa:
            mantissa += ".0"
        return mantissa + ("e" + exponent if exponent else "")
    if dtype == "f64":
        return "0x%016X" % struct.unpack("<Q", struct.pack("<d", value))[0]
    return "0x%08X" % struct.unpack("<I", struct.pack("<f", value))[0]


@dataclass
class Argument:
    tensor: Tensor
    attributes: dict = field(default_factory=dict)


class FunctionWriter:
    def __init__(self, name):
        self.name = name
        self.arguments = []
        self.lines = []
        self._counter = 0
        # Appended to every op written: where in the model it came from.
        self.location = None

    def _fresh(self):
        self._counter += 1
        return f"%v{self._counter}"

    def add_argument(self, shape, dtype, attributes):
        tensor = Tensor(f"%a{len(self.arguments)}", tuple(shape), dtype)
        self.arguments.append(Argument(tensor, attributes))
        return tensor

    def op(self, text, shape, dtype, is_bool=False):
        """Appends `%vN = <text>` and returns its result."""
        result = Tensor(self._fresh(), tuple(shape), dtype, is_bool)
        self.lines.append(f"    {result.name} = {text}{self._loc()}")
        return result

    def _loc(self):
        if not self.location:
            return ""
        escaped = self.location.replace("\\", "\\\\").replace('"', '\\"')
        return f' loc("{escaped}")'

    # Elementwise ------------------------------------------------------------

    def binary(self, name, lhs, rhs, is_bool=False):
        assert lhs.shape == rhs.shape and lhs.dtype == rhs.dtype, (lhs, rhs)
        return self.op(f"gc.{name} {lhs.name}, {rhs.name} : {lhs.type}",
                       lhs.shape, lhs.dtype, is_bool)

    def unary(self, name, x):
        return self.op(f"gc.{name} {x.name} : {x.type}", x.shape, x.dtype)

    def gelu(self, x, tanh):
        suffix = " approximate(tanh)" if tanh else ""
        return self.op(f"gc.gelu {x.name}{suffix} : {x.type}", x.shape,
                       x.dtype)

    def scale(self, x, factor, is_bool=False):
        return self.op(
            f"gc.scale {x.name} by {format_float(factor, 'f64')} : {x.type}",
            x.shape, x.dtype, is_bool)

    def cast(self, x, dtype, is_bool=False):
        return self.op(f"gc.cast {x.name} : {x.type} -> "
                       f"{tensor_type(x.shape, dtype)}", x.shape, dtype,
                       is_bool)

    def constant(self, values, shape, dtype, is_bool=False):
        """A dense constant; `values` is a flat list (one entry: a splat)."""
        if dtype.startswith("f"):
            items = [format_float(v, dtype) for v in values]
        else:
            items = [str(int(v)) for v in values]
        if len(items) == 1:
            body = items[0]
        else:
            body = _nest(items, list(shape))
        return self.op(f"gc.constant dense<{body}> : "
                       f"{tensor_type(shape, dtype)}", shape, dtype, is_bool)

    # Shapes -----------------------------------------------------------------

    def reshape(self, x, shape):
        shape = tuple(shape)
        if shape == x.shape:
            return x
        assert math.prod(shape) == math.prod(x.shape), (x, shape)
        return self.op(f"gc.reshape {x.name} : {x.type} -> "
                       f"{tensor_type(shape, x.dtype)}", shape, x.dtype,
                       x.is_bool)

    def broadcast(self, x, shape, dims=None):
        """Broadcasts with torch's rule (trailing dimensions aligned) unless
        `dims` names the result dimension of each operand dimension."""
        shape = tuple(shape)
        if shape == x.shape:
            return x
        if dims is None:
            dims = list(range(len(shape) - x.rank, len(shape)))
        return self.op(
            f"gc.broadcast {x.name} dims = [{', '.join(map(str, dims))}] : "
            f"{x.type} -> {tensor_type(shape, x.dtype)}", shape, x.dtype,
            x.is_bool)

    def transpose(self, x, perm):
        perm = list(perm)
        if perm == list(range(x.rank)):
            return x
        shape = tuple(x.shape[p] for p in perm)
        return self.op(
            f"gc.transpose {x.name} perm = [{', '.join(map(str, perm))}] : "
            f"{x.type} -> {tensor_type(shape, x.dtype)}", shape, x.dtype,
            x.is_bool)

    def slice(self, x, offsets, shape):
        shape = tuple(shape)
        if shape == x.shape:
            return x
        return self.op(
            f"gc.slice {x.name} offsets = [{', '.join(map(str, offsets))}] : "
            f"{x.type} -> {tensor_type(shape, x.dtype)}", shape, x.dtype,
            x.is_bool)

    def concat(self, inputs, dim, shape):
        names = ", ".join(t.name for t in inputs)
        types = ", ".join(t.type for t in inputs)
        return self.op(f"gc.concat {names} dim = {dim} : ({types}) -> "
                       f"{tensor_type(shape, inputs[0].dtype)}", shape,
                       inputs[0].dtype)

    # Neural-network ops -----------------------------------------------------

    def matmul(self, lhs, rhs, transpose_lhs=False, transpose_rhs=False):
        m = lhs.shape[-1] if transpose_lhs else lhs.shape[-2]
        n = rhs.shape[-2] if transpose_rhs else rhs.shape[-1]
        shape = lhs.shape[:-2] + (m, n)
        flags = (" transpose_lhs" if transpose_lhs else "") + \
            (" transpose_rhs" if transpose_rhs else "")
        return self.op(f"gc.matmul {lhs.name}, {rhs.name}{flags} : "
                       f"({lhs.type}, {rhs.type}) -> "
                       f"{tensor_type(shape, lhs.dtype)}", shape, lhs.dtype)

    def reduce(self, kind, x, dims, keep_dims):
        dims = sorted(d % x.rank for d in dims)
        if keep_dims:
            shape = tuple(1 if d in dims else s for d, s in enumerate(x.shape))
        else:
            shape = tuple(s for d, s in enumerate(x.shape) if d not in dims)
        keep = " keep_dims" if keep_dims else ""
        return self.op(
            f"gc.reduce_{kind} {x.name} dims = [{', '.join(map(str, dims))}]"
            f"{keep} : {x.type} -> {tensor_type(shape, x.dtype)}", shape,
            x.dtype)

    def layer_norm(self, x, weight, bias, epsilon):
        stats = tensor_type(x.shape[:-1], x.dtype)
        names = (self._fresh(), self._fresh(), self._fresh())
        self.lines.append(
            f"    {names[0]}, {names[1]}, {names[2]} = "
            f"gc.layer_norm {x.name}, "
            f"{weight.name}, {bias.name} epsilon = "
            f"{format_float(epsilon, 'f64')} : ({x.type}, {weight.type}, "
            f"{bias.type}) -> ({x.type}, {stats}, {stats}){self._loc()}")
        return Tensor(names[0], x.shape, x.dtype)

    def softmax(self, x, dim):
        return self.op(f"gc.softmax {x.name} dim = {dim % x.rank} : {x.type}",
                       x.shape, x.dtype)

    def dropout(self, x, seed, probability, stream):
        return self.op(
            f"gc.dropout {x.name}, {seed.name} probability = "
            f"{format_float(probability, 'f64')} stream = {stream} : {x.type}",
            x.shape, x.dtype)

    def attention(self, q, k, v, mask, seed, scale, probability, stream):
        """gc.attention; returns its output (the log-sum-exp result is for
        the backward pass only)."""
        shape = q.shape[:-1] + v.shape[-1:]
        operands = [q, k, v] + [t for t in (mask, seed) if t is not None]
        text = f"gc.attention {q.name}, {k.name}, {v.name}"
        if mask is not None:
            text += f" mask {mask.name}"
        if seed is not None:
            text += f" seed {seed.name}"
        names = (self._fresh(), self._fresh())
        types = ", ".join(t.type for t in operands)
        self.lines.append(
            f"    {names[0]}, {names[1]} = {text} scale = "
            f"{format_float(scale, 'f64')} probability = "
            f"{format_float(probability, 'f64')} stream = {stream} : "
            f"({types}) -> ({tensor_type(shape, q.dtype)}, "
            f"{tensor_type(q.shape[:-1], _accumulation(q.dtype))})"
            f"{self._loc()}")
        return Tensor(names[0], shape, q.dtype)

    def embedding(self, table, indices, padding_idx):
        shape = indices.shape + table.shape[1:]
        padding = f" padding_idx = {padding_idx}" if padding_idx is not None \
            else ""
        return self.op(f"gc.embedding {table.name}, {indices.name}{padding} : "
                       f"({table.type}, {indices.type}) -> "
                       f"{tensor_type(shape, table.dtype)}", shape,
                       table.dtype)

    def cross_entropy(self, logits, labels, ignore_index):
        return self.op(
            f"gc.cross_entropy {logits.name}, {labels.name} ignore_index = "
            f"{ignore_index} : ({logits.type}, {labels.type}) -> "
            f"{tensor_type((), logits.dtype)}", (), logits.dtype)

    # Printing ---------------------------------------------------------------

    def _liveness(self, result):
        """The lines `result` depends on, in order (dead code dropped: a
        pooler the loss does not use), and every name they read."""
        needed = {result.name}
        live = []
        for line in reversed(self.lines):
            defined, _, body = line.partition(" = ")
            names = set(re.findall(r"%\w+", defined))
            if names & needed:
                live.append(line)
                needed |= set(re.findall(r"%\w+", body))
        return list(reversed(live)), needed

    def used_arguments(self, result):
        _, needed = self._liveness(result)
        return [a for a in self.arguments if a.tensor.name in needed]

    def render(self, result):
        lines, needed = self._liveness(result)
        arguments = []
        for argument in self.arguments:
            if argument.tensor.name not in needed:
                continue
            attributes = ", ".join(f"{key} = {value}" if value is not None
                                   else key
                                   for key, value in
                                   sorted(argument.attributes.items()))
            name = argument.attributes.get("gc.name", '""')
            arguments.append(f"{argument.tensor.name}: {argument.tensor.type}"
                             f" {{{attributes}}} loc({name})")
        header = (f"  func.func @{self.name}(" + ", ".join(arguments) +
                  f") -> ({result.type} {{gc.name = \"loss\"}}) {{")
        return "\n".join(["module {", header, *lines,
                          f"    return {result.name} : {result.type}", "  }",
                          "}", ""])


def _accumulation(dtype):
    """The dialect's accumulation type: f32 for 16-bit floats."""
    return "f32" if dtype in ("f16", "bf16") else dtype


def _nest(items, shape):
    if len(shape) <= 1:
        return "[" + ", ".join(items) + "]"
    step = len(items) // shape[0]
    return "[" + ", ".join(_nest(items[i * step:(i + 1) * step], shape[1:])
                           for i in range(shape[0])) + "]"
