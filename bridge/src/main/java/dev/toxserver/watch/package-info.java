/**
 * Watching a project directory for changed files, for {@code bridge watch} and the JSON-RPC mode:
 * {@link dev.toxserver.watch.ProjectWatcher} reports {@link dev.toxserver.watch.ChangeBatch}es of
 * the files that changed, with the {@link dev.toxserver.watch.PathFilter} deciding what is watched
 * and what triggers. It knows nothing of the command line or the network.
 */
package dev.toxserver.watch;
