#!/usr/bin/env python3
"""Write a random memory-planning instance (gc-plan CSV) that the search
strategies cannot solve to optimality in a short limit.

Usage: make-instance.py BUFFERS SEED > instance.csv
"""
import random
import sys

count, seed = int(sys.argv[1]), int(sys.argv[2])
rng = random.Random(seed)
print("id,lower,upper,size")
for i in range(count):
    lower = rng.randrange(0, count)
    print(f"{i},{lower},{lower + rng.randrange(1, count // 8)},"
          f"{rng.choice([64, 256, 1000, 4096, 5000]) * rng.randrange(1, 40)}")
