import { Clock } from '../../src/statusBar';

/** A clock the test moves by hand; `every` ticks when the time passes a multiple of its period. */
export class ManualClock implements Clock {
  time = 1_000_000;
  private timers: Array<{ ms: number; next: number; tick: () => void; live: boolean }> = [];
  now(): number {
    return this.time;
  }
  every(ms: number, tick: () => void) {
    const timer = { ms, next: this.time + ms, tick, live: true };
    this.timers.push(timer);
    return { dispose: () => (timer.live = false) };
  }
  advance(ms: number): void {
    const end = this.time + ms;
    for (;;) {
      const due = this.timers.filter((t) => t.live && t.next <= end).sort((a, b) => a.next - b.next)[0];
      if (!due) break;
      this.time = due.next;
      due.next += due.ms;
      due.tick();
    }
    this.time = end;
  }
  get liveTimers(): number {
    return this.timers.filter((t) => t.live).length;
  }
}
