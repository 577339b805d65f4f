'use strict';
// Child processes that the test owns: each starts in a session (and so a process group) of its own,
// so that stopping it ends everything it started, and every wait has a deadline.
const { spawn } = require('node:child_process');
const fs = require('node:fs');

/** Polls `check` (sync or async) until it returns a truthy value; throws `what` after `ms`. */
async function waitFor(what, ms, check, pollMs = 50) {
  const deadline = Date.now() + ms;
  let last;
  for (;;) {
    try {
      const value = await check();
      if (value) return value;
    } catch (e) {
      last = e;
    }
    if (Date.now() >= deadline) {
      throw new Error(`timed out after ${ms} ms waiting for ${what}${last ? ` (last error: ${last.message})` : ''}`);
    }
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}

/** Starts `command` as a session leader; its stdout and stderr go to `logFile` and are kept in `.output`. */
function startGroup(command, args, { cwd, env, logFile }) {
  const log = fs.openSync(logFile, 'a');
  const child = spawn(command, args, { cwd, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  child.output = '';
  const keep = (chunk) => {
    child.output += chunk;
    fs.writeSync(log, chunk);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  child.exited = new Promise((resolve) => child.on('close', () => {
    fs.closeSync(log);
    resolve(child.exitCode ?? child.signalCode);
  }));
  child.on('error', (e) => { child.output += `\n${e.message}\n`; });
  return child;
}

/** Pids of the live (not zombie) processes in process group `pgid`. */
function groupMembers(pgid) {
  const pids = [];
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const stat = readStat(name);
    if (stat && stat.pgrp === pgid && stat.state !== 'Z') pids.push(Number(name));
  }
  return pids;
}

/** `/proc/PID/stat`'s state and process group, or null when the process is gone. */
function readStat(pid) {
  try {
    const text = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return { state: fields[0], ppid: Number(fields[1]), pgrp: Number(fields[2]) };
  } catch {
    return null;
  }
}

/** True while `pid` exists and is not a zombie. */
function isRunning(pid) {
  const stat = readStat(pid);
  return stat !== null && stat.state !== 'Z';
}

/** Live descendants of `pid` (children, their children, …): [{pid, cmdline}]. */
function descendants(pid) {
  const children = new Map();
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const stat = readStat(name);
    if (!stat || stat.state === 'Z') continue;
    if (!children.has(stat.ppid)) children.set(stat.ppid, []);
    children.get(stat.ppid).push(Number(name));
  }
  const found = [];
  const visit = (parent) => {
    for (const child of children.get(parent) || []) {
      let cmdline = '';
      try { cmdline = fs.readFileSync(`/proc/${child}/cmdline`, 'utf8').replace(/\0/g, ' ').trim(); } catch { /* gone */ }
      found.push({ pid: child, cmdline });
      visit(child);
    }
  };
  visit(pid);
  return found;
}

/** SIGTERM to the whole group, SIGKILL after `graceMs`; resolves when no member is left. */
async function stopGroup(child, graceMs = 5000) {
  if (!child || child.pid === undefined) return;
  const pgid = child.pid;
  const signal = (sig) => { try { process.kill(-pgid, sig); } catch { /* already gone */ } };
  signal('SIGTERM');
  try {
    await waitFor(`process group ${pgid} to exit`, graceMs, () => groupMembers(pgid).length === 0);
  } catch {
    signal('SIGKILL');
    await waitFor(`process group ${pgid} to die after SIGKILL`, 5000, () => groupMembers(pgid).length === 0);
  }
}

/** Live processes whose working directory or command line lies under `dir` (leftovers of a run). */
function processesUnder(dir) {
  const found = [];
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
    let cwd = '';
    let cmdline = '';
    try {
      cwd = fs.readlinkSync(`/proc/${name}/cwd`);
      cmdline = fs.readFileSync(`/proc/${name}/cmdline`, 'utf8').replace(/\0/g, ' ').trim();
    } catch {
      continue;
    }
    if (!isRunning(name)) continue;
    if (cwd === dir || cwd.startsWith(`${dir}/`) || cmdline.includes(dir)) {
      found.push({ pid: Number(name), cmdline });
    }
  }
  return found;
}

module.exports = { waitFor, startGroup, stopGroup, groupMembers, isRunning, descendants, processesUnder };
