import { QueueBudget, type BudgetedQueue } from '../../lib/delivery/queue-budget.js';

/** A queue whose socket holds `held` bytes; cutting it records its name. */
function queue(name: string, cuts: string[], held = 0): BudgetedQueue & { held: number } {
  return {
    held,
    bufferedAmount() {
      return this.held;
    },
    cut() {
      cuts.push(name);
    },
  };
}

describe('QueueBudget', () => {
  it('cuts the queues holding most until the sum fits, and only those', () => {
    const cuts: string[] = [];
    const budget = new QueueBudget(1000);
    const [a, b, c, d] = [queue('a', cuts, 100), queue('b', cuts, 500), queue('c', cuts, 300), queue('d', cuts, 450)];
    for (const q of [a, b, c]) budget.update(q, q.held);
    expect(cuts).toEqual([]);
    budget.update(d, d.held);
    // 1350 > 1000: b (500) goes, then 850 fits.
    expect(cuts).toEqual(['b']);
    expect(budget.queuedBytes()).toBe(850);
  });

  it('refreshes drained queues before cutting anyone for them', () => {
    const cuts: string[] = [];
    const budget = new QueueBudget(1000);
    const [a, b] = [queue('a', cuts, 900), queue('b', cuts, 300)];
    budget.update(a, a.held);
    // a drained without writing again: its 900 are stale.
    a.held = 0;
    budget.update(b, b.held);
    expect(cuts).toEqual([]);
    expect(budget.queuedBytes()).toBe(300);
  });

  it('with no limit tracks but never cuts', () => {
    const cuts: string[] = [];
    const budget = new QueueBudget(0);
    const q = queue('q', cuts, 1 << 30);
    budget.update(q, q.held);
    expect(cuts).toEqual([]);
    budget.remove(q);
    expect(budget.queuedBytes()).toBe(0);
  });
});
