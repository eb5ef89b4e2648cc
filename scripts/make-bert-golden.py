#!/usr/bin/env python3
"""Generate the PyTorch reference files of gc's BERT agreement tests.

    python3 scripts/make-bert-golden.py [--output-dir DIR] [--layers N]
                                        [--loss mlm|mean ...]

For a tiny BERT configuration (CONFIG below) and each loss, this script builds
the Hugging Face model, runs one forward and backward pass in train mode with
dropout probabilities 0, and writes into test/Models/golden/:

    bert-<loss>-inputs.safetensors    every argument of gc-compile's
                                      @bert_forward, by its gc.name: the
                                      parameters (f32) and the batch fields
                                      input_ids, token_type_ids,
                                      attention_mask, labels (mlm only) and
                                      seed (i64)
    bert-<loss>-expected.safetensors  `loss` and `grad.<key>` for every
                                      parameter, as computed by PyTorch

The losses are `mlm` (BertForMaskedLM with its labels; parameter names carry
the `bert.` prefix, the decoder weight is tied to the word embeddings and its
bias is `cls.predictions.bias`) and `mean` (BertModel without pooler and the
mean of last_hidden_state; parameter names without prefix), as gc-compile's
--loss option defines them. Weights are Hugging Face's initialization under a
fixed seed plus seeded noise on every parameter, so that no bias is zero and
no LayerNorm weight is one. The batch pads some rows (attention_mask zeros at
the end, token id 0 there) and, for mlm, labels a few unpadded positions with
-100 elsewhere.

The test/Models/pytorch-agreement-*.mlir tests compile the same configuration
with gc-compile, differentiate it with gc-opt --gc-autodiff, run it with
gc-run on the inputs file and compare the result with the expected file; the
gc-compile flags of the configuration are printed by this script.

torch, transformers and safetensors are not needed by the build or the test
suite: on first use the script creates its own virtual environment
.venv-golden/ at the repository root (ignored by git), installs the pinned
versions from PyPI there (the default torch wheel for Linux also pulls in
NVIDIA's CUDA runtime packages, a few GB; the CPU is all the script uses)
and re-executes itself inside it. Delete .venv-golden/ to reinstall.
"""

import argparse
import json
import os
import subprocess
import sys
import venv
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
VENV_DIR = REPO_ROOT / ".venv-golden"
DEFAULT_OUTPUT_DIR = REPO_ROOT / "test" / "Models" / "golden"

# Versions the committed golden files were generated with.
REQUIREMENTS = ("torch==2.15.0", "transformers==5.24.0", "safetensors==0.8.0")
MODULES = ("torch", "transformers", "safetensors")

# Set in the re-executed process so that a broken environment fails instead
# of re-executing forever.
REEXEC_MARKER = "GC_BERT_GOLDEN_IN_VENV"

# The tiny configuration (Hugging Face BertConfig fields) and batch shape.
CONFIG = {
    "num_hidden_layers": 2,
    "hidden_size": 32,
    "num_attention_heads": 4,
    "intermediate_size": 64,
    "vocab_size": 100,
    "max_position_embeddings": 32,
    "type_vocab_size": 2,
    "pad_token_id": 0,
    "layer_norm_eps": 1e-12,
    "hidden_act": "gelu",
    "hidden_dropout_prob": 0.0,
    "attention_probs_dropout_prob": 0.0,
    "initializer_range": 0.1,
}
SEQ = 16
BATCH = 4
# Unpadded length of each row of the batch.
ROW_LENGTHS = (16, 13, 9, 5)
SEED = 1234
# Standard deviation of the noise added to every parameter after the
# Hugging Face initialization.
PARAMETER_NOISE = 0.1
# Fraction of unpadded positions that carry an mlm label.
LABEL_FRACTION = 0.3


def in_own_venv():
    """Return whether this interpreter is the one of VENV_DIR."""
    return Path(sys.prefix).resolve() == VENV_DIR.resolve()


def venv_python():
    """Return the path of VENV_DIR's Python interpreter."""
    return VENV_DIR / "bin" / "python"


def modules_importable(python):
    """Return whether `python` can import every module of MODULES."""
    code = "import " + ", ".join(MODULES)
    result = subprocess.run([str(python), "-c", code],
                            stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, check=False)
    return result.returncode == 0


