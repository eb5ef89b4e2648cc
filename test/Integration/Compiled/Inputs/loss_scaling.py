#!/usr/bin/env python3
"""Checkpoint surgery and checks for loss-scaling.mlir (stdlib only).

  loss_scaling.py set-scale IN OUT VALUE
      copies the safetensors checkpoint IN to OUT with amp.loss_scale set to
      VALUE (every other tensor byte for byte);
  loss_scaling.py skipped BEFORE AFTER SKIPS
      prints whether the checkpoint AFTER is BEFORE after SKIPS skipped
      updates: every parameter and AdamW moment bitwise the same, the
      optimizer step unchanged, the growth tracker 0 and the loss scale
      halved SKIPS times.
"""

import json
import struct
import sys


def read(path):
    """name -> (dtype, shape, raw bytes)"""
    with open(path, "rb") as f:
        data = f.read()
    (length,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + length])
    body = data[8 + length:]
    tensors = {}
    for name, entry in header.items():
        if name == "__metadata__":
            continue
        begin, end = entry["data_offsets"]
        tensors[name] = (entry["dtype"], entry["shape"], body[begin:end])
    return tensors, header.get("__metadata__")


def write(path, tensors, metadata):
    header, body = {}, b""
    for name in sorted(tensors):
        dtype, shape, raw = tensors[name]
        header[name] = {"dtype": dtype, "shape": shape,
                        "data_offsets": [len(body), len(body) + len(raw)]}
        body += raw
    if metadata:
        header["__metadata__"] = metadata
    text = json.dumps(header).encode()
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + body)


def scalar(tensors, name, fmt):
    return struct.unpack("<" + fmt, tensors[name][2])[0]


def main(argv):
    if argv[1] == "set-scale":
        tensors, metadata = read(argv[2])
        dtype, shape, _ = tensors["amp.loss_scale"]
        tensors["amp.loss_scale"] = (dtype, shape,
                                     struct.pack("<f", float(argv[4])))
        write(argv[3], tensors, metadata)
        return 0
    before, _ = read(argv[2])
    after, _ = read(argv[3])
    skips = int(argv[4])
    state = [n for n in before if not n.startswith("amp.")]
    changed = [n for n in state if before[n] != after[n]]
    scale_before = scalar(before, "amp.loss_scale", "f")
    scale_after = scalar(after, "amp.loss_scale", "f")
    print("unchanged state: %s (%d tensors, %d changed%s)" %
          (not changed, len(state), len(changed),
           ": " + ", ".join(changed[:3]) if changed else ""))
    print("optimizer.step: %d -> %d" % (scalar(before, "optimizer.step", "q"),
                                       scalar(after, "optimizer.step", "q")))
    print("growth tracker: %d" % scalar(after, "amp.growth_tracker", "q"))
    print("loss scale halved %d times: %s" %
          (skips, scale_after == scale_before * 0.5 ** skips))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
