/**
 * The renderer's one door into main/: the IPC contract (types plus the two runtime helpers,
 * buildApi and ApiError, which have no dependencies) and the browser-mode wire codec (pure, shared
 * with the host). Renderer code imports the contract from here, so the path into main/ is written
 * once.
 */
export * from '../../../main/contract/types';
export { decode, encode } from '../../../main/contract/wire';
export { distinguishingNames, fitName, middleEllipsis } from '../../../main/contract/tensor-names';
export { TRAIN_DEFAULTS } from '../../../main/contract/train';
