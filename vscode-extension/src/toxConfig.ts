import * as fs from 'fs';
import * as path from 'path';

/**
 * Whether a folder has a tox configuration at its top level: tox.ini, a setup.cfg with a
 * `[tox:tox]` section, or a pyproject.toml with `[tool.tox]` or `legacy_tox_ini`.
 */
export function hasToxConfig(folder: string): boolean {
  if (isFile(path.join(folder, 'tox.ini'))) {
    return true;
  }
  const setupCfg = read(path.join(folder, 'setup.cfg'));
  if (setupCfg !== undefined && /^\s*\[tox:tox\]/m.test(setupCfg)) {
    return true;
  }
  const pyproject = read(path.join(folder, 'pyproject.toml'));
  return (
    pyproject !== undefined &&
    (/^\s*\[tool\.tox(\.[^\]]*)?\]/m.test(pyproject) || /^\s*legacy_tox_ini\s*=/m.test(pyproject))
  );
}

function isFile(file: string): boolean {
  try {
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

function read(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}
