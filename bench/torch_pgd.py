#!/usr/bin/python3
"""PyTorch reference for the attack bench (bench/attacks.ts): PGD on the reference CNN.

Loads the reference CNN (test/fixtures/reference-model/cifar10-cnn-pgdat, model.json + weights.bin, a tfjs LayersModel)
into the same small CNN in PyTorch (kernels transposed to OIHW, flatten in NHWC order as Keras),
checks the clean accuracy on the first 1000 CIFAR-10 test images, then times PGD (eps 8/255,
step 2/255, uniform random start, summed cross-entropy, sign steps, projection) on `--batch`
images for `--steps` steps. PGD-250 samples/s = batch / (250 * seconds per step).

Usage: /usr/bin/python3 bench/torch_pgd.py --model-dir DIR --test-batch FILE [--threads 2 --batch 100 --steps 10]
Prints one JSON line: {"threads", "batch", "steps", "secondsPerStep", "pgd250SamplesPerSecond", "cleanAccuracy1000", "torch"}.
"""
import argparse
import json
import os
import time

import numpy as np
import torch
import torch.nn.functional as F


def load_weights(model_dir):
    with open(os.path.join(model_dir, "model.json")) as fh:
        manifest = json.load(fh)["weightsManifest"]
    out = {}
    for group in manifest:
        buf = b"".join(open(os.path.join(model_dir, p), "rb").read() for p in group["paths"])
        offset = 0
        for w in group["weights"]:
            size = int(np.prod(w["shape"]))
            out[w["name"]] = torch.from_numpy(np.frombuffer(buf, dtype="<f4", count=size, offset=offset).reshape(w["shape"]).copy())
            offset += 4 * size
    return out


class RefCnn(torch.nn.Module):
    def __init__(self, w):
        super().__init__()
        self.c1w = torch.nn.Parameter(w["conv1/kernel"].permute(3, 2, 0, 1).contiguous())  # [O, I, kh, kw]
        self.c1b = torch.nn.Parameter(w["conv1/bias"])
        self.c2w = torch.nn.Parameter(w["conv2/kernel"].permute(3, 2, 0, 1).contiguous())
        self.c2b = torch.nn.Parameter(w["conv2/bias"])
        self.d1w = torch.nn.Parameter(w["dense1/kernel"].t().contiguous())  # [out, in]
        self.d1b = torch.nn.Parameter(w["dense1/bias"])
        self.d2w = torch.nn.Parameter(w["dense2/kernel"].t().contiguous())
        self.d2b = torch.nn.Parameter(w["dense2/bias"])

    def forward(self, x):  # x: [B, 3, 32, 32]
        y = F.max_pool2d(F.relu(F.conv2d(x, self.c1w, self.c1b, padding=1)), 2)
        y = F.max_pool2d(F.relu(F.conv2d(y, self.c2w, self.c2b, padding=1)), 2)
        y = y.permute(0, 2, 3, 1).flatten(1)  # NHWC flatten, as the Keras model
        return F.linear(F.relu(F.linear(y, self.d1w, self.d1b)), self.d2w, self.d2b)


def read_cifar(path, n):
    raw = np.fromfile(path, dtype=np.uint8)[: n * 3073].reshape(n, 3073)
    return torch.from_numpy(raw[:, 1:].reshape(n, 3, 32, 32).astype(np.float32) / 255), torch.from_numpy(raw[:, 0].astype(np.int64))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--model-dir", required=True)
    ap.add_argument("--test-batch", required=True)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--batch", type=int, default=100)
    ap.add_argument("--steps", type=int, default=10)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    model = RefCnn(load_weights(a.model_dir)).eval()
    for p in model.parameters():
        p.requires_grad_(False)
    x, y = read_cifar(a.test_batch, 1000)
    with torch.no_grad():
        clean = (model(x).argmax(1) == y).float().mean().item()
    xb, yb = x[: a.batch], y[: a.batch]
    eps, step = 8 / 255, 2 / 255

    def pgd(steps):
        xa = (xb + torch.empty_like(xb).uniform_(-eps, eps)).clamp(0, 1)
        for _ in range(steps):
            xa.requires_grad_(True)
            loss = F.cross_entropy(model(xa), yb, reduction="sum")
            g, = torch.autograd.grad(loss, [xa])
            xa = torch.min(torch.max(xa.detach() + step * g.sign(), xb - eps), xb + eps).clamp(0, 1)
        return xa

    pgd(2)  # warm-up
    t = time.perf_counter()
    pgd(a.steps)
    per_step = (time.perf_counter() - t) / a.steps
    print(json.dumps({"threads": a.threads, "batch": a.batch, "steps": a.steps, "secondsPerStep": per_step,
                      "pgd250SamplesPerSecond": a.batch / (250 * per_step), "cleanAccuracy1000": clean, "torch": torch.__version__}))


if __name__ == "__main__":
    main()
