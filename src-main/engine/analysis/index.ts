/** Latent-space analysis (paper Section 2, supplementary 7 and Figure 6): one entry point. */
export {
  absoluteIntraClassDivergence, absoluteInterClassDivergence, relativeIntraClassDivergence,
  batchDivergences, latentDivergences, DivergenceAverager,
} from './divergence.js';
export type { Divergences, DivergenceOptions } from './divergence.js';
export { latentDivergence, rdivSweep } from './rdiv.js';
export type { RdivOptions, RdivPoint } from './rdiv.js';
export { latentTsne, embed2d, predictionEntropy } from './tsne.js';
export type { TsnePoint, TsneOptions } from './tsne.js';
