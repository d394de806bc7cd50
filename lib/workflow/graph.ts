/**
 * Pure graph utilities over a workflow's tasks. Edges come from `dependsOn` and point downstream:
 * `b.dependsOn = ["a"]` is the edge a → b (a runs first).
 *
 * Works on any list of `{ key, dependsOn? }`, valid or not: a dependency on an unknown key is
 * ignored, and when a key is used twice the first task with it is the one referenced.
 */

export interface GraphTask {
  key: string;
  dependsOn?: readonly string[];
}

/** An edge from an upstream task to a downstream task. */
export interface Edge {
  from: string;
  to: string;
}

export interface TaskGraph {
  /** Task keys in their original order. */
  readonly keys: readonly string[];
  /** Position of the first task with this key, or undefined. */
  indexOf(taskKey: string): number | undefined;
  /** Edges in task order, each once; unknown dependencies left out. */
  edges(): Edge[];
  /** Direct upstream tasks (known dependencies, each once, in dependsOn order). */
  parentsOf(taskKey: string): string[];
  /** Direct downstream tasks, in task order. */
  childrenOf(taskKey: string): string[];
  /** Every task the given task transitively depends on, in task order (itself excluded). */
  upstreamOf(taskKey: string): string[];
  /** Every task that transitively depends on the given task, in task order (itself excluded). */
  downstreamOf(taskKey: string): string[];
  /** Tasks without (known) dependencies, in task order. */
  roots(): string[];
  /** Tasks nothing depends on, in task order. */
  leaves(): string[];
  /**
   * Task positions in topological order, ties broken by original position (the smallest ready
   * position first), or null when the graph has a cycle (a self-dependency counts).
   */
  topologicalIndexes(): number[] | null;
  /** Task keys in stable topological order, or null when the graph has a cycle. */
  topologicalOrder(): string[] | null;
  /**
   * One cycle per strongly connected component that has one, each as the keys on it in flow
   * order, starting at the task that comes first in the list (a self-dependency is `[key]`).
   * Cycles are ordered by that first task's position.
   */
  findCycles(): string[][];
}

/** Builds the graph once; use it when asking many questions about the same tasks. */
export function buildTaskGraph(tasks: readonly GraphTask[]): TaskGraph {
  const keys = tasks.map((task) => task.key);
  const firstIndex = new Map<string, number>();
  keys.forEach((key, index) => {
    if (!firstIndex.has(key)) firstIndex.set(key, index);
  });

  // parents[i]: positions of the tasks that task i depends on; children[j]: the reverse.
  const parents: number[][] = tasks.map(() => []);
  const children: number[][] = tasks.map(() => []);
  tasks.forEach((task, index) => {
    const seen = new Set<number>();
    for (const dependency of Array.isArray(task.dependsOn) ? task.dependsOn : []) {
      const parent = firstIndex.get(dependency);
      if (parent === undefined || seen.has(parent)) continue;
      seen.add(parent);
      parents[index]!.push(parent);
      children[parent]!.push(index);
    }
  });
  for (const list of children) list.sort((a, b) => a - b);

  const reach = (start: number, next: number[][]): string[] => {
    const seen = new Set<number>();
    const stack = [...next[start]!];
    while (stack.length > 0) {
      const node = stack.pop()!;
      if (seen.has(node)) continue;
      seen.add(node);
      stack.push(...next[node]!);
    }
    seen.delete(start);
    return [...seen].sort((a, b) => a - b).map((index) => keys[index]!);
  };

  const topologicalIndexes = (): number[] | null => {
    const remaining = parents.map((list) => list.length);
    // A binary heap of ready positions keeps the order stable at O(n log n).
    const heap: number[] = [];
    const push = (value: number) => {
      heap.push(value);
      let at = heap.length - 1;
      while (at > 0) {
        const up = (at - 1) >> 1;
        if (heap[up]! <= value) break;
        heap[at] = heap[up]!;
        at = up;
      }
      heap[at] = value;
    };
    const pop = (): number => {
      const top = heap[0]!;
      const last = heap.pop()!;
      if (heap.length > 0) {
        let at = 0;
        for (;;) {
          const left = at * 2 + 1;
          if (left >= heap.length) break;
          const right = left + 1;
          const child = right < heap.length && heap[right]! < heap[left]! ? right : left;
          if (heap[child]! >= last) break;
          heap[at] = heap[child]!;
          at = child;
        }
        heap[at] = last;
      }
      return top;
    };
    remaining.forEach((count, index) => {
      if (count === 0) push(index);
    });
    const order: number[] = [];
    while (heap.length > 0) {
      const node = pop();
      order.push(node);
      for (const child of children[node]!) {
        remaining[child]! -= 1;
        if (remaining[child] === 0) push(child);
      }
    }
    return order.length === tasks.length ? order : null;
  };

  const findCycles = (): string[][] => {
    const components = stronglyConnectedComponents(children);
    const cycles: string[][] = [];
    for (const component of components) {
      const start = Math.min(...component);
      if (component.length === 1) {
        if (children[start]!.includes(start)) cycles.push([keys[start]!]);
        continue;
      }
      cycles.push(shortestCycleThrough(start, new Set(component), children).map((index) => keys[index]!));
    }
    return cycles.sort((a, b) => firstIndex.get(a[0]!)! - firstIndex.get(b[0]!)!);
  };

  return {
    keys,
    indexOf: (taskKey) => firstIndex.get(taskKey),
    edges: () =>
      parents.flatMap((list, index) => list.map((parent) => ({ from: keys[parent]!, to: keys[index]! }))),
    parentsOf: (taskKey) => {
      const index = firstIndex.get(taskKey);
      return index === undefined ? [] : parents[index]!.map((parent) => keys[parent]!);
    },
    childrenOf: (taskKey) => {
      const index = firstIndex.get(taskKey);
      return index === undefined ? [] : children[index]!.map((child) => keys[child]!);
    },
    upstreamOf: (taskKey) => {
      const index = firstIndex.get(taskKey);
      return index === undefined ? [] : reach(index, parents);
    },
    downstreamOf: (taskKey) => {
      const index = firstIndex.get(taskKey);
      return index === undefined ? [] : reach(index, children);
    },
    roots: () => keys.filter((_, index) => parents[index]!.length === 0),
    leaves: () => keys.filter((_, index) => children[index]!.length === 0),
    topologicalIndexes,
    topologicalOrder: () => topologicalIndexes()?.map((index) => keys[index]!) ?? null,
    findCycles,
  };
}

