/**
 * Running one command as a process tree of its own: starting it without a shell, pumping its
 * output, ending the whole tree on cancel ({@link dev.toxserver.process.CommandRun}, {@link
 * dev.toxserver.process.ProcessTree}).
 */
package dev.toxserver.process;
