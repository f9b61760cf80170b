#!/usr/bin/python3
"""PyTorch reference for `npm run bench`: one ASCL training step (paper eq. 6, Global selection).

Step = PGD-10 adversary (L-inf, eps 8/255, step 2/255, uniform random start, on CE, model in
training mode as the authors' code), then Adam on
    CE(h(x), y) + CE(h(x_adv), y) + L_SCL(z(x), z(x_adv); tau 0.07, cosine, Global) + 2 * KL(h(x) || h(x_adv)).
Same models as src-main/engine/models (small-cnn; resnet20 = CIFAR ResNet-20 with batch norm).
Inputs are synthetic (uniform [0, 1], random labels): throughput does not depend on the data.

Usage: /usr/bin/python3 bench/torch_reference_step.py --model small-cnn --threads 2 [--batch 128 --steps 3] [--device cuda]
Prints one JSON line: {"model", "threads", "batch", "msPerStep", "samplesPerSecond", "torch", "device"}.
--device cuda times the step on the GPU (synchronised before the clock stops); exits 3 without CUDA.
"""
import argparse
import json
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


class SmallCnn(nn.Module):
    def __init__(self, num_classes=10):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 32, 3, padding=1)
        self.conv2 = nn.Conv2d(32, 64, 3, padding=1)
        self.dense1 = nn.Linear(8 * 8 * 64, 128)
        self.dense2 = nn.Linear(128, num_classes)

    def forward(self, x):
        y = F.max_pool2d(F.relu(self.conv1(x)), 2)
        y = F.max_pool2d(F.relu(self.conv2(y)), 2)
        z = F.relu(self.dense1(torch.flatten(y, 1)))
        return self.dense2(z), z


class BasicBlock(nn.Module):
    def __init__(self, cin, cout, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(cout)
        self.shortcut = nn.Sequential()
        if stride != 1 or cin != cout:
            self.shortcut = nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False), nn.BatchNorm2d(cout))

    def forward(self, x):
        out = F.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        return F.relu(out + self.shortcut(x))


class ResNet20(nn.Module):
    """CIFAR ResNet-20 (He et al. 2016, Section 4.2): 3 stages of 3 basic blocks, 16/32/64 channels."""

    def __init__(self, num_classes=10):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 16, 3, 1, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(16)
        layers, cin = [], 16
        for cout, stride in [(16, 1), (32, 2), (64, 2)]:
            for i in range(3):
                layers.append(BasicBlock(cin, cout, stride if i == 0 else 1))
                cin = cout
        self.layers = nn.Sequential(*layers)
        self.linear = nn.Linear(64, num_classes)

    def forward(self, x):
        out = self.layers(F.relu(self.bn1(self.conv1(x))))
        z = torch.flatten(F.adaptive_avg_pool2d(out, 1), 1)
        return self.linear(z), z


def supervised_contrastive(z_nat, z_adv, y, tau=0.07):
    """Eqs. 1-3 with Global selection: positives = same label among the 2B latents (not self)."""
    z = F.normalize(torch.cat([z_nat, z_adv]), dim=1)  # [2B, D], cosine similarity
    labels = torch.cat([y, y])
    sim = z @ z.t() / tau  # [2B, 2B]
    n = sim.shape[0]
    self_mask = torch.eye(n, dtype=torch.bool, device=sim.device)
    pos = (labels[:, None] == labels[None, :]) & ~self_mask
    sim = sim.masked_fill(self_mask, float('-inf'))
    log_prob = sim - torch.logsumexp(sim, dim=1, keepdim=True)
    per_anchor = -(log_prob.masked_fill(~pos, 0).sum(1)) / pos.sum(1).clamp(min=1)
    return per_anchor.mean()


def pgd(model, x, y, eps=8 / 255, step=2 / 255, steps=10):
    x_adv = (x + torch.empty_like(x).uniform_(-eps, eps)).clamp(0, 1)
    for _ in range(steps):
        x_adv.requires_grad_(True)
        loss = F.cross_entropy(model(x_adv)[0], y, reduction='sum')
        (g,) = torch.autograd.grad(loss, x_adv)
        x_adv = torch.min(torch.max(x_adv.detach() + step * g.sign(), x - eps), x + eps).clamp(0, 1)
    return x_adv.detach()


def train_step(model, opt, x, y):
    x_adv = pgd(model, x, y)
    logits_nat, z_nat = model(x)
    logits_adv, z_adv = model(x_adv)
    kl = F.kl_div(F.log_softmax(logits_adv, 1), F.softmax(logits_nat, 1), reduction='batchmean')
    loss = (F.cross_entropy(logits_nat, y) + F.cross_entropy(logits_adv, y)
            + supervised_contrastive(z_nat, z_adv, y) + 2 * kl)
    opt.zero_grad()
    loss.backward()
    opt.step()
    return loss.item()


def main():
    p = argparse.ArgumentParser()
    p.add_argument('--model', choices=['small-cnn', 'resnet20'], required=True)
    p.add_argument('--threads', type=int, default=1)
    p.add_argument('--batch', type=int, default=128)
    p.add_argument('--steps', type=int, default=3)
    p.add_argument('--warmup', type=int, default=1)
    p.add_argument('--device', choices=['cpu', 'cuda'], default='cpu')
    a = p.parse_args()
    if a.device == 'cuda' and not torch.cuda.is_available():
        print('torch_reference_step: --device cuda but torch.cuda.is_available() is False', flush=True)
        raise SystemExit(3)
    dev = torch.device(a.device)
    sync = torch.cuda.synchronize if a.device == 'cuda' else (lambda: None)
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    model = (SmallCnn() if a.model == 'small-cnn' else ResNet20()).to(dev)
    model.train()
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    x = torch.rand(a.batch, 3, 32, 32).to(dev)
    y = torch.randint(0, 10, (a.batch,)).to(dev)
    for _ in range(a.warmup):
        train_step(model, opt, x, y)
    sync()
    t0 = time.perf_counter()
    for _ in range(a.steps):
        train_step(model, opt, x, y)
    sync()
    ms = (time.perf_counter() - t0) / a.steps * 1000
    print(json.dumps({'model': a.model, 'threads': a.threads, 'batch': a.batch, 'msPerStep': ms,
                      'samplesPerSecond': a.batch / ms * 1000, 'torch': torch.__version__, 'device': a.device}))


if __name__ == '__main__':
    main()
