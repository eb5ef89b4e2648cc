"""Exceptions raised by gc_torch."""


class GcTorchError(RuntimeError):
    """Base class of every error gc_torch raises."""


class UnsupportedModelError(GcTorchError):
    """The model cannot be imported: an ATen op without a gc lowering, a
    dynamic shape, data-dependent control flow or a mutated parameter. The
    message names the op and the module it came from where there is one."""


class CompileError(GcTorchError):
    """gc-compile rejected the imported step; the message holds its
    diagnostics."""


class RuntimeFailure(GcTorchError):
    """The gc runtime (libgc_rt.so) reported an error."""
