import { SecureConfigError } from '../../src';

/** The message of the SecureConfigError `f` throws; fails the test if it throws nothing, or another class. */
export function thrown(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(SecureConfigError);
    return (e as Error).message;
  }
  throw new Error('expected a SecureConfigError');
}
