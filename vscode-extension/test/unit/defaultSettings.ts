import { Settings } from '../../src/bridgeSetup';

/** The settings as a user who changed nothing has them (package.json's defaults). */
export const defaultSettings: Settings = {
  host: undefined,
  port: undefined,
  toxArgs: [],
  autoRun: true,
  watchInclude: [],
  watchExclude: [],
  debounceMs: 100,
  onChange: 'restart',
  bridgePath: '',
  javaHome: '',
  revealTerminal: 'onFailure',
  notifyOnFailure: false,
};
