import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { KeptOutput, ProblemsPanel } from '../../src/problemsPanel';
import { DiagnosticSeverity, FakeDiagnosticCollection, recorded } from '../fake/vscode';

describe('ProblemsPanel', () => {
  let workspace: string;
  let panel: ProblemsPanel;

  beforeEach(() => {
    recorded.reset();
    workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'tox-panel-'));
    for (const file of ['tests/test_calc.py', 'src/calc.py']) {
      fs.mkdirSync(path.join(workspace, path.dirname(file)), { recursive: true });
      fs.writeFileSync(path.join(workspace, file), '# python\n');
    }
    panel = new ProblemsPanel(workspace);
  });

  afterEach(() => {
    panel.dispose();
    fs.rmSync(workspace, { recursive: true, force: true });
  });

  const problems = (): FakeDiagnosticCollection => recorded.diagnosticCollections[0];

  it('shows each problem of the output as an error on its line, the container paths mapped to the workspace', () => {
    panel.show(
      '/srv/project/tests/test_calc.py:5: AssertionError\nsrc/calc.py:2: NameError\ntests/test_calc.py:9: in test_div\n',
      '/srv/project',
    );

    assert.equal(problems().name, 'tox');
    assert.deepEqual([...problems().entries.keys()].sort(), [
      path.join(workspace, 'src', 'calc.py'),
      path.join(workspace, 'tests', 'test_calc.py'),
    ]);
    const inTests = problems().entries.get(path.join(workspace, 'tests', 'test_calc.py')) ?? [];
    assert.deepEqual(
      inTests.map((d) => [d.range.startLine, d.message, d.severity, d.source]),
      [
        [4, 'AssertionError', DiagnosticSeverity.Error, 'tox'],
        [8, 'in test_div', DiagnosticSeverity.Error, 'tox'],
      ],
    );
  });

  it('replaces the last run’s problems, and clears them', () => {
    panel.show('tests/test_calc.py:5: AssertionError\n', undefined);
    panel.show('src/calc.py:2: NameError\n', undefined);
    assert.deepEqual([...problems().entries.keys()], [path.join(workspace, 'src', 'calc.py')]);

    panel.clear();
    assert.equal(problems().entries.size, 0);
  });
});

describe('KeptOutput', () => {
  it('keeps everything up to the limit', () => {
    const output = new KeptOutput(10);
    output.add('abc');
    output.add('defg');
    assert.equal(output.text(), 'abcdefg');
  });

  it('drops the oldest chunks beyond the limit, never the last one', () => {
    const output = new KeptOutput(10);
    output.add('first ');
    output.add('second ');
    output.add('third');
    assert.equal(output.text(), 'third');
    output.add('a chunk longer than the limit');
    assert.equal(output.text(), 'a chunk longer than the limit');
  });
});