def bootstrap():
    """Create VENV_DIR and install REQUIREMENTS if needed, then re-execute.

    Does not return: replaces the process with the script run by the virtual
    environment's interpreter.
    """
    if os.environ.get(REEXEC_MARKER):
        sys.exit(f"make-bert-golden: error: {VENV_DIR} does not provide "
                 f"{', '.join(MODULES)}; delete it and run again")
    python = venv_python()
    if not python.exists():
        print(f"make-bert-golden: creating {VENV_DIR}", file=sys.stderr)
        venv.create(VENV_DIR, with_pip=True)
    if not modules_importable(python):
        print(f"make-bert-golden: installing {' '.join(REQUIREMENTS)} into "
              f"{VENV_DIR} (the torch wheel is large; this takes minutes)",
              file=sys.stderr)
        subprocess.run([str(python), "-m", "pip", "install", "--upgrade",
                        "pip"], check=True)
        subprocess.run([str(python), "-m", "pip", "install",
                        *REQUIREMENTS], check=True)
    env = dict(os.environ, **{REEXEC_MARKER: "1"})
    os.execve(str(python), [str(python), str(Path(__file__).resolve()),
                            *sys.argv[1:]], env)


def gc_compile_flags(config, loss):
    """Return the gc-compile flags that build `config` with `loss`."""
    return (f"--model bert --emit forward --loss {loss} --dtype f32 "
            f"--layers {config['num_hidden_layers']} "
            f"--hidden {config['hidden_size']} "
            f"--heads {config['num_attention_heads']} "
            f"--intermediate {config['intermediate_size']} "
            f"--vocab {config['vocab_size']} --seq {SEQ} --batch {BATCH} "
            f"--max-position {config['max_position_embeddings']} "
            f"--type-vocab {config['type_vocab_size']} "
            f"--pad-token-id {config['pad_token_id']} "
            f"--dropout {config['hidden_dropout_prob']:g} "
            f"--attention-dropout "
            f"{config['attention_probs_dropout_prob']:g} "
            f"--layer-norm-eps {config['layer_norm_eps']:g} "
            f"--hidden-act {config['hidden_act']}")


def gc_parameter_names(loss, layers):
    """Return gc-compile's parameter names (gc.name) for `loss`, in order."""
    names = ["embeddings.word_embeddings.weight",
             "embeddings.position_embeddings.weight",
             "embeddings.token_type_embeddings.weight",
             "embeddings.LayerNorm.weight", "embeddings.LayerNorm.bias"]
    for i in range(layers):
        p = f"encoder.layer.{i}."
        for sub in ("attention.self.query", "attention.self.key",
                    "attention.self.value", "attention.output.dense",
                    "attention.output.LayerNorm", "intermediate.dense",
                    "output.dense", "output.LayerNorm"):
            names += [p + sub + ".weight", p + sub + ".bias"]
    if loss == "mean":
        return names
    return ["bert." + n for n in names] + [
        "cls.predictions.bias",
        "cls.predictions.transform.dense.weight",
        "cls.predictions.transform.dense.bias",
        "cls.predictions.transform.LayerNorm.weight",
        "cls.predictions.transform.LayerNorm.bias"]


