// Copies the repository's bridge launcher and shaded jar into the extension (bridge/bin, bridge/target),
// so the .vsix carries them. Run after 'mvn package' has built bridge/target/bridge.jar.
import { chmodSync, copyFileSync, existsSync, mkdirSync } from 'fs';
import { join } from 'path';

const here = new URL('..', import.meta.url).pathname;
const repoBridge = join(here, '..', 'bridge');
const copies = [
  ['bin/bridge', 0o755],
  ['target/bridge.jar', 0o644],
];
for (const [file, mode] of copies) {
  const from = join(repoBridge, file);
  if (!existsSync(from)) {
    console.error(`copy-bridge: ${from} is missing. Build the bridge first: (cd .. && mvn -q package -DskipTests -pl bridge -am)`);
    process.exit(1);
  }
  const to = join(here, 'bridge', file);
  mkdirSync(join(to, '..'), { recursive: true });
  copyFileSync(from, to);
  chmodSync(to, mode);
}
// vsce writes the package into target/ but does not create it.
mkdirSync(join(here, 'target'), { recursive: true });
console.log('copy-bridge: bridge/bin/bridge and bridge/target/bridge.jar copied');
