"""ctypes binding of the gc runtime's C API (runtime/include/gc_rt/Runtime.h).

libgc_rt.so is loaded once per process. Every call returns a status object;
`_check` turns a non-null status into a RuntimeFailure with the runtime's
message and frees the status. The struct layouts mirror gc_rt/StepAbi.h
(ABI version 6); `Step` refuses a library of another ABI version.
"""

import ctypes
from dataclasses import dataclass

from .errors import RuntimeFailure

ABI_VERSION = 6

# gc_step_dtype_t, gc_step_role_t and gc_step_init_t.
DTYPE_NAMES = {0: "f32", 1: "f64", 2: "i32", 3: "i64", 4: "f16", 5: "bf16"}
ROLE_PARAMETER = 0
ROLE_OPTIMIZER_STATE = 1
ROLE_BATCH = 2
ROLE_SEED = 3
ROLE_OUTPUT = 4
ROLE_STEP_COUNTER = 5


class _TensorDesc(ctypes.Structure):
    _fields_ = [
        ("name", ctypes.c_char_p),
        ("dtype", ctypes.c_int),
        ("role", ctypes.c_int),
        ("rank", ctypes.c_int32),
        ("shape", ctypes.POINTER(ctypes.c_int64)),
        ("bytes", ctypes.c_int64),
        ("init", ctypes.c_int),
        ("init_scale", ctypes.c_double),
        ("init_bound", ctypes.c_int64),
        ("feeds_argument", ctypes.c_int32),
        ("written_in_place", ctypes.c_int32),
        ("values", ctypes.c_int),
    ]


class _Descriptor(ctypes.Structure):
    _fields_ = [
        ("abi_version", ctypes.c_uint32),
        ("target", ctypes.c_char_p),
        ("function_name", ctypes.c_char_p),
        ("arena_bytes", ctypes.c_int64),
        ("arena_alignment", ctypes.c_int64),
        ("num_arguments", ctypes.c_int32),
        ("arguments", ctypes.POINTER(_TensorDesc)),
        ("num_results", ctypes.c_int32),
        ("results", ctypes.POINTER(_TensorDesc)),
        ("loss_result", ctypes.c_int32),
        ("run", ctypes.c_void_p),
        ("num_error_sites", ctypes.c_int32),
        ("error_sites", ctypes.POINTER(ctypes.c_char_p)),
        ("num_collectives", ctypes.c_int32),
        ("world_size", ctypes.c_int32),
    ]


class _SessionOptions(ctypes.Structure):
    _fields_ = [("device", ctypes.c_char_p), ("num_threads", ctypes.c_int32)]


class _CommunicatorOptions(ctypes.Structure):
    _fields_ = [("timeout_seconds", ctypes.c_double)]


class _StepStats(ctypes.Structure):
    _fields_ = [("loss", ctypes.c_double), ("seconds", ctypes.c_double)]


class _MemoryStats(ctypes.Structure):
    _fields_ = [
        ("arena_bytes", ctypes.c_int64),
        ("arena_high_water", ctypes.c_int64),
        ("state_bytes", ctypes.c_int64),
        ("device_free_bytes", ctypes.c_int64),
        ("device_total_bytes", ctypes.c_int64),
    ]


_LIBRARY = None


