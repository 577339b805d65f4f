// Mocha --require hook: `require('vscode')` in the code under test gets the fake in ./vscode.
import * as path from 'path';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const Module = require('module') as { _resolveFilename: (request: string, ...rest: unknown[]) => string };

const fake = path.join(__dirname, 'vscode.js');
const original = Module._resolveFilename;
Module._resolveFilename = function (request: string, ...rest: unknown[]): string {
  return request === 'vscode' ? fake : original.call(this, request, ...rest);
};
