// The benchmark workflows (BENCHMARKS.md), as definitions saved through the API or saveWorkflow.
// Every transform returns its input + 1, so the final value doubles as a check that each task ran.

type Task = Record<string, unknown>;
export type BenchWorkflow = { name: string; description: string; tasks: Task[]; output?: unknown };

const plusOne = (key: string, from: string | null, dependsOn: string[] = from ? [from] : []): Task => ({
  key,
  type: "transform",
  ...(dependsOn.length > 0 ? { dependsOn } : {}),
  params: { output: from ? `{% $tasks.${from}.output + 1 %}` : "{% ($exists($input.value) ? $input.value : 0) + 1 %}" },
});

/** n sequential transforms t1 → t2 → … → tn; output n (+ input.value). */
export function chain(name: string, n: number): BenchWorkflow {
  const tasks = Array.from({ length: n }, (_, i) => plusOne(`t${i + 1}`, i === 0 ? null : `t${i}`));
  return { name, description: `${n} sequential transforms, each returning its input + 1`, tasks, output: `{% $tasks.t${n}.output %}` };
}

/** start → `branches` parallel branches of `depth` transforms each → join (the sum of the branch ends). */
export function fanout(name: string, branches: number, depth: number): BenchWorkflow {
  const tasks: Task[] = [plusOne("start", null)];
  const ends: string[] = [];
  for (let b = 1; b <= branches; b++) {
    let previous = "start";
    for (let d = 1; d <= depth; d++) {
      const key = `b${b}_${d}`;
      tasks.push(plusOne(key, previous));
      previous = key;
    }
    ends.push(previous);
  }
  tasks.push({ key: "join", type: "transform", dependsOn: ends, params: { output: `{% $sum([${ends.map((end) => `$tasks.${end}.output`).join(", ")}]) %}` } });
  return { name, description: `start, ${branches} parallel branches of ${depth} transforms, join`, tasks, output: "{% $tasks.join.output %}" };
}

/** One wait task. */
export function wait(name: string, durationMs: number): BenchWorkflow {
  return { name, description: `one wait task of ${durationMs} ms`, tasks: [{ key: "pause", type: "wait", params: { durationMs } }] };
}

export const HTTP_WORKLOADS = {
  chain10: { workflow: chain("bench-chain10", 10), expectedOutput: 10 },
  fanout: { workflow: fanout("bench-fanout", 8, 2), expectedOutput: 8 * 3 },
  wait: { workflow: wait("bench-wait", 100), expectedOutput: undefined },
} as const;
export type HttpWorkloadName = keyof typeof HTTP_WORKLOADS;

export const ENGINE_WORKLOADS = {
  chain100: chain("bench-chain100", 100),
  fanout1000: fanout("bench-fanout1000", 1000, 1),
  tasks10: chain("bench-tasks10", 10),
};
