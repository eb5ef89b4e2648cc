#!/usr/bin/env python3
"""Print the value of a rank-0 I64 or F32 tensor of a safetensors file.

Usage: read-scalar.py FILE NAME
"""
import json
import struct
import sys

path, name = sys.argv[1], sys.argv[2]
with open(path, "rb") as f:
    data = f.read()
(length,) = struct.unpack("<Q", data[:8])
entry = json.loads(data[8:8 + length])[name]
begin, end = entry["data_offsets"]
raw = data[8 + length + begin:8 + length + end]
print(struct.unpack({"I64": "<q", "F32": "<f"}[entry["dtype"]], raw)[0])
