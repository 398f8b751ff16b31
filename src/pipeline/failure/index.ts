/** Failure semantics of the pipeline: error classification, retry policy, the storage error shape. */
export * from './classify';
export * from './retry-policy';
export * from './storage-error';
export * from './cancellation';
export * from './stall-settings';
export * from './reaper';
