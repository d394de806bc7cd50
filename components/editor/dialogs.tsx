"use client";

import { useState, type ReactNode } from "react";
import { Dialog } from "radix-ui";
import { Copy, Download, Upload, X } from "lucide-react";
import { toast } from "sonner";
import { parseDefinitionText, type ValidationIssue, type WorkflowDefinition } from "@/lib/workflow";
import { Button } from "@/components/ui/button";
import { INPUT_CLASS } from "@/components/editor/fields";
import { cn } from "@/components/ui/cn";

export function EditorDialog({
  open,
  onOpenChange,
  title,
  description,
  children,
  wide,
}: {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  title: string;
  description?: string;
  children: ReactNode;
  wide?: boolean;
}) {
  return (
    <Dialog.Root open={open} onOpenChange={onOpenChange}>
      <Dialog.Portal>
        <Dialog.Overlay className="fixed inset-0 z-50 bg-zinc-950/40 backdrop-blur-[1px]" />
        <Dialog.Content
          className={cn(
            "fixed top-1/2 left-1/2 z-50 flex max-h-[85vh] w-[calc(100vw-2rem)] -translate-x-1/2 -translate-y-1/2 flex-col rounded-xl border border-zinc-200 bg-white shadow-xl dark:border-zinc-800 dark:bg-zinc-900",
            wide ? "max-w-3xl" : "max-w-lg",
          )}
        >
          <div className="flex items-start justify-between gap-4 border-b border-zinc-200 px-5 py-4 dark:border-zinc-800">
            <div>
              <Dialog.Title className="text-base font-semibold">{title}</Dialog.Title>
              {description ? <Dialog.Description className="mt-0.5 text-sm text-zinc-500">{description}</Dialog.Description> : null}
            </div>
            <Dialog.Close className="rounded-md p-1 text-zinc-500 hover:bg-zinc-100 dark:hover:bg-zinc-800" aria-label="Close">
              <X className="size-4" />
            </Dialog.Close>
          </div>
          <div className="min-h-0 flex-1 overflow-y-auto px-5 py-4">{children}</div>
        </Dialog.Content>
      </Dialog.Portal>
    </Dialog.Root>
  );
}

/** Import: paste or upload JSON; every problem listed with its path; nothing applied unless all is valid. */
export function ImportDialog({
  open,
  onOpenChange,
  onApply,
}: {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  onApply: (definition: WorkflowDefinition) => void;
}) {
  const [text, setText] = useState("");
  const [errors, setErrors] = useState<ValidationIssue[] | null>(null);
  const check = (value: string) => {
    const result = parseDefinitionText(value);
    if (result.ok) {
      onApply(result.definition);
      onOpenChange(false);
      setText("");
      setErrors(null);
    } else {
      setErrors(result.errors);
    }
  };
  return (
    <EditorDialog open={open} onOpenChange={onOpenChange} title="Import JSON" description="Paste a definition or upload a .json file. It replaces the canvas only when it is valid; save to make it a version." wide>
      <div className="flex flex-col gap-3">
        <textarea
          aria-label="Definition JSON"
          className={cn(INPUT_CLASS, "h-64 font-mono text-xs")}
          value={text}
          onChange={(event) => {
            setText(event.target.value);
            setErrors(null);
          }}
          placeholder='{ "name": "my-workflow", "tasks": [ … ] }'
          spellCheck={false}
        />
        {errors ? (
          <div className="rounded-md border border-red-200 bg-red-50 p-3 dark:border-red-500/30 dark:bg-red-500/10" role="alert" data-testid="import-errors">
            <p className="mb-1.5 text-sm font-medium text-red-800 dark:text-red-200">
              Not imported: {errors.length} problem{errors.length === 1 ? "" : "s"}
            </p>
            <ul className="flex max-h-48 flex-col gap-1 overflow-y-auto text-xs">
              {errors.map((issue, index) => (
                <li key={index} className="flex gap-2">
                  <code className="shrink-0 font-mono text-red-700 dark:text-red-300">{issue.path || "(root)"}</code>
                  <span className="text-red-700 dark:text-red-200">{issue.message}</span>
                </li>
              ))}
            </ul>
          </div>
        ) : null}
        <div className="flex items-center justify-between gap-2">
          <label className="inline-flex h-8 cursor-pointer items-center gap-1.5 rounded-md px-3 text-sm font-medium text-zinc-600 ring-1 ring-inset ring-zinc-200 hover:bg-zinc-50 dark:text-zinc-300 dark:ring-zinc-700 dark:hover:bg-zinc-800">
            <Upload className="size-4" aria-hidden /> Upload file
            <input
              type="file"
              accept=".json,application/json"
              className="sr-only"
              data-testid="import-file"
              onChange={async (event) => {
                const file = event.target.files?.[0];
                if (!file) return;
                const content = await file.text();
                setText(content);
                check(content);
                event.target.value = "";
              }}
            />
          </label>
          <Button variant="primary" onClick={() => check(text)} disabled={text.trim() === ""}>
            Import
          </Button>
        </div>
      </div>
    </EditorDialog>
  );
}

/** Export: the canonical JSON, to download or copy. */
export function ExportDialog({
  open,
  onOpenChange,
  text,
  fileName,
  problems,
}: {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  text: string | null;
  fileName: string;
  problems: number;
}) {
  return (
    <EditorDialog open={open} onOpenChange={onOpenChange} title="Export JSON" description="The canonical definition: stable key order, 2-space indent — ready for version control." wide>
      {text === null ? (
        <p className="text-sm text-red-700" role="alert">
          The workflow has {problems} problem{problems === 1 ? "" : "s"}; fix {problems === 1 ? "it" : "them"} to export canonical JSON.
        </p>
      ) : (
        <div className="flex flex-col gap-3">
          <pre className="max-h-96 overflow-auto rounded-md bg-zinc-50 p-3 font-mono text-xs leading-relaxed dark:bg-zinc-950" data-testid="export-json">
            {text}
          </pre>
          <div className="flex justify-end gap-2">
            <Button
              onClick={async () => {
                try {
                  await navigator.clipboard.writeText(text);
                  toast.success("Copied the definition JSON");
                } catch {
                  toast.error("The browser refused clipboard access");
                }
              }}
            >
              <Copy className="size-4" aria-hidden /> Copy
            </Button>
            <Button
              variant="primary"
              onClick={() => {
                const url = URL.createObjectURL(new Blob([text], { type: "application/json" }));
                const link = document.createElement("a");
                link.href = url;
                link.download = fileName;
                link.click();
                URL.revokeObjectURL(url);
              }}
            >
              <Download className="size-4" aria-hidden /> Download {fileName}
            </Button>
          </div>
        </div>
      )}
    </EditorDialog>
  );
}
