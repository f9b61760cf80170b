import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { noHardwareWebgpuReason } from '../../src-main/engine/backend/webgpu/hardware-hint.js';

describe('noHardwareWebgpuReason (auto loads Dawn only where a hardware adapter can exist)', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'ascl-icd-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const empty = path.join(dir, 'empty');
  const withIcd = path.join(dir, 'icd.d');
  mkdirSync(empty);
  mkdirSync(withIcd);
  writeFileSync(path.join(withIcd, 'nvidia_icd.json'), '{}');
  writeFileSync(path.join(empty, 'README'), 'not a manifest');

  it('linux, no manifest (missing folder, a folder without .json): a reason naming the folders', () => {
    const why = noHardwareWebgpuReason('linux', [path.join(dir, 'missing'), empty]);
    expect(why).toMatch(/no Vulkan driver manifest in .*missing, .*empty/);
  });
  it('linux, one .json manifest (nvidia_icd.json): null, Dawn may find a hardware adapter', () => {
    expect(noHardwareWebgpuReason('linux', [empty, withIcd])).toBeNull();
  });
  it('darwin and win32 (Metal, D3D12): null whatever the folders', () => {
    expect(noHardwareWebgpuReason('darwin', [empty])).toBeNull();
    expect(noHardwareWebgpuReason('win32', [empty])).toBeNull();
  });
});
