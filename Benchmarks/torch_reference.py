#!/usr/bin/env python3
"""The reference workloads' training step in PyTorch, for `make bench-compare`.

Same data (the first 20,000 Fashion-MNIST training images, IDX files from Debian's
dataset-fashion-mnist), the same augmentation recipes (docs/reference-workloads.md),
models, losses, optimiser, batch (256 images, 512 views) and thread count as the
workbench's `bench-step`, so that the two images/s figures compare like with like.
The augmentation is batched on tensors (resized crops by one grid_sample per batch).

    python3 Benchmarks/torch_reference.py --method byol --backbone mlp --steps 20 --threads 2

Prints one line: `torch <method> <backbone>: <ms> ms/step (<images/s> images/s, median of N steps)`.
"""
import argparse
import copy
import gzip
import math
import os
import statistics
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

DATA = "/usr/share/datasets/fashion-mnist"


def load_images(limit):
    path = os.path.join(DATA, "train-images-idx3-ubyte.gz")
    with gzip.open(path, "rb") as handle:
        raw = handle.read()
    count = min(limit, int.from_bytes(raw[4:8], "big"))
    pixels = torch.frombuffer(bytearray(raw[16:16 + count * 784]), dtype=torch.uint8)
    return pixels.view(count, 1, 28, 28).float() / 255


def labels(limit):
    with gzip.open(os.path.join(DATA, "train-labels-idx1-ubyte.gz"), "rb") as handle:
        raw = handle.read()
    return torch.frombuffer(bytearray(raw[8:8 + limit]), dtype=torch.uint8).long()


class Augment:
    """Both recipes: random resized crop (bilinear), flip (convnet), brightness/contrast
    jitter with p 0.8, random erasing with p 0.5 (mlp), normalisation."""

    def __init__(self, backbone, mean, std):
        self.convnet = backbone == "convnet"
        self.scale = (0.2, 1.0) if self.convnet else (0.5, 1.0)
        self.mean, self.std = mean, std

    def __call__(self, x):
        n = x.shape[0]
        area = torch.empty(n).uniform_(*self.scale)
        log_ratio = torch.empty(n).uniform_(math.log(3 / 4), math.log(4 / 3))
        ratio = torch.exp(log_ratio)
        w = torch.sqrt(area * ratio).clamp(max=1.0)
        h = torch.sqrt(area / ratio).clamp(max=1.0)
        cx = (torch.rand(n) * (1 - w) + w / 2) * 2 - 1
        cy = (torch.rand(n) * (1 - h) + h / 2) * 2 - 1
        theta = torch.zeros(n, 2, 3)
        theta[:, 0, 0] = w
        theta[:, 1, 1] = h
        theta[:, 0, 2] = cx
        theta[:, 1, 2] = cy
        if self.convnet:
            flip = torch.rand(n) < 0.5
            theta[flip, 0, 0] *= -1
        grid = F.affine_grid(theta, (n, 1, 28, 28), align_corners=False)
        x = F.grid_sample(x, grid, mode="bilinear", padding_mode="border", align_corners=False)
        jitter = (torch.rand(n) < 0.8).view(n, 1, 1, 1)
        brightness = torch.empty(n, 1, 1, 1).uniform_(0.6, 1.4)
        contrast = torch.empty(n, 1, 1, 1).uniform_(0.6, 1.4)
        y = (x * brightness).clamp(0, 1)
        mean = y.mean(dim=(1, 2, 3), keepdim=True)
        y = ((y - mean) * contrast + mean).clamp(0, 1)
        x = torch.where(jitter, y, x)
        if not self.convnet:
            erase = torch.rand(n) < 0.5
            box = torch.empty(n).uniform_(0.02, 0.25) * 784
            aspect = torch.exp(torch.empty(n).uniform_(math.log(0.3), math.log(1 / 0.3)))
            bh = torch.sqrt(box * aspect).clamp(1, 28).long()
            bw = torch.sqrt(box / aspect).clamp(1, 28).long()
            top = (torch.rand(n) * (29 - bh).float()).long()
            left = (torch.rand(n) * (29 - bw).float()).long()
            rows = torch.arange(28).view(1, 28, 1)
            cols = torch.arange(28).view(1, 1, 28)
            inside = ((rows >= top.view(n, 1, 1)) & (rows < (top + bh).view(n, 1, 1))
                      & (cols >= left.view(n, 1, 1)) & (cols < (left + bw).view(n, 1, 1)) & erase.view(n, 1, 1))
            x = x.masked_fill(inside.unsqueeze(1), 0.0)
        return (x - self.mean) / self.std


def mlp_head(inputs, hidden, outputs):
    return nn.Sequential(nn.Linear(inputs, hidden, bias=False), nn.BatchNorm1d(hidden), nn.ReLU(inplace=True),
                         nn.Linear(hidden, outputs))


def backbone(kind):
    if kind == "mlp":
        return nn.Sequential(nn.Flatten(), nn.Linear(784, 1024, bias=False), nn.BatchNorm1d(1024), nn.ReLU(inplace=True),
                             nn.Linear(1024, 512, bias=False), nn.BatchNorm1d(512), nn.ReLU(inplace=True)), 512

    def block(i, o, pool):
        layers = [nn.Conv2d(i, o, 3, padding=1), nn.BatchNorm2d(o), nn.ReLU(inplace=True)]
        return layers + ([nn.MaxPool2d(2)] if pool else [])
    return nn.Sequential(*block(1, 32, True), *block(32, 64, True), *block(64, 128, False),
                         nn.AdaptiveAvgPool2d(1), nn.Flatten()), 128


