/** The reference's schedules (fra31/auto-attack: the APGD checkpoint schedule and Square's p schedule). */
import { describe, expect, it } from 'vitest';
import { apgdCheckpoints } from '../../src-main/engine/attacks/apgd.js';
import { squareP, squareSideLength } from '../../src-main/engine/attacks/square.js';

describe('AutoAttack schedules', () => {
  it('APGD with 100 iterations checks its step size after iterations 22, 41, 57, 70, 80, 87, 93, 99', () => {
    const c = apgdCheckpoints(100);
    expect(c.map((x) => x.iter + 1)).toEqual([22, 41, 57, 70, 80, 87, 93, 99]);
    expect(c.map((x) => x.window)).toEqual([22, 19, 16, 13, 10, 7, 6, 6]);
  });

  it('Square p schedule (p_init 0.8, resc_schedule False): halves at iterations > 10, 50, 200, 500, 1000, 2000, 4000, 6000, 8000', () => {
    expect([0, 10, 11, 50, 51, 200, 201, 500, 501, 1000, 1001, 2000, 2001, 4000, 4001, 6000, 6001, 8000, 8001].map((i) => squareP(i, 0.8)))
      .toEqual([0.8, 0.8, 0.4, 0.4, 0.2, 0.2, 0.1, 0.1, 0.05, 0.05, 0.025, 0.025, 0.0125, 0.0125, 0.00625, 0.00625, 0.003125, 0.003125, 0.0015625]);
  });

  it('Square side lengths on 32x32 CIFAR images: 29, 20, 14, 10, 7, 5, 4, 3 over the 5000 queries', () => {
    expect([0, 11, 51, 201, 501, 1001, 2001, 4001].map((i) => squareSideLength(i, 0.8, 32, 32))).toEqual([29, 20, 14, 10, 7, 5, 4, 3]);
  });
});
