/**
 * The one run scheduler of {@code bridge watch} and {@code bridge stdio}: {@link
 * dev.toxserver.schedule.RunScheduler} decides what runs next (the queue, the merging of changes,
 * the change and manual-run policies, run ids) and reports through a {@link
 * dev.toxserver.schedule.RunListener}; {@link dev.toxserver.schedule.RunLoop} runs one {@link
 * dev.toxserver.schedule.QueuedRun} at a time on a connection of its own, which it replaces after
 * the server was lost. How a run is shown is the front end's {@link
 * dev.toxserver.schedule.RunExecutor}. It knows nothing of the command line, the editor or file
 * watching.
 */
package dev.toxserver.schedule;