def _library(path):
    """Loads libgc_rt.so (once) and declares the signatures used here."""
    global _LIBRARY
    if _LIBRARY is not None:
        return _LIBRARY
    # Global symbols: Open MPI's components, which libgc_rt's communicator
    # loads, look up libmpi's symbols in the global scope.
    lib = ctypes.CDLL(str(path), mode=ctypes.RTLD_GLOBAL)
    status = ctypes.c_void_p
    voidp = ctypes.c_void_p
    signatures = {
        "gc_rt_status_message": (ctypes.c_char_p, [status]),
        "gc_rt_status_free": (None, [status]),
        "gc_rt_session_options_initialize": (
            None, [ctypes.POINTER(_SessionOptions)]),
        "gc_rt_session_create": (
            status, [ctypes.POINTER(_SessionOptions), ctypes.POINTER(voidp)]),
        "gc_rt_session_release": (None, [voidp]),
        "gc_rt_step_load": (
            status, [voidp, ctypes.c_char_p, ctypes.POINTER(voidp)]),
        "gc_rt_step_release": (None, [voidp]),
        "gc_rt_step_descriptor": (ctypes.POINTER(_Descriptor), [voidp]),
        "gc_rt_step_initialize": (status, [voidp, ctypes.c_uint64]),
        "gc_rt_step_load_tensors": (
            status, [voidp, ctypes.c_char_p, ctypes.c_int]),
        "gc_rt_step_save_state": (status, [voidp, ctypes.c_char_p]),
        "gc_rt_step_set_argument": (
            status, [voidp, ctypes.c_char_p, voidp, ctypes.c_size_t]),
        "gc_rt_step_read_tensor": (
            status, [voidp, ctypes.c_char_p, voidp, ctypes.c_size_t]),
        "gc_rt_step_run": (status, [voidp, ctypes.POINTER(_StepStats)]),
        "gc_rt_step_memory_stats": (
            status, [voidp, ctypes.POINTER(_MemoryStats)]),
        "gc_rt_communicator_options_initialize": (
            None, [ctypes.POINTER(_CommunicatorOptions)]),
        "gc_rt_communicator_create": (
            status, [ctypes.POINTER(_CommunicatorOptions),
                     ctypes.POINTER(voidp)]),
        "gc_rt_communicator_release": (None, [voidp]),
        "gc_rt_communicator_rank": (ctypes.c_int32, [voidp]),
        "gc_rt_communicator_world_size": (ctypes.c_int32, [voidp]),
        "gc_rt_communicator_all_reduce_host": (
            status, [voidp, ctypes.POINTER(ctypes.c_double), ctypes.c_int64]),
        "gc_rt_communicator_abort": (None, [voidp, ctypes.c_int]),
        "gc_rt_step_set_communicator": (status, [voidp, voidp]),
        "gc_rt_step_broadcast_state": (status, [voidp]),
    }
    for name, (restype, argtypes) in signatures.items():
        function = getattr(lib, name)
        function.restype = restype
        function.argtypes = argtypes
    _LIBRARY = lib
    return lib


def _check(lib, status, what):
    if status:
        message = lib.gc_rt_status_message(status).decode(errors="replace")
        lib.gc_rt_status_free(status)
        raise RuntimeFailure(f"{what}: {message}")


@dataclass(frozen=True)
class TensorInfo:
    """One argument or result of a compiled step, from its descriptor."""
    index: int
    name: str
    dtype: str
    role: int
    shape: tuple
    nbytes: int


class Group:
    """The data-parallel group the launcher (mpirun) started; one per
    process, released (MPI_Finalize) at exit after every step."""

    def __init__(self, runtime_library, timeout_seconds=0.0):
        self._lib = _library(runtime_library)
        options = _CommunicatorOptions()
        self._lib.gc_rt_communicator_options_initialize(ctypes.byref(options))
        options.timeout_seconds = timeout_seconds
        self._group = ctypes.c_void_p()
        _check(self._lib,
               self._lib.gc_rt_communicator_create(ctypes.byref(options),
                                                   ctypes.byref(self._group)),
               "cannot join the data-parallel group")
        self.rank = self._lib.gc_rt_communicator_rank(self._group)
        self.world_size = self._lib.gc_rt_communicator_world_size(self._group)

    def mean(self, value):
        """The mean of a float over the ranks."""
        total = ctypes.c_double(value)
        _check(self._lib,
               self._lib.gc_rt_communicator_all_reduce_host(
                   self._group, ctypes.byref(total), 1), "all-reduce")
        return total.value / self.world_size

    def abort(self, exit_code=1):
        """Ends every rank (after an error on this one)."""
        self._lib.gc_rt_communicator_abort(self._group, exit_code)

    def close(self):
        if self._group:
            self._lib.gc_rt_communicator_release(self._group)
            self._group = ctypes.c_void_p()


