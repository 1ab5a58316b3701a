#!/usr/bin/env python3
"""Writes stand-ins for CIFAR-10 and STL-10 with the real files' names, sizes and byte
layouts (random pixels, labels in range), for timing the readers and measuring memory
where the real archives cannot be downloaded:

    python3 scripts/write-standin-benchmarks.py DIR
    WORKBENCH_DATA_DIR=DIR /usr/bin/time -v workbench data --data cifar10
    WORKBENCH_DATA_DIR=DIR /usr/bin/time -v workbench data --data stl10+unlabeled

No accuracy measured on these files means anything: the pixels are noise."""
import os
import random
import sys

def write(path, records, record_size, label):
    rng = random.Random(path)
    with open(path, "wb") as f:
        chunk = 1000
        for start in range(0, records, chunk):
            n = min(chunk, records - start)
            block = bytearray(os.urandom(n * record_size))
            if label is not None:
                for r in range(n):
                    label(block, r * record_size, rng)
            f.write(block)

def main():
    root = sys.argv[1] if len(sys.argv) > 1 else "standin-data"
    cifar = os.path.join(root, "cifar-10-batches-bin")
    os.makedirs(cifar, exist_ok=True)
    def cifar_label(block, offset, rng):
        block[offset] = rng.randrange(10)
    for i in range(1, 6):
        write(os.path.join(cifar, f"data_batch_{i}.bin"), 10000, 3073, cifar_label)
    write(os.path.join(cifar, "test_batch.bin"), 10000, 3073, cifar_label)
    with open(os.path.join(cifar, "batches.meta.txt"), "w") as f:
        f.write("\n".join(["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"]) + "\n")
    stl = os.path.join(root, "stl10_binary")
    os.makedirs(stl, exist_ok=True)
    image = 96 * 96 * 3
    for split, count in [("train", 5000), ("test", 8000)]:
        write(os.path.join(stl, f"{split}_X.bin"), count, image, None)
        rng = random.Random(split)
        with open(os.path.join(stl, f"{split}_y.bin"), "wb") as f:
            f.write(bytes(rng.randrange(1, 11) for _ in range(count)))
    write(os.path.join(stl, "unlabeled_X.bin"), 100000, image, None)
    with open(os.path.join(stl, "class_names.txt"), "w") as f:
        f.write("\n".join(["airplane", "bird", "car", "cat", "deer", "dog", "horse", "monkey", "ship", "truck"]) + "\n")

if __name__ == "__main__":
    main()
