"""
Golden outputs of ResNet20 (BasicBlock x [3,3,3], 16/32/64 planes, option-B projection
shortcuts, global average pooling) in PyTorch, to check src-main/engine/models/resnet.ts.
The architecture is written here from the description in resnet.ts (the authors' resnet.py
layout with a 16-channel stem). Run: /usr/bin/python3 test/models/golden/make_resnet20_golden.py
Writes resnet20.bin (float32 little-endian) and resnet20.json (names, shapes, offsets) here.
"""
import json, os
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)

class Block(nn.Module):
    def __init__(self, cin, planes, stride):
        super().__init__()
        self.c1 = nn.Conv2d(cin, planes, 3, stride, 1, bias=False); self.b1 = nn.BatchNorm2d(planes)
        self.c2 = nn.Conv2d(planes, planes, 3, 1, 1, bias=False); self.b2 = nn.BatchNorm2d(planes)
        self.sc = None
        if stride != 1 or cin != planes:
            self.sc = nn.Sequential(nn.Conv2d(cin, planes, 1, stride, bias=False), nn.BatchNorm2d(planes))
    def forward(self, x):
        y = self.b2(self.c2(F.relu(self.b1(self.c1(x)))))
        return F.relu(y + (self.sc(x) if self.sc is not None else x))

class ResNet20(nn.Module):
    def __init__(self, k=10):
        super().__init__()
        self.conv = nn.Conv2d(3, 16, 3, 1, 1, bias=False); self.bn = nn.BatchNorm2d(16)
        blocks, cin = [], 16
        for s, p in enumerate([16, 32, 64]):
            for i in range(3):
                blocks.append((f'layer{s+1}.{i}', Block(cin, p, 2 if (i == 0 and s > 0) else 1))); cin = p
        self.names = [n for n, _ in blocks]
        self.blocks = nn.ModuleList([b for _, b in blocks])
        self.fc = nn.Linear(64, k)
    def forward(self, x):
        y = F.relu(self.bn(self.conv(x)))
        for b in self.blocks: y = b(y)
        z = y.mean(dim=(2, 3))
        return self.fc(z), z

m = ResNet20()
# non-trivial BN affine parameters and running statistics, so every term is exercised
with torch.no_grad():
    for mod in m.modules():
        if isinstance(mod, nn.BatchNorm2d):
            mod.weight.uniform_(0.5, 1.5); mod.bias.uniform_(-0.2, 0.2)
            mod.running_mean.uniform_(-0.1, 0.1); mod.running_var.uniform_(0.5, 1.5)

def conv(t): return t.detach().permute(2, 3, 1, 0).contiguous()  # [out,in,kh,kw] -> [kh,kw,in,out]
def bn(prefix, b, out):
    out[f'{prefix}/gamma'] = b.weight.detach(); out[f'{prefix}/beta'] = b.bias.detach()
    out[f'{prefix}/moving_mean'] = b.running_mean.clone(); out[f'{prefix}/moving_variance'] = b.running_var.clone()

def weights():
    w = {'stem/conv/kernel': conv(m.conv.weight)}; bn('stem/bn', m.bn, w)
    for n, b in zip(m.names, m.blocks):
        w[f'{n}/1/conv/kernel'] = conv(b.c1.weight); bn(f'{n}/1/bn', b.b1, w)
        w[f'{n}/2/conv/kernel'] = conv(b.c2.weight); bn(f'{n}/2/bn', b.b2, w)
        if b.sc is not None:
            w[f'{n}/shortcut/conv/kernel'] = conv(b.sc[0].weight); bn(f'{n}/shortcut/bn', b.sc[1], w)
    w['fc/kernel'] = m.fc.weight.detach().t().contiguous(); w['fc/bias'] = m.fc.bias.detach()
    return w

x = torch.rand(4, 3, 32, 32)
arrays = {f'weights/{k}': v for k, v in weights().items()}
arrays['input'] = x.permute(0, 2, 3, 1).contiguous()  # NHWC
m.eval()
with torch.no_grad():
    logits, z = m(x)
arrays['eval/logits'] = logits; arrays['eval/latent'] = z
m.train()
with torch.no_grad():
    logits, z = m(x)  # batch statistics; updates running statistics (momentum 0.1, unbiased var)
arrays['train/logits'] = logits; arrays['train/latent'] = z
for k, v in weights().items():
    if 'moving_' in k: arrays[f'after_train/{k}'] = v

here = os.path.dirname(os.path.abspath(__file__))
manifest, offset = [], 0
with open(os.path.join(here, 'resnet20.bin'), 'wb') as f:
    for name, t in arrays.items():
        data = t.detach().float().contiguous().numpy().tobytes()
        manifest.append({'name': name, 'shape': list(t.shape), 'offset': offset})
        f.write(data); offset += len(data)
with open(os.path.join(here, 'resnet20.json'), 'w') as f:
    json.dump({'torch': torch.__version__, 'arrays': manifest}, f, indent=0)
print('wrote', offset, 'bytes,', len(manifest), 'arrays; params', sum(p.numel() for p in m.parameters()))
