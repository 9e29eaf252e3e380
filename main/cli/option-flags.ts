/**
 * Engine errors name the option they are about by its engine name (`LowbitError.option`) and
 * say what is wrong in plain words; the CLI reports them with the flag a user types.
 * Add a line here when an engine option gets a CLI flag under another spelling.
 */
import type { LowbitError } from '../engine/errors';

const FLAGS: Record<string, string> = {
  calibration: '--calibration',
  inputShape: '--input-shape',
  io: '--io',
  ioLayout: '--io-layout',
  keepFloat: '--keep-float',
  method: '--calibration-method',
  minElements: '--min-elements',
  preprocess: '--preprocess',
  recipe: '--recipe',
  strict: '--strict',
  technique: '--technique',
};

/** The error's message with the CLI flag of its option in front ("--strict: 2 operator(s)..."). */
export function messageWithFlag(e: LowbitError): string {
  const flag = e.option !== undefined ? FLAGS[e.option] : undefined;
  return flag ? `${flag}: ${e.message}` : e.message;
}
