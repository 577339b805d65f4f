import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { PathMapper, findProblems } from '../../src/outputProblems';

describe('outputProblems', () => {
  let workspace: string;

  beforeEach(() => {
    workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'tox-problems-'));
    for (const file of ['tests/test_calc.py', 'tests/helpers.py', 'src/calc.py']) {
      fs.mkdirSync(path.join(workspace, path.dirname(file)), { recursive: true });
      fs.writeFileSync(path.join(workspace, file), '# python\n');
    }
  });

  afterEach(() => {
    fs.rmSync(workspace, { recursive: true, force: true });
  });

  const at = (file: string) => path.join(workspace, file);

  it('finds pytest location lines with relative paths', () => {
    const output = [
      '    def test_add():',
      '>       assert add(1, 2) == 4',
      'E       assert 3 == 4',
      '',
      'tests/test_calc.py:12: AssertionError',
      '=========================== short test summary info ============================',
    ].join('\n');
    assert.deepEqual(findProblems(output, new PathMapper(workspace, undefined)), [
      { file: at('tests/test_calc.py'), line: 12, message: 'AssertionError' },
    ]);
  });

  it('strips colours and reads lines split with \\r\\n', () => {
    const output = '\x1b[1m\x1b[31mtests/test_calc.py\x1b[0m:7: in test_div\r\n';
    assert.deepEqual(findProblems(output, new PathMapper(workspace, undefined)), [
      { file: at('tests/test_calc.py'), line: 7, message: 'in test_div' },
    ]);
  });

  it('maps absolute paths under the server working directory to the workspace', () => {
    const output = '/srv/project/tests/test_calc.py:3: NameError\n';
    assert.deepEqual(findProblems(output, new PathMapper(workspace, '/srv/project')), [
      { file: at('tests/test_calc.py'), line: 3, message: 'NameError' },
    ]);
    assert.deepEqual(findProblems(output, new PathMapper(workspace, '/srv/project/')), [
      { file: at('tests/test_calc.py'), line: 3, message: 'NameError' },
    ]);
  });

  it('without the server working directory, maps only relative paths and absolute paths in the workspace', () => {
    const output = [
      '/srv/project/tests/test_calc.py:3: NameError',
      `${at('src/calc.py')}:9: E501 line too long`,
    ].join('\n');
    assert.deepEqual(findProblems(output, new PathMapper(workspace, undefined)), [
      { file: at('src/calc.py'), line: 9, message: 'E501 line too long' },
    ]);
  });

  it('skips files that do not exist in the workspace, and paths that leave it', () => {
    const output = [
      'tests/test_gone.py:3: AssertionError',
      '../outside.py:1: SyntaxError',
      '/usr/lib/python3.12/unittest/case.py:919: AssertionError',
      '/srv/project/../etc/passwd:1: x',
    ].join('\n');
    assert.deepEqual(findProblems(output, new PathMapper(workspace, '/srv/project')), []);
  });

  it('reads a unittest traceback: every workspace frame gets the exception line', () => {
    const output = [
      '======================================================================',
      'FAIL: test_add (tests.test_calc.CalcTest.test_add)',
      '----------------------------------------------------------------------',
      'Traceback (most recent call last):',
      '  File "/srv/project/tests/test_calc.py", line 8, in test_add',
      '    self.assertEqual(helpers.add(1, 2), 4)',
      '  File "/srv/project/tests/helpers.py", line 2, in add',
      '    check(a + b)',
      '  File "/usr/lib/python3.12/unittest/case.py", line 885, in assertEqual',
      '    assertion_func(first, second, msg=msg)',
      '    ~~~~~~~~~~~~~~^^^^^^^^^^^^^^^',
      'AssertionError: 3 != 4',
      '',
      '----------------------------------------------------------------------',
      'Ran 1 test in 0.001s',
    ].join('\n');
    assert.deepEqual(findProblems(output, new PathMapper(workspace, '/srv/project')), [
      { file: at('tests/test_calc.py'), line: 8, message: 'AssertionError: 3 != 4' },
      { file: at('tests/helpers.py'), line: 2, message: 'AssertionError: 3 != 4' },
    ]);
  });

  it('reads chained tracebacks (pytest --tb=native) each with its own exception', () => {
    const output = [
      'Traceback (most recent call last):',
      '  File "src/calc.py", line 4, in div',
      '    return a / b',
      'ZeroDivisionError: division by zero',
      '',
      'During handling of the above exception, another exception occurred:',
      '',
      'Traceback (most recent call last):',
      '  File "tests/test_calc.py", line 20, in test_div',
      '    div(1, 0)',
      'ValueError: bad input',
    ].join('\n');
    assert.deepEqual(findProblems(output, new PathMapper(workspace, undefined)), [
      { file: at('src/calc.py'), line: 4, message: 'ZeroDivisionError: division by zero' },
      { file: at('tests/test_calc.py'), line: 20, message: 'ValueError: bad input' },
    ]);
  });

  it('ignores a traceback cut off before its exception line, and drops duplicates', () => {
    const output = [
      'tests/test_calc.py:5: AssertionError',
      'tests/test_calc.py:5: AssertionError',
      'Traceback (most recent call last):',
      '  File "tests/test_calc.py", line 9, in test_x',
    ].join('\n');
    assert.deepEqual(findProblems(output, new PathMapper(workspace, undefined)), [
      { file: at('tests/test_calc.py'), line: 5, message: 'AssertionError' },
    ]);
  });

  it('does not take timestamps or URLs for locations', () => {
    const output = ['14:03:12: started', 'see http://example.com:80: for details'].join('\n');
    assert.deepEqual(findProblems(output, new PathMapper(workspace, undefined)), []);
  });
});
