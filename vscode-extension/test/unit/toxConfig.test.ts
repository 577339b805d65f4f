import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { hasToxConfig } from '../../src/toxConfig';

describe('hasToxConfig', () => {
  let folder: string;
  beforeEach(() => (folder = fs.mkdtempSync(path.join(os.tmpdir(), 'tox-config-'))));
  afterEach(() => fs.rmSync(folder, { recursive: true, force: true }));
  const write = (name: string, text: string) => fs.writeFileSync(path.join(folder, name), text);

  it('is true for tox.ini', () => {
    write('tox.ini', '[tox]\n');
    assert.equal(hasToxConfig(folder), true);
  });

  it('is true only for a setup.cfg with [tox:tox]', () => {
    write('setup.cfg', '[metadata]\nname = x\n');
    assert.equal(hasToxConfig(folder), false);
    write('setup.cfg', '[metadata]\nname = x\n[tox:tox]\nenvlist = py312\n');
    assert.equal(hasToxConfig(folder), true);
  });

  it('is true only for a pyproject.toml with [tool.tox] or legacy_tox_ini', () => {
    write('pyproject.toml', '[project]\nname = "x"\n');
    assert.equal(hasToxConfig(folder), false);
    write('pyproject.toml', '[tool.tox]\nrequires = ["tox>=4"]\n');
    assert.equal(hasToxConfig(folder), true);
    write('pyproject.toml', '[tool.tox.env.py312]\ncommands = []\n');
    assert.equal(hasToxConfig(folder), true);
    write('pyproject.toml', '[tool.tox]\nlegacy_tox_ini = """\n[tox]\n"""\n');
    assert.equal(hasToxConfig(folder), true);
  });

  it('is false for an empty folder', () => {
    assert.equal(hasToxConfig(folder), false);
  });
});
