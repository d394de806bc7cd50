"use client";

import { useMemo, useState } from "react";
import { FlaskConical, Loader2 } from "lucide-react";
import type { WorkflowTestResult } from "@/lib/services/workflow-test/schema";
import { MUST_MOCK_TYPES } from "@/lib/workflow/test-file";
import { toSubmission, type DraftDefinition } from "@/lib/editor/document";
import { StatusBadge } from "@/components/monitor/status-visual";
import { Button } from "@/components/ui/button";


type Problem = { message: string; details: { path: string; message: string }[] };

const AREA = "h-20 w-full resize-y rounded-md border border-zinc-200 bg-white p-2 font-mono text-xs dark:border-zinc-700 dark:bg-zinc-950";

function parseJson(text: string, what: string): { ok: true; value: unknown } | { ok: false; problem: Problem } {
  try {
    return { ok: true, value: text.trim() === "" ? {} : JSON.parse(text) };
  } catch (error) {
    return { ok: false, problem: { message: `${what} is not JSON: ${error instanceof Error ? error.message : String(error)}`, details: [] } };
  }
}

/**
 * The designer's Test panel: runs the unsaved draft with an input and mocked task outcomes through
 * POST /api/workflows/test (the real engine on a throwaway database: no execution is recorded),
 * lists every task's result and hands the statuses to the canvas, which colours its cards.
 */
export function TestPanel({ draft, onResult, onClose }: { draft: DraftDefinition; onResult: (result: WorkflowTestResult | null) => void; onClose: () => void }) {
  const outside = useMemo(() => draft.tasks.filter((task) => MUST_MOCK_TYPES.has(task.type)).map((task) => task.key), [draft.tasks]);
  const [input, setInput] = useState("{}");
  const [mocks, setMocks] = useState(() => JSON.stringify(Object.fromEntries(outside.map((key) => [key, { output: {} }])), null, 2));
  const [running, setRunning] = useState(false);
  const [result, setResult] = useState<WorkflowTestResult | null>(null);
  const [problem, setProblem] = useState<Problem | null>(null);

  const run = async () => {
    const parsedInput = parseJson(input, "The input");
    const parsedMocks = parseJson(mocks, "The mocks");
    if (!parsedInput.ok || !parsedMocks.ok) {
      setProblem(!parsedInput.ok ? parsedInput.problem : (parsedMocks as { problem: Problem }).problem);
      return;
    }
    setRunning(true);
    setProblem(null);
    try {
      const response = await fetch("/api/workflows/test", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ definition: toSubmission(draft), input: parsedInput.value, mocks: parsedMocks.value }),
      });
      const body = await response.json();
      if (!response.ok) {
        setResult(null);
        onResult(null);
        setProblem({ message: body?.error?.message ?? `the server answered ${response.status}`, details: body?.error?.details ?? [] });
        return;
      }
      setResult(body as WorkflowTestResult);
      onResult(body as WorkflowTestResult);
    } catch (error) {
      setProblem({ message: `could not reach the server: ${error instanceof Error ? error.message : String(error)}`, details: [] });
    } finally {
      setRunning(false);
    }
  };

  return (
    <section aria-label="Test" className="flex max-h-72 shrink-0 flex-col gap-2 overflow-y-auto border-t border-zinc-200 bg-white px-4 py-3 dark:border-zinc-800 dark:bg-zinc-900" data-testid="test-panel">
      <div className="flex items-center justify-between">
        <h2 className="text-xs font-semibold uppercase tracking-wide text-zinc-500">Test the draft</h2>
        <div className="flex items-center gap-2">
          {result ? (
            <button type="button" className="text-xs text-zinc-500 hover:text-zinc-800 dark:hover:text-zinc-200" onClick={() => (setResult(null), onResult(null))}>
              Clear result
            </button>
          ) : null}
          <button type="button" onClick={onClose} className="text-xs text-zinc-500 hover:text-zinc-800 dark:hover:text-zinc-200">
            Hide
          </button>
        </div>
      </div>
      <p className="text-xs text-zinc-500">
        Runs this draft, unsaved, with the real engine on a throwaway database: nothing is recorded. Tasks that reach outside ({outside.length > 0 ? outside.join(", ") : "none here"}) need a mock: {"{ \"output\": … }"}, {"{ \"error\": { \"message\": … } }"}, {"{ \"delay\": ms }"} or a list of them, one per attempt.
      </p>
      <div className="grid grid-cols-2 gap-3">
        <label className="flex flex-col gap-1 text-xs font-medium text-zinc-600 dark:text-zinc-400">
          Input (JSON)
          <textarea className={AREA} value={input} onChange={(event) => setInput(event.target.value)} spellCheck={false} />
        </label>
        <label className="flex flex-col gap-1 text-xs font-medium text-zinc-600 dark:text-zinc-400">
          Mocks by task key (JSON)
          <textarea className={AREA} value={mocks} onChange={(event) => setMocks(event.target.value)} spellCheck={false} />
        </label>
      </div>
      <div className="flex items-center gap-3">
        <Button variant="primary" onClick={() => void run()} disabled={running || draft.tasks.length === 0}>
          {running ? <Loader2 className="size-4 animate-spin" aria-hidden /> : <FlaskConical className="size-4" aria-hidden />} Run test
        </Button>
        {result ? (
          <span className="flex items-center gap-2 text-sm" data-testid="test-result">
            <StatusBadge status={result.status} /> in {result.durationMs} ms{result.timedOut ? " (stopped at the time limit)" : ""}
          </span>
        ) : null}
      </div>
      {problem ? (
        <div role="alert" className="rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800 dark:border-red-500/40 dark:bg-red-500/10 dark:text-red-300">
          {problem.message}
          {problem.details.length > 0 ? (
            <ul className="mt-1 list-disc pl-5 text-xs">
              {problem.details.map((detail, index) => (
                <li key={index}>
                  <code>{detail.path}</code>: {detail.message}
                </li>
              ))}
            </ul>
          ) : null}
        </div>
      ) : null}
      {result ? (
        <ul className="grid grid-cols-2 gap-x-4 gap-y-1 text-xs lg:grid-cols-3" aria-label="Task results">
          {result.tasks.map((task) => (
            <li key={`${task.key}#${task.mapIndex}`} className="flex items-center gap-2">
              <StatusBadge status={task.status} />
              <code className="truncate">{task.mapIndex >= 0 ? `${task.key}[${task.mapIndex}]` : task.key}</code>
              {task.mocked ? <span className="text-zinc-500">mocked</span> : null}
              {task.attempts.length > 1 ? <span className="text-zinc-500">{task.attempts.length} attempts</span> : null}
            </li>
          ))}
        </ul>
      ) : null}
    </section>
  );
}
