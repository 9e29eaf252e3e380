/** LogSoftmax → LOG_SOFTMAX, with Softmax's axis rules (softmax.ts). */
import { BuiltinOperator, BuiltinOptions, LogSoftmaxOptionsT } from '../../tflite/generated/tflite';
import { lastAxisConverter } from './softmax';

export const logSoftmax = lastAxisConverter({
  op: BuiltinOperator.LOG_SOFTMAX,
  optionsType: BuiltinOptions.LogSoftmaxOptions,
  options: () => new LogSoftmaxOptionsT(),
});
