"use client";

import { useId, useState, type ReactNode } from "react";
import { checkTemplate, isExpression, parseExpression } from "@/lib/workflow";
import { jsonFieldText, parseFieldText, type FieldKind, type FieldSpec } from "@/lib/editor/form-fields";
import { cn } from "@/components/ui/cn";
import { useExpressionCompletion } from "@/components/editor/use-expression-completion";
import { ExpressionCompletionList } from "@/components/editor/expression-completion-list";

/**
 * Inspector inputs. Every input carries `nodrag` (React Flow must not start a node drag or a pan
 * from inside a form) and shows its problems inline: the live check (JSON that does not parse,
 * JSONata that does not compile) first, then validateDefinition's issues at its path.
 */
export const INPUT_CLASS =
  "nodrag w-full rounded-md border border-zinc-200 bg-white px-2 py-1.5 text-[13px] text-zinc-900 shadow-xs outline-none placeholder:text-zinc-400 focus:border-accent-500 focus:ring-2 focus:ring-accent-500/20 dark:border-zinc-700 dark:bg-zinc-900 dark:text-zinc-100";

const ERROR_INPUT = "border-red-400 focus:border-red-500 focus:ring-red-500/20 dark:border-red-500/60";

export function FieldShell({
  id,
  label,
  description,
  required,
  errors,
  children,
  fieldName,
}: {
  id: string;
  label: string;
  description?: string;
  required?: boolean;
  errors: string[];
  children: ReactNode;
  fieldName: string;
}) {
  return (
    <div className="flex flex-col gap-1" data-field={fieldName}>
      <label htmlFor={id} className="flex items-baseline justify-between gap-2 text-xs font-medium text-zinc-700 dark:text-zinc-300">
        <span>
          {label}
          {required ? <span className="ml-0.5 text-red-500" aria-hidden>*</span> : null}
        </span>
      </label>
      {children}
      {errors.map((message, index) => (
        <p key={index} className="text-xs text-red-600 dark:text-red-400" role="alert" data-testid="field-error">
          {message}
        </p>
      ))}
      {description && errors.length === 0 ? <p className="text-[11px] leading-snug text-zinc-500">{description}</p> : null}
    </div>
  );
}

/** The live JSONata check of a string: an error for `{% … %}` that does not compile. */
export function expressionError(value: unknown): string | undefined {
  if (typeof value !== "string") return undefined;
  const trimmed = value.trim();
  if (!trimmed.startsWith("{%")) return undefined;
  if (!isExpression(value)) return "an expression must be the whole string: {% … %}";
  const parsed = parseExpression(value);
  return parsed.ok ? undefined : parsed.message;
}

function placeholderFor(spec: Pick<FieldSpec, "default">): string | undefined {
  if (spec.default === undefined) return undefined;
  return typeof spec.default === "string" ? spec.default : JSON.stringify(spec.default);
}

/** A field that commits what is typed, parsed per kind; text that does not parse stays local with its error. */
export function SchemaField({
  spec,
  value,
  issues,
  onChange,
  fieldName,
  readOnly,
}: {
  spec: FieldSpec;
  value: unknown;
  issues: string[];
  onChange: (value: unknown) => void;
  fieldName: string;
  readOnly?: boolean;
}) {
  const id = useId();
  if (spec.kind === "select") {
    return (
      <FieldShell id={id} label={spec.label} description={spec.description} required={spec.required} errors={issues} fieldName={fieldName}>
        <select
          id={id}
          disabled={readOnly}
          className={cn(INPUT_CLASS, issues.length > 0 && ERROR_INPUT)}
          value={typeof value === "string" ? value : ""}
          onChange={(event) => onChange(event.target.value === "" ? undefined : event.target.value)}
        >
          <option value="">{spec.default !== undefined ? `default (${String(spec.default)})` : "—"}</option>
          {spec.options!.map((option) => (
            <option key={option} value={option}>
              {option}
            </option>
          ))}
        </select>
      </FieldShell>
    );
  }
  if (spec.kind === "boolean") {
    return (
      <FieldShell id={id} label={spec.label} description={spec.description} required={spec.required} errors={issues} fieldName={fieldName}>
        <select
          id={id}
          disabled={readOnly}
          className={cn(INPUT_CLASS, issues.length > 0 && ERROR_INPUT)}
          value={value === true ? "true" : value === false ? "false" : ""}
          onChange={(event) => onChange(event.target.value === "" ? undefined : event.target.value === "true")}
        >
          <option value="">{spec.default !== undefined ? `default (${String(spec.default)})` : "—"}</option>
          <option value="true">true</option>
          <option value="false">false</option>
        </select>
      </FieldShell>
    );
  }
  if (spec.kind === "multiselect") {
    // A list of choices (a workflow trigger's statuses): none checked removes the field (the schema's "any").
    const chosen = Array.isArray(value) ? value : [];
    return (
      <FieldShell id={id} label={spec.label} description={spec.description} required={spec.required} errors={issues} fieldName={fieldName}>
        <div id={id} role="group" aria-label={spec.label} className="flex flex-wrap gap-x-3 gap-y-1 text-xs">
          {spec.options!.map((option) => (
            <label key={option} className="nodrag inline-flex items-center gap-1">
              <input
                type="checkbox"
                disabled={readOnly}
                checked={chosen.includes(option)}
                onChange={(event) => {
                  const next = spec.options!.filter((o) => (o === option ? event.target.checked : chosen.includes(o)));
                  onChange(next.length === 0 ? undefined : next);
                }}
              />
              {option}
            </label>
          ))}
        </div>
      </FieldShell>
    );
  }
  if (spec.kind === "text") return <TextField spec={spec} value={value} issues={issues} onChange={onChange} fieldName={fieldName} readOnly={readOnly} id={id} />;
  return <ParsedTextField spec={spec} value={value} issues={issues} onChange={onChange} fieldName={fieldName} readOnly={readOnly} id={id} />;
}