def ema(target, online, momentum):
    with torch.no_grad():
        for t, o in zip(target.parameters(), online.parameters()):
            t.mul_(momentum).add_(o, alpha=1 - momentum)
        for t, o in zip(target.buffers(), online.buffers()):
            t.copy_(o)


class Method(nn.Module):
    def __init__(self, name, kind):
        super().__init__()
        self.name = name
        self.encoder, size = backbone(kind)
        if name == "supervised":
            self.classifier = nn.Linear(size, 10)
            return
        self.projector = mlp_head(size, 1024, 128)
        if name in ("byol", "triplet"):
            self.predictor = mlp_head(128, 1024, 128)
        if name in ("byol", "triplet", "moco"):
            self.target = copy.deepcopy(nn.Sequential(self.encoder, self.projector))
            for p in self.target.parameters():
                p.requires_grad_(False)
        if name == "moco":
            self.register_buffer("queue", F.normalize(torch.randn(4096, 128), dim=1))
            self.cursor = 0

    def online(self, x):
        return self.projector(self.encoder(x))

    def loss(self, views, labels):
        n = views.shape[0] // 2
        if self.name == "supervised":
            return F.cross_entropy(self.classifier(self.encoder(views)), torch.cat([labels, labels]))
        if self.name == "simclr":
            z = F.normalize(self.online(views), dim=1)
            logits = z @ z.t() / 0.5
            logits.fill_diagonal_(float("-inf"))
            target = torch.cat([torch.arange(n, 2 * n), torch.arange(0, n)])
            return F.cross_entropy(logits, target)
        if self.name == "moco":
            q = F.normalize(self.online(views), dim=1)
            with torch.no_grad():
                k = F.normalize(self.target(views), dim=1)
                k = torch.cat([k[n:], k[:n]])
            positive = (q * k).sum(dim=1, keepdim=True)
            negative = q @ self.queue.t()
            logits = torch.cat([positive, negative], dim=1) / 0.2
            self.pending = k[:n]  # enqueued after the update, once backward no longer needs the queue
            return F.cross_entropy(logits, torch.zeros(2 * n, dtype=torch.long))
        p = F.normalize(self.predictor(self.online(views)), dim=1)
        with torch.no_grad():
            z = F.normalize(self.target(views), dim=1)
            z = torch.cat([z[n:], z[:n]])
        if self.name == "byol":
            return (2 - 2 * (p * z).sum(dim=1)).mean() * 2
        total = 0
        for block in range(2):
            pb, zb = p[block * n:(block + 1) * n], z[block * n:(block + 1) * n]
            d = -2 * pb @ zb.t()
            positive = d.diagonal()
            negatives = d.masked_fill(torch.eye(n, dtype=torch.bool), float("inf"))
            ranked = torch.topk(negatives, 1 + 9, dim=1, largest=False).values
            deputy = ranked[:, 1:].mean(dim=1)
            total = total + torch.clamp(2 * positive - deputy + 100, min=0).mean()
        return total

    def after_update(self):
        if hasattr(self, "target"):
            ema(self.target, nn.Sequential(self.encoder, self.projector), 0.99)
        if self.name == "moco":
            with torch.no_grad():
                end = self.cursor + self.pending.shape[0]
                self.queue[self.cursor:end] = self.pending
                self.cursor = end % self.queue.shape[0]


def optimiser(model, rate):
    decay = [p for n, p in model.named_parameters() if p.requires_grad and p.dim() > 1]
    rest = [p for n, p in model.named_parameters() if p.requires_grad and p.dim() <= 1]
    return torch.optim.SGD([{"params": decay, "weight_decay": 5e-4}, {"params": rest, "weight_decay": 0}],
                           lr=rate, momentum=0.9)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--method", default="byol", choices=["simclr", "moco", "byol", "triplet", "supervised"])
    parser.add_argument("--backbone", default="mlp", choices=["mlp", "convnet"])
    parser.add_argument("--steps", type=int, default=20)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--batch", type=int, default=256)
    parser.add_argument("--threads", type=int, default=os.cpu_count())
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(1)
    images, classes = load_images(20_000), labels(20_000)
    mean, std = images.mean().item(), images.std().item()
    augment = Augment(args.backbone, mean, std)
    model = Method(args.method, args.backbone)
    if args.backbone == "convnet":
        model = model.to(memory_format=torch.channels_last)
    sgd = optimiser(model, 0.06 * args.batch / 256)
    order = torch.randperm(images.shape[0])
    times = []
    for step in range(args.warmup + args.steps):
        started = time.perf_counter()
        start = (step * args.batch) % (images.shape[0] - args.batch)
        index = order[start:start + args.batch]
        batch = images[index]
        views = torch.cat([augment(batch), augment(batch)])
        if args.backbone == "convnet":
            views = views.contiguous(memory_format=torch.channels_last)
        sgd.zero_grad(set_to_none=True)
        loss = model.loss(views, classes[index])
        loss.backward()
        sgd.step()
        model.after_update()
        if step >= args.warmup:
            times.append(time.perf_counter() - started)
    median = statistics.median(times)
    print(f"torch {args.method} {args.backbone}: {median * 1000:.1f} ms/step ({args.batch / median:.0f} images/s, "
          f"median of {args.steps} steps, {torch.get_num_threads()} threads, torch {torch.__version__})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
