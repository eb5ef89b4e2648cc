#!/usr/bin/env python3
"""Writes a BERT batch (input_ids, token_type_ids, attention_mask, labels;
i64 [rows, seq]) as a safetensors file, from a fixed pseudo-random sequence:
the global batch of a data-parallel test. Every label is a valid class, so
that each rank's mean loss weighs its rows as the global mean does."""

import argparse
import json
import struct


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("path")
    parser.add_argument("--rows", type=int, required=True)
    parser.add_argument("--seq", type=int, required=True)
    parser.add_argument("--vocab", type=int, required=True)
    args = parser.parse_args()
    state = 12345

    def draw(bound):
        nonlocal state
        state = (state * 6364136223846793005 + 1442695040888963407) % 2**64
        return (state >> 33) % bound

    n = args.rows * args.seq
    tensors = {
        "input_ids": [draw(args.vocab) for _ in range(n)],
        "token_type_ids": [draw(2) for _ in range(n)],
        # Each row attends to a prefix of at least half the sequence.
        "attention_mask": [
            1 if col < args.seq // 2 + row % (args.seq // 2) else 0
            for row in range(args.rows) for col in range(args.seq)],
        "labels": [draw(args.vocab) for _ in range(n)],
    }
    header, data, offset = {}, b"", 0
    for name, values in tensors.items():
        raw = struct.pack(f"<{n}q", *values)
        header[name] = {"dtype": "I64", "shape": [args.rows, args.seq],
                        "data_offsets": [offset, offset + len(raw)]}
        data += raw
        offset += len(raw)
    text = json.dumps(header).encode()
    text += b" " * (-len(text) % 8)
    with open(args.path, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + data)


if __name__ == "__main__":
    main()
