import { strict as assert } from 'assert';
import { LineEndings, headerLine, outcomeOf, resultLine } from '../../src/terminalText';

describe('terminalText', () => {
  describe('LineEndings', () => {
    it('turns \\n into \\r\\n', () => {
      assert.equal(new LineEndings().convert('one\ntwo\n'), 'one\r\ntwo\r\n');
    });

    it('leaves an existing \\r\\n and a lone \\r alone', () => {
      assert.equal(new LineEndings().convert('a\r\nb\rc\n'), 'a\r\nb\rc\r\n');
    });

    it('leaves a \\r\\n split between two chunks alone', () => {
      const endings = new LineEndings();
      assert.equal(endings.convert('line\r'), 'line\r');
      assert.equal(endings.convert('\nnext\n'), '\nnext\r\n');
    });

    it('adds \\r to a \\n that starts a chunk after a chunk without \\r', () => {
      const endings = new LineEndings();
      assert.equal(endings.convert('partial'), 'partial');
      assert.equal(endings.convert('\n'), '\r\n');
      assert.equal(endings.convert('\n\n'), '\r\n\r\n');
    });

    it('passes ANSI escapes and partial lines through at once', () => {
      const endings = new LineEndings();
      assert.equal(endings.convert('\x1b[31mFAILED\x1b[0m'), '\x1b[31mFAILED\x1b[0m');
      assert.equal(endings.convert(' test_x\n\x1b[1m'), ' test_x\r\n\x1b[1m');
    });

    it('handles empty chunks', () => {
      const endings = new LineEndings();
      assert.equal(endings.convert('a\r'), 'a\r');
      assert.equal(endings.convert(''), '');
      assert.equal(endings.convert('\n'), '\n');
    });
  });

  describe('headerLine', () => {
    const at = new Date(2026, 10, 27, 14, 3, 12);

    it('names a manual run, bold', () => {
      const line = headerLine({ runId: 3, trigger: 'manual', changedFiles: [], args: [] }, at);
      assert.equal(line, '\x1b[1m▶ Run 3 · manual · 14:03:12\x1b[0m\r\n');
    });

    it('names the saved file of a change run', () => {
      const line = headerLine(
        { runId: 3, trigger: 'change', changedFiles: ['tests/test_frobulator.py'], args: [] },
        at,
      );
      assert.equal(line, '\x1b[1m▶ Run 3 · on save: tests/test_frobulator.py · 14:03:12\x1b[0m\r\n');
    });

    it('appends the tox arguments', () => {
      const line = headerLine({ runId: 4, trigger: 'manual', changedFiles: [], args: ['-e', 'py312'] }, at);
      assert.equal(line, '\x1b[1m▶ Run 4 · manual · 14:03:12 · tox -e py312\x1b[0m\r\n');
    });

    it('shortens many changed files', () => {
      const files = ['a.py', 'b.py', 'c.py', 'd.py', 'e.py'];
      const line = headerLine({ runId: 5, trigger: 'change', changedFiles: files, args: [] }, at);
      assert.match(line, /on save: a\.py, b\.py, c\.py and 2 more · /);
    });
  });

  describe('resultLine', () => {
    it('says passed, in green', () => {
      const line = resultLine(outcomeOf({ returncode: 0, cancelled: false, durationMs: 2140 }));
      assert.equal(line, '\x1b[0m\x1b[32m✔ passed in 2.1 s\x1b[0m\r\n');
    });

    it('says failed with the exit code, in red', () => {
      const line = resultLine(outcomeOf({ returncode: 1, cancelled: false, durationMs: 2100 }));
      assert.equal(line, '\x1b[0m\x1b[31m✘ failed (exit 1) in 2.1 s\x1b[0m\r\n');
    });

    it('says cancelled, in yellow, never failed (even with a returncode)', () => {
      const line = resultLine(outcomeOf({ returncode: -15, cancelled: true, durationMs: 830 }));
      assert.equal(line, '\x1b[0m\x1b[33m■ cancelled after 0.8 s\x1b[0m\r\n');
    });

    it('says cancelled for a run cancelled while queued', () => {
      assert.match(resultLine(outcomeOf({ cancelled: true, durationMs: 0 })), /■ cancelled after 0\.0 s/);
    });

    it('says error with the message, in red', () => {
      const line = resultLine(outcomeOf({ cancelled: false, durationMs: 0, error: 'server unreachable' }));
      assert.equal(line, '\x1b[0m\x1b[31m✘ error: server unreachable\x1b[0m\r\n');
    });
  });
});
