"""gc_torch: compile the training step of a PyTorch model with gc.

    import gc_torch
    step = gc_torch.compile_training_step(
        model, example_batch, loss_fn=None,
        optimizer=gc_torch.AdamW(lr=1e-4, weight_decay=0.01),
        budget="75GiB", solver="auto", device="h100", target="cpu")
    loss = step(batch)                 # one training step, the loss as a float
    step.state_dict()                  # parameters and optimizer state
    step.load_state_dict(sd); step.save("ckpt.safetensors"); step.report

The package is named gc_torch because `gc` is Python's garbage-collector
module. See docs/pytorch-frontend.md.
"""

from .errors import (CompileError, GcTorchError, RuntimeFailure,
                     UnsupportedModelError)
from .importer import import_model
from .optimizers import SGD, AdamW
from .step import TrainingStep, compile_training_step, process_group

__all__ = ["AdamW", "SGD", "TrainingStep", "compile_training_step",
           "import_model", "CompileError", "GcTorchError", "RuntimeFailure",
           "UnsupportedModelError", "process_group"]
