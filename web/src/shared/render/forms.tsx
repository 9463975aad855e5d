// A form (filled in once, then shown as sent) and a form response (the submitted values).

import { useState } from "preact/hooks";
import type { FormField } from "../types";
import type { ContentOf, P } from "./context";
import { arr, str } from "./util";

let formSeq = 0;

export function FormView(props: P & { content: ContentOf<"form"> }) {
  const { content, ctx, message } = props;
  const [done, setDone] = useState(false);
  const [base] = useState(() => "ct-f" + ++formSeq);
  const fields = arr<FormField>(content.fields).filter((f) => f && typeof f === "object");
  const off = done || !!ctx.disabled;
  const submit = (e: Event) => {
    e.preventDefault();
    if (off) return;
    const form = e.currentTarget as HTMLFormElement;
    const values: Record<string, string> = {};
    fields.forEach((f, i) => {
      const el = form.querySelector("#" + base + "-" + i) as HTMLInputElement | null;
      values[str(f.name)] = (el?.value ?? "").trim();
    });
    setDone(true);
    ctx.onFormSubmit?.(values, message);
  };
  return (
    <form class="ct-form" data-content-type="form" onSubmit={submit} noValidate={false}>
      {content.title && <b>{str(content.title)}</b>}
      <fieldset disabled={off}>
        {fields.map((f, i) => {
          const id = base + "-" + i;
          const req = !!f.required;
          const kind = str(f.kind);
          const common = { id, name: str(f.name), required: req };
          return (
            <div class="ct-field" key={i}>
              <label for={id}>
                {str(f.label) || str(f.name)}
                {req && <span aria-hidden="true"> *</span>}
              </label>
              {kind === "select" ? (
                <select {...common}>
                  <option value="">—</option>
                  {arr<string>(f.options).map((o) => (
                    <option value={str(o)}>{str(o)}</option>
                  ))}
                </select>
              ) : kind === "textarea" ? (
                <textarea {...common} rows={3} maxLength={4096} />
              ) : (
                <input
                  {...common}
                  type={(kind === "email" ? "email" : kind === "phone" ? "tel" : kind === "number" ? "number" : "text") as "text"}
                  autocomplete={kind === "email" ? "email" : kind === "phone" ? "tel" : "off"}
                />
              )}
            </div>
          );
        })}
        <button type="submit" class="ct-btn ct-pri">
          {done ? "✓ " + ctx.t("sent") : str(content.submit_label) || ctx.t("submit")}
        </button>
      </fieldset>
    </form>
  );
}

export function FormResponse(props: { content: ContentOf<"form_response"> }) {
  const { values } = props.content;
  const v = values && typeof values === "object" ? Object.entries(values) : [];
  return (
    <dl class="ct-kv" data-content-type="form_response">
      {v.map(([k, val]) => (
        <div key={k}>
          <dt>{k}</dt>
          <dd>{str(val)}</dd>
        </div>
      ))}
    </dl>
  );
}