type TextFieldProps = {
  spec: FieldSpec;
  value: unknown;
  issues: string[];
  onChange: (value: unknown) => void;
  fieldName: string;
  readOnly?: boolean;
  id: string;
};

/** A string field; an expression field also completes `$` paths (use-expression-completion.ts). */
function TextField({ spec, value, issues, onChange, fieldName, readOnly, id }: TextFieldProps) {
  const commitText = (text: string) => onChange(text === "" && !spec.required ? undefined : text);
  const completion = useExpressionCompletion(fieldName, spec.expression && !readOnly, commitText);
  const live = spec.expression ? expressionError(value) : undefined;
  // While the expression does not compile, the live message says it all (validation repeats it).
  const errors = live ? [live] : issues;
  return (
    <FieldShell id={id} label={spec.label} description={spec.description} required={spec.required} errors={errors} fieldName={fieldName}>
      <div className="relative">
        <input
          id={id}
          readOnly={readOnly}
          className={cn(INPUT_CLASS, errors.length > 0 && ERROR_INPUT, typeof value === "string" && value.trim().startsWith("{%") && "font-mono text-xs")}
          value={typeof value === "string" ? value : value === undefined ? "" : JSON.stringify(value)}
          placeholder={placeholderFor(spec)}
          {...completion.fieldProps}
          {...(spec.expression && !readOnly ? { role: "combobox", "aria-expanded": completion.open !== null } : {})}
          onChange={(event) => {
            commitText(event.target.value);
            completion.follow();
          }}
          spellCheck={false}
        />
        <ExpressionCompletionList completion={completion} />
      </div>
    </FieldShell>
  );
}

function toText(kind: FieldKind, value: unknown): string {
  if (value === undefined) return "";
  if (kind === "list" && Array.isArray(value)) return value.join(", ");
  if (kind === "integer" || kind === "number") return typeof value === "number" ? String(value) : JSON.stringify(value);
  return jsonFieldText(value);
}

/** Numbers, lists and JSON: local text, committed when it parses; external changes (undo) replace it. */
function ParsedTextField({ spec, value, issues, onChange, fieldName, readOnly, id }: TextFieldProps) {
  const [local, setLocal] = useState(() => ({ text: toText(spec.kind, value), value, error: undefined as string | undefined }));
  let state = local;
  if (local.value !== value) {
    // Changed from outside (undo, rename, import): show the new value.
    state = { text: toText(spec.kind, value), value, error: undefined };
    setLocal(state);
  }
  const templateErrors = spec.kind === "json" && state.error === undefined ? checkTemplate(value).map((issue) => issue.message) : [];
  const errors = [...(state.error ? [state.error] : []), ...templateErrors, ...issues.filter((m) => !templateErrors.includes(m))];
  const multiline = spec.kind === "json";
  const commit = (text: string) => {
    const parsed = parseFieldText(spec.kind, text);
    if (!parsed.ok) {
      setLocal({ text, value, error: parsed.message });
      return;
    }
    setLocal({ text, value: parsed.value, error: undefined });
    onChange(parsed.value);
  };
  // JSON templates complete inside their `{% … %}` strings (the schema marks few of them as expression fields: a template is a $ref).
  const completion = useExpressionCompletion(fieldName, multiline && !readOnly, commit);
  return (
    <FieldShell id={id} label={spec.label} description={spec.description} required={spec.required} errors={errors} fieldName={fieldName}>
      {multiline ? (
        <div className="relative">
          <textarea
            id={id}
            readOnly={readOnly}
            rows={Math.min(10, Math.max(2, state.text.split("\n").length))}
            className={cn(INPUT_CLASS, "font-mono text-xs leading-relaxed", errors.length > 0 && ERROR_INPUT)}
            value={state.text}
            placeholder={placeholderFor(spec)}
            {...completion.fieldProps}
            onChange={(event) => {
              commit(event.target.value);
              completion.follow();
            }}
            spellCheck={false}
          />
          <ExpressionCompletionList completion={completion} />
        </div>
      ) : (
        <input
          id={id}
          readOnly={readOnly}
          inputMode={spec.kind === "list" ? undefined : "numeric"}
          className={cn(INPUT_CLASS, errors.length > 0 && ERROR_INPUT)}
          value={state.text}
          placeholder={placeholderFor(spec)}
          onChange={(event) => commit(event.target.value)}
          spellCheck={false}
        />
      )}
    </FieldShell>
  );
}

export function Section({ title, children, defaultOpen = true }: { title: string; children: ReactNode; defaultOpen?: boolean }) {
  return (
    <details open={defaultOpen} className="group border-t border-zinc-200 dark:border-zinc-800">
      <summary className="flex cursor-pointer list-none items-center justify-between px-4 py-2.5 text-[11px] font-semibold uppercase tracking-wide text-zinc-500 select-none hover:text-zinc-800 dark:hover:text-zinc-200">
        {title}
        <span className="text-zinc-400 transition-transform group-open:rotate-90" aria-hidden>
          ›
        </span>
      </summary>
      <div className="flex flex-col gap-3 px-4 pb-4">{children}</div>
    </details>
  );
}