def make_batch(torch, config, loss, generator):
    """Return the seeded batch: {name: i64 tensor} of gc's batch arguments."""
    vocab = config["vocab_size"]
    lengths = torch.tensor(ROW_LENGTHS).unsqueeze(1)
    positions = torch.arange(SEQ).unsqueeze(0)
    attention_mask = (positions < lengths).long()
    input_ids = torch.randint(0, vocab - 1, (BATCH, SEQ), generator=generator)
    # Real tokens avoid the padding id, which only fills the padding.
    input_ids += (input_ids >= config["pad_token_id"]).long()
    input_ids = torch.where(attention_mask.bool(), input_ids,
                            torch.full_like(input_ids,
                                            config["pad_token_id"]))
    # Sentence A is the first half of each unpadded row, sentence B the rest.
    token_type_ids = ((positions >= lengths // 2).long() * attention_mask)
    batch = {"input_ids": input_ids, "token_type_ids": token_type_ids,
             "attention_mask": attention_mask}
    if loss == "mlm":
        chosen = torch.rand((BATCH, SEQ), generator=generator) < \
            LABEL_FRACTION
        chosen &= attention_mask.bool()
        chosen[:, 0] = True  # every row has at least one label
        targets = torch.randint(0, vocab, (BATCH, SEQ), generator=generator)
        batch["labels"] = torch.where(chosen, targets,
                                      torch.full_like(targets, -100))
    batch["seed"] = torch.tensor(SEED, dtype=torch.int64)
    return batch


def build_model(torch, transformers, config, loss):
    """Return the seeded Hugging Face model of `loss` in train mode."""
    bert_config = transformers.BertConfig(**config,
                                          attn_implementation="eager")
    torch.manual_seed(SEED)
    if loss == "mlm":
        model = transformers.BertForMaskedLM(bert_config)
    else:
        model = transformers.BertModel(bert_config, add_pooling_layer=False)
    assert model.config._attn_implementation == "eager", \
        model.config._attn_implementation
    with torch.no_grad():
        for _, parameter in model.named_parameters():
            parameter.add_(torch.randn_like(parameter) * PARAMETER_NOISE)
    model.train()
    return model


def check_parameters(model, names):
    """Fail unless `names` are exactly the model's distinct parameters."""
    by_name = dict(model.named_parameters())
    missing = [n for n in names if n not in by_name]
    if missing:
        raise SystemExit(f"make-bert-golden: error: the model has no "
                         f"parameter {missing}")
    ours = {id(model.get_parameter(n)) for n in names}
    extra = [n for n, p in by_name.items() if id(p) not in ours]
    if extra or len(ours) != len(names):
        raise SystemExit(f"make-bert-golden: error: parameters not taken by "
                         f"gc: {extra}")


def write_safetensors(path, tensors, metadata):
    """Write `tensors` ({name: CPU tensor}) to `path` in safetensors format.

    Unlike safetensors.torch.save_file, the header lists the metadata and
    the tensors in sorted order, so that the same values always give the
    same bytes. The file is read back with safetensors to check it.
    """
    import torch
    from safetensors.torch import load_file

    dtypes = {torch.float32: "F32", torch.float64: "F64",
              torch.int64: "I64"}
    header = {"__metadata__": dict(sorted(metadata.items()))}
    blobs = []
    offset = 0
    for name in sorted(tensors):
        tensor = tensors[name].detach().cpu().contiguous()
        data = tensor.numpy().tobytes()
        header[name] = {"dtype": dtypes[tensor.dtype],
                        "shape": list(tensor.shape),
                        "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(len(text).to_bytes(8, "little"))
        f.write(text)
        for data in blobs:
            f.write(data)
    loaded = load_file(str(path))
    assert loaded.keys() == tensors.keys()
    for name, tensor in tensors.items():
        assert torch.equal(loaded[name], tensor.detach().cpu()), name


def generate(loss, config, output_dir):
    """Compute the loss and gradients of `loss` and write the two files."""
    import torch
    import transformers

    torch.use_deterministic_algorithms(True)
    model = build_model(torch, transformers, config, loss)
    names = gc_parameter_names(loss, config["num_hidden_layers"])
    check_parameters(model, names)
    if loss == "mlm":
        tied = model.cls.predictions.decoder.weight
        assert tied is model.bert.embeddings.word_embeddings.weight

    generator = torch.Generator().manual_seed(SEED)
    batch = make_batch(torch, config, loss, generator)
    model_inputs = {k: batch[k] for k in
                    ("input_ids", "token_type_ids", "attention_mask")}
    model.zero_grad(set_to_none=True)
    if loss == "mlm":
        value = model(**model_inputs, labels=batch["labels"]).loss
    else:
        value = model(**model_inputs).last_hidden_state.mean()
    value.backward()

    inputs = {n: model.get_parameter(n).detach().float().contiguous()
              for n in names}
    inputs.update({k: v.to(torch.int64).contiguous()
                   for k, v in batch.items()})
    expected = {"loss": value.detach().float().contiguous()}
    for n in names:
        grad = model.get_parameter(n).grad
        if grad is None:
            grad = torch.zeros_like(model.get_parameter(n))
        expected["grad." + n] = grad.detach().float().contiguous()

    metadata = {
        "generator": "scripts/make-bert-golden.py",
        "loss": loss,
        "config": json.dumps(config, sort_keys=True),
        "seq": str(SEQ), "batch": str(BATCH), "seed": str(SEED),
        "gc_compile_flags": gc_compile_flags(config, loss),
        "torch": torch.__version__,
        "transformers": transformers.__version__,
    }
    output_dir.mkdir(parents=True, exist_ok=True)
    inputs_path = output_dir / f"bert-{loss}-inputs.safetensors"
    expected_path = output_dir / f"bert-{loss}-expected.safetensors"
    write_safetensors(inputs_path, inputs, metadata)
    write_safetensors(expected_path, expected, metadata)
    print(f"{loss}: loss = {value.item():.9g}; wrote {inputs_path.name} "
          f"({len(inputs)} tensors) and {expected_path.name} "
          f"({len(expected)} tensors)")
    print(f"  gc-compile {gc_compile_flags(config, loss)}")


def main():
    """Parse the command line and write the golden files of each loss."""
    parser = argparse.ArgumentParser(
        description="Write PyTorch reference inputs, loss and gradients of a "
                    "tiny BERT for gc's agreement tests.")
    parser.add_argument("--output-dir", type=Path, default=DEFAULT_OUTPUT_DIR,
                        help="where to write the files (default: "
                             "test/Models/golden)")
    parser.add_argument("--layers", type=int,
                        default=CONFIG["num_hidden_layers"],
                        help="number of encoder layers (default: %(default)s;"
                             " other values are for investigations)")
    parser.add_argument("--loss", choices=("mlm", "mean"), action="append",
                        help="loss to generate (repeatable; default: both)")
    args = parser.parse_args()
    if not in_own_venv():
        bootstrap()
    config = dict(CONFIG, num_hidden_layers=args.layers)
    for loss in args.loss or ("mlm", "mean"):
        generate(loss, config, args.output_dir)


if __name__ == "__main__":
    main()
