"""The optimizers a compiled step can apply (gc-compile's --optimizer)."""

from dataclasses import dataclass


@dataclass(frozen=True)
class AdamW:
    """torch.optim.AdamW's update, with its defaults."""
    lr: float = 1e-3
    betas: tuple = (0.9, 0.999)
    eps: float = 1e-8
    weight_decay: float = 0.01

    def flags(self):
        return ["--optimizer=adamw", f"--lr={self.lr!r}",
                f"--beta1={self.betas[0]!r}", f"--beta2={self.betas[1]!r}",
                f"--epsilon={self.eps!r}",
                f"--weight-decay={self.weight_decay!r}"]


@dataclass(frozen=True)
class SGD:
    """Plain SGD with L2 weight decay (torch.optim.SGD without momentum)."""
    lr: float = 1e-3
    weight_decay: float = 0.0

    def flags(self):
        return ["--optimizer=sgd", f"--lr={self.lr!r}",
                f"--weight-decay={self.weight_decay!r}"]
