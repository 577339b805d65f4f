import { strict as assert } from 'assert';
import { ShellWordsError, splitShellWords } from '../../src/shellWords';

describe('splitShellWords', () => {
  it('splits on whitespace', () => {
    assert.deepEqual(splitShellWords('  -e py312   -- -x '), ['-e', 'py312', '--', '-x']);
  });

  it('groups quoted words and keeps quotes inside the other kind', () => {
    assert.deepEqual(splitShellWords(`-k "login and not slow" -m 'it''s'`), [
      '-k',
      'login and not slow',
      '-m',
      'its',
    ]);
    assert.deepEqual(splitShellWords(`"say 'hi'" 'a "b"'`), ["say 'hi'", 'a "b"']);
  });

  it('handles backslash escapes and empty quoted words', () => {
    assert.deepEqual(splitShellWords('a\\ b "c\\"d" ""'), ['a b', 'c"d', '']);
  });

  it('expands nothing', () => {
    assert.deepEqual(splitShellWords('$HOME *.py ~ `id` ;rm'), ['$HOME', '*.py', '~', '`id`', ';rm']);
  });

  it('rejects unclosed quotes', () => {
    assert.throws(() => splitShellWords('-k "oops'), ShellWordsError);
    assert.throws(() => splitShellWords("-k 'oops"), ShellWordsError);
  });

  it('gives no words for an empty line', () => {
    assert.deepEqual(splitShellWords('   '), []);
  });
});
