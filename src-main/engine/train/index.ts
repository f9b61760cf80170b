/** The training engine's entry points. */
export { train, type TrainOptions } from './trainer.js';
export { makeTrainStep, NonFiniteLossError, type TrainStepSetup, type StepCall, type StepResult } from './step.js';
export { createOptimizer, type TrainOptimizer, type OptimizerState } from './optimizer.js';
export { learningRateAt } from './schedule.js';
export { validateTrainingConfig, validateModelForConfig } from './validate.js';
export type * from './types.js';
