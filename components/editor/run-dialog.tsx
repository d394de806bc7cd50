"use client";

import { useState } from "react";
import { Play } from "lucide-react";
import type { InputJsonSchema, JsonValue } from "@/lib/workflow";
import type { ErrorDetail } from "@/lib/services/errors";
import { Button } from "@/components/ui/button";
import { INPUT_CLASS } from "@/components/editor/fields";
import { EditorDialog } from "@/components/editor/dialogs";
import { cn } from "@/components/ui/cn";

type PropertySchema = { type?: unknown; enum?: unknown[]; default?: unknown; description?: unknown; title?: unknown };

/** Why a start was refused: the server's message and its problems with their paths (`input.count`). */
export type RunRefusal = { message: string; details: ErrorDetail[] };

function initialInput(schema: InputJsonSchema | undefined): Record<string, string> {
  const values: Record<string, string> = {};
  for (const [name, property] of Object.entries((schema?.properties ?? {}) as Record<string, PropertySchema>)) {
    const value = property.default;
    values[name] = value === undefined ? "" : typeof value === "string" ? value : JSON.stringify(value);
  }
  return values;
}

/** Reads the form into an input object; `errors` names each field that does not parse, by field. */
export function readRunInput(
  schema: InputJsonSchema | undefined,
  values: Record<string, string>,
): { ok: true; input: Record<string, JsonValue> } | { ok: false; errors: Record<string, string[]> } {
  const input: Record<string, JsonValue> = {};
  const errors: Record<string, string[]> = {};
  for (const [name, property] of Object.entries((schema?.properties ?? {}) as Record<string, PropertySchema>)) {
    const text = values[name] ?? "";
    if (text === "") {
      if (schema?.required?.includes(name)) errors[name] = [`${name} is required`];
      continue;
    }
    if (property.type === "string") input[name] = text;
    else {
      try {
        input[name] = JSON.parse(text);
      } catch {
        errors[name] = [`${name} is not valid JSON`];
      }
    }
  }
  return Object.keys(errors).length > 0 ? { ok: false, errors } : { ok: true, input };
}

/**
 * The server's problems by form field, as phrases: `input.count` → count: "count must be >= 1",
 * a nested `input.target.host` → target: "target.host is required"; problems of the input as a
 * whole (path `input`) or of fields the form does not show go under "" (shown above the button).
 */
export function problemsByField(details: readonly ErrorDetail[], fields: readonly string[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  const add = (field: string, message: string) => (out[field] ??= []).push(message);
  for (const { path, message } of details) {
    const match = /^input(?:\.([A-Za-z_$][A-Za-z0-9_$]*)|\["((?:[^"\\]|\\.)*)"\])?(.*)$/.exec(path);
    const field = match ? (match[1] ?? (match[2] !== undefined ? JSON.parse(`"${match[2]}"`) : undefined)) : undefined;
    const rest = match?.[3] ?? "";
    if (field !== undefined && fields.includes(field)) add(field, `${field}${rest} ${message}`);
    else add("", path && path !== "input" ? `${path.replace(/^input\.?/, "")} ${message}` : `the input ${message}`);
  }
  return out;
}

/** The start form, generated from the workflow's input JSON Schema, defaults filled in; problems shown at their fields. */
export function RunDialog({
  open,
  onOpenChange,
  schema,
  onStart,
  starting,
}: {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  schema: InputJsonSchema | undefined;
  /** Starts the run; resolves with the refusal when the server refused it (the page moves on otherwise). */
  onStart: (input: Record<string, JsonValue>) => Promise<RunRefusal | null>;
  starting: boolean;
}) {
  const [values, setValues] = useState(() => initialInput(schema));
  const [errors, setErrors] = useState<Record<string, string[]>>({});
  const properties = Object.entries((schema?.properties ?? {}) as Record<string, PropertySchema>);
  const general = errors[""] ?? [];
  return (
    <EditorDialog open={open} onOpenChange={onOpenChange} title="Run workflow" description="Start an execution of the saved version with this input.">
      <form
        className="flex flex-col gap-3"
        noValidate
        onSubmit={async (event) => {
          event.preventDefault();
          const read = readRunInput(schema, values);
          if (!read.ok) return setErrors(read.errors);
          setErrors({});
          const refused = await onStart(read.input);
          if (refused) {
            const byField = problemsByField(refused.details, properties.map(([name]) => name));
            setErrors(Object.keys(byField).length > 0 ? byField : { "": [refused.message] });
          }
        }}
      >
        {properties.length === 0 ? <p className="text-sm text-zinc-500">This workflow declares no input.</p> : null}
        {properties.map(([name, property]) => {
          const id = `run-input-${name}`;
          const value = values[name] ?? "";
          const problems = errors[name] ?? [];
          const set = (next: string) => {
            setValues({ ...values, [name]: next });
            if (problems.length > 0) setErrors(({ [name]: _dropped, ...rest }) => rest);
          };
          const invalid = problems.length > 0;
          const describedBy = invalid ? `${id}-problems` : undefined;
          const control = cn(INPUT_CLASS, invalid && "border-red-500 ring-1 ring-red-500/40 dark:border-red-500");
          return (
            <div key={name} className="flex flex-col gap-1" data-run-field={name} data-invalid={invalid ? "true" : undefined}>
              <label htmlFor={id} className="text-xs font-medium text-zinc-700 dark:text-zinc-300">
                {name}
                {schema?.required?.includes(name) ? <span className="ml-0.5 text-red-500">*</span> : null}
                <span className="ml-2 font-normal text-zinc-500">{typeof property.type === "string" ? property.type : "json"}</span>
              </label>
              {Array.isArray(property.enum) ? (
                <select id={id} className={control} value={value} onChange={(event) => set(event.target.value)} aria-invalid={invalid} aria-describedby={describedBy}>
                  {property.enum.map((option) => {
                    const text = typeof option === "string" ? option : JSON.stringify(option);
                    return (
                      <option key={text} value={text}>
                        {text === "" ? "(empty)" : text}
                      </option>
                    );
                  })}
                </select>
              ) : property.type === "boolean" ? (
                <select id={id} className={control} value={value} onChange={(event) => set(event.target.value)} aria-invalid={invalid} aria-describedby={describedBy}>
                  <option value="">—</option>
                  <option value="true">true</option>
                  <option value="false">false</option>
                </select>
              ) : (
                <input id={id} className={cn(control, property.type !== "string" && "font-mono text-xs")} value={value} onChange={(event) => set(event.target.value)} aria-invalid={invalid} aria-describedby={describedBy} />
              )}
              {typeof property.description === "string" ? <p className="text-[11px] text-zinc-500">{property.description}</p> : null}
              {invalid ? (
                <ul id={describedBy} className="text-xs text-red-700 dark:text-red-400" role="alert">
                  {problems.map((problem, index) => (
                    <li key={index}>{problem}</li>
                  ))}
                </ul>
              ) : null}
            </div>
          );
        })}
        {general.length > 0 ? (
          <ul className="text-xs text-red-700 dark:text-red-400" role="alert" data-testid="run-problems">
            {general.map((problem, index) => (
              <li key={index}>{problem}</li>
            ))}
          </ul>
        ) : null}
        <div className="flex justify-end">
          <Button variant="primary" type="submit" disabled={starting}>
            <Play className="size-4" aria-hidden /> {starting ? "Starting…" : "Start execution"}
          </Button>
        </div>
      </form>
    </EditorDialog>
  );
}