class Step:
    """A compiled step loaded into a runtime session of its own."""

    def __init__(self, runtime_library, step_library, device, num_threads=0):
        self._lib = _library(runtime_library)
        lib = self._lib
        options = _SessionOptions()
        lib.gc_rt_session_options_initialize(ctypes.byref(options))
        options.device = device.encode()
        options.num_threads = num_threads
        self._session = ctypes.c_void_p()
        self._step = ctypes.c_void_p()
        _check(lib, lib.gc_rt_session_create(ctypes.byref(options),
                                             ctypes.byref(self._session)),
               f"cannot open a {device} session")
        try:
            _check(lib, lib.gc_rt_step_load(self._session,
                                            str(step_library).encode(),
                                            ctypes.byref(self._step)),
                   f"cannot load {step_library}")
        except Exception:
            lib.gc_rt_session_release(self._session)
            raise
        descriptor = lib.gc_rt_step_descriptor(self._step).contents
        if descriptor.abi_version != ABI_VERSION:
            # The descriptor lives in the library that close() unloads.
            version = descriptor.abi_version
            self.close()
            raise RuntimeFailure(
                f"{step_library}: step ABI version {version}, "
                f"this gc_torch speaks version {ABI_VERSION}")
        self.num_collectives = descriptor.num_collectives
        self.arguments = [_info(i, descriptor.arguments[i])
                          for i in range(descriptor.num_arguments)]
        self.results = [_info(i, descriptor.results[i])
                        for i in range(descriptor.num_results)]

    def close(self):
        if self._step:
            self._lib.gc_rt_step_release(self._step)
            self._step = ctypes.c_void_p()
        if self._session:
            self._lib.gc_rt_session_release(self._session)
            self._session = ctypes.c_void_p()

    def __del__(self):
        try:
            self.close()
        except Exception:  # interpreter shutdown
            pass

    def initialize(self, seed):
        _check(self._lib, self._lib.gc_rt_step_initialize(self._step, seed),
               "initialize")

    def set_argument(self, name, address, nbytes):
        _check(self._lib,
               self._lib.gc_rt_step_set_argument(self._step, name.encode(),
                                                 address, nbytes),
               f"argument '{name}'")

    def read_tensor(self, name, address, nbytes):
        _check(self._lib,
               self._lib.gc_rt_step_read_tensor(self._step, name.encode(),
                                                address, nbytes),
               f"tensor '{name}'")

    def load_tensors(self, path, allow_unknown=False):
        _check(self._lib,
               self._lib.gc_rt_step_load_tensors(
                   self._step, str(path).encode(), int(allow_unknown)),
               f"load {path}")

    def save_state(self, path):
        _check(self._lib,
               self._lib.gc_rt_step_save_state(self._step, str(path).encode()),
               f"save {path}")

    def set_group(self, group):
        _check(self._lib,
               self._lib.gc_rt_step_set_communicator(self._step, group._group),
               "data-parallel group")

    def broadcast_state(self):
        _check(self._lib, self._lib.gc_rt_step_broadcast_state(self._step),
               "broadcast of rank 0's state")

    def run(self):
        stats = _StepStats()
        _check(self._lib,
               self._lib.gc_rt_step_run(self._step, ctypes.byref(stats)),
               "step")
        return stats.loss, stats.seconds

    def memory_stats(self):
        stats = _MemoryStats()
        _check(self._lib,
               self._lib.gc_rt_step_memory_stats(self._step,
                                                 ctypes.byref(stats)),
               "memory stats")
        return {field: getattr(stats, field) for field, _ in stats._fields_}


def _info(index, tensor):
    return TensorInfo(index=index, name=tensor.name.decode(),
                      dtype=DTYPE_NAMES.get(tensor.dtype, "?"),
                      role=tensor.role,
                      shape=tuple(tensor.shape[d] for d in range(tensor.rank)),
                      nbytes=tensor.bytes)