/** Tarjan's algorithm, iterative (a 2000-task chain must not exhaust the call stack). */
function stronglyConnectedComponents(next: number[][]): number[][] {
  const count = next.length;
  const index = new Array<number>(count).fill(-1);
  const low = new Array<number>(count).fill(0);
  const onStack = new Array<boolean>(count).fill(false);
  const stack: number[] = [];
  const components: number[][] = [];
  let counter = 0;
  for (let root = 0; root < count; root += 1) {
    if (index[root] !== -1) continue;
    const work: Array<{ node: number; edge: number }> = [{ node: root, edge: 0 }];
    index[root] = low[root] = counter++;
    stack.push(root);
    onStack[root] = true;
    while (work.length > 0) {
      const frame = work[work.length - 1]!;
      const edges = next[frame.node]!;
      if (frame.edge < edges.length) {
        const target = edges[frame.edge++]!;
        if (index[target] === -1) {
          index[target] = low[target] = counter++;
          stack.push(target);
          onStack[target] = true;
          work.push({ node: target, edge: 0 });
        } else if (onStack[target]) {
          low[frame.node] = Math.min(low[frame.node]!, index[target]!);
        }
        continue;
      }
      work.pop();
      const parent = work[work.length - 1];
      if (parent) low[parent.node] = Math.min(low[parent.node]!, low[frame.node]!);
      if (low[frame.node] === index[frame.node]) {
        const component: number[] = [];
        for (;;) {
          const member = stack.pop()!;
          onStack[member] = false;
          component.push(member);
          if (member === frame.node) break;
        }
        components.push(component);
      }
    }
  }
  return components;
}

/** Breadth-first search from start back to start, inside one component: start → … → start. */
function shortestCycleThrough(start: number, members: Set<number>, next: number[][]): number[] {
  const previous = new Map<number, number>();
  const queue = [start];
  for (let head = 0; head < queue.length; head += 1) {
    const node = queue[head]!;
    for (const target of next[node]!) {
      if (!members.has(target)) continue;
      if (target === start) {
        const path = [node];
        for (let at = node; at !== start; ) {
          at = previous.get(at)!;
          path.push(at);
        }
        return path.reverse();
      }
      if (!previous.has(target)) {
        previous.set(target, node);
        queue.push(target);
      }
    }
  }
  return [start];
}

/** Edges from upstream to downstream tasks. */
export function edgesOf(tasks: readonly GraphTask[]): Edge[] {
  return buildTaskGraph(tasks).edges();
}

/** Task keys in stable topological order (ties by original position), or null when cyclic. */
export function topologicalOrder(tasks: readonly GraphTask[]): string[] | null {
  return buildTaskGraph(tasks).topologicalOrder();
}

/** Cycles, each as the task keys on it in flow order (see TaskGraph.findCycles). */
export function findCycles(tasks: readonly GraphTask[]): string[][] {
  return buildTaskGraph(tasks).findCycles();
}

/** Every task that transitively depends on taskKey, in task order. */
export function downstreamOf(tasks: readonly GraphTask[], taskKey: string): string[] {
  return buildTaskGraph(tasks).downstreamOf(taskKey);
}

/** Every task that taskKey transitively depends on, in task order. */
export function upstreamOf(tasks: readonly GraphTask[], taskKey: string): string[] {
  return buildTaskGraph(tasks).upstreamOf(taskKey);
}

/** Tasks without dependencies. */
export function rootsOf(tasks: readonly GraphTask[]): string[] {
  return buildTaskGraph(tasks).roots();
}

/** Tasks nothing depends on. */
export function leavesOf(tasks: readonly GraphTask[]): string[] {
  return buildTaskGraph(tasks).leaves();
}
