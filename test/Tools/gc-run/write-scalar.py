#!/usr/bin/env python3
"""Write a safetensors file holding one I64 tensor filled with one value.

Usage: write-scalar.py FILE NAME VALUE [--shape D0,D1,...]
(no --shape: a rank-0 tensor)
"""
import argparse
import json
import struct

parser = argparse.ArgumentParser()
parser.add_argument("path")
parser.add_argument("name")
parser.add_argument("value", type=int)
parser.add_argument("--shape", default="")
args = parser.parse_args()
shape = [int(d) for d in args.shape.split(",")] if args.shape else []
count = 1
for dim in shape:
    count *= dim
raw = struct.pack("<%dq" % count, *([args.value] * count))
header = json.dumps({args.name: {"dtype": "I64", "shape": shape,
                                 "data_offsets": [0, len(raw)]}}).encode()
with open(args.path, "wb") as f:
    f.write(struct.pack("<Q", len(header)) + header + raw)
