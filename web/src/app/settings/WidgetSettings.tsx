import { useState } from "preact/hooks";
import type { Weekday, WidgetSettings } from "../../shared/types";
import { errorText } from "../api/client";
import * as ep from "../api/endpoints";
import { workspace } from "../state/session";
import { toast } from "../ui/toast";
import { Field } from "./common";
import { Icon } from "../ui/icons";
import { urlProblem } from "../composer/rich/validate";

const DAYS: { id: Weekday["day"]; label: string }[] = [
  { id: "mon", label: "Monday" },
  { id: "tue", label: "Tuesday" },
  { id: "wed", label: "Wednesday" },
  { id: "thu", label: "Thursday" },
  { id: "fri", label: "Friday" },
  { id: "sat", label: "Saturday" },
  { id: "sun", label: "Sunday" },
];

interface DayDraft {
  on: boolean;
  open: string;
  close: string;
}

function zones(): string[] {
  try {
    return (Intl as unknown as { supportedValuesOf(k: string): string[] }).supportedValuesOf("timeZone");
  } catch {
    return ["UTC", "Europe/London", "Europe/Paris", "Europe/Berlin", "America/New_York", "America/Los_Angeles", "Asia/Tokyo"];
  }
}

export function WidgetSettingsPage() {
  const ws = workspace.value!;
  const w = ws.widget;
  const [color, setColor] = useState(w.color || "#4f46e5");
  const [logo, setLogo] = useState(w.logo_url ?? "");
  const [greeting, setGreeting] = useState(w.greeting ?? "");
  const [position, setPosition] = useState<"left" | "right">(w.position ?? "right");
  const [away, setAway] = useState(w.away_message ?? "");
  const [locale, setLocale] = useState(w.locale ?? "");
  const [sound, setSound] = useState(w.sound ?? true);
  const [hoursOn, setHoursOn] = useState(!!w.business_hours);
  const [tz, setTz] = useState(w.business_hours?.timezone ?? Intl.DateTimeFormat().resolvedOptions().timeZone ?? "UTC");
  const [days, setDays] = useState<Record<string, DayDraft>>(() => {
    const out: Record<string, DayDraft> = {};
    for (const d of DAYS) {
      const found = w.business_hours?.days.find((x) => x.day === d.id);
      out[d.id] = found ? { on: true, open: found.open, close: found.close } : { on: !w.business_hours && d.id !== "sat" && d.id !== "sun", open: "09:00", close: "18:00" };
    }
    return out;
  });
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const save = async (e: Event) => {
    e.preventDefault();
    setError(null);
    if (!/^#[0-9a-fA-F]{6}$/.test(color)) return setError("The colour must look like #4F46E5.");
    if (logo.trim()) {
      const p = urlProblem(logo.trim());
      if (p) return setError(`Logo URL ${p}`);
    }
    const settings: WidgetSettings = { color, position, sound };
    if (logo.trim()) settings.logo_url = logo.trim();
    if (greeting.trim()) settings.greeting = greeting.trim();
    if (away.trim()) settings.away_message = away.trim();
    if (locale.trim()) settings.locale = locale.trim();
    if (hoursOn) {
      const list: Weekday[] = [];
      for (const d of DAYS) {
        const x = days[d.id];
        if (!x.on) continue;
        if (x.open >= x.close) return setError(`${d.label}: the closing time must be after the opening time.`);
        list.push({ day: d.id, open: x.open, close: x.close });
      }
      settings.business_hours = { timezone: tz, days: list };
    }
    setBusy(true);
    try {
      workspace.value = await ep.patchWorkspace({ widget: settings });
      toast("Widget saved.");
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section>
      <h1>Widget</h1>
      <p class="lead">How the chat looks and behaves on your site.</p>
      <div class="settings-two">
        <form class="card form-grid" onSubmit={save}>
          <div class="form-row">
            <Field label="Colour">
              <div class="color-row">
                <input type="color" value={color} onInput={(e) => setColor(e.currentTarget.value)} aria-label="Colour picker" data-testid="widget-color" />
                <input value={color} onInput={(e) => setColor(e.currentTarget.value)} aria-label="Colour hex" maxLength={7} />
              </div>
            </Field>
            <Field label="Position">
              <select value={position} onChange={(e) => setPosition(e.currentTarget.value as "left" | "right")}>
                <option value="right">Bottom right</option>
                <option value="left">Bottom left</option>
              </select>
            </Field>
          </div>
          <Field label="Logo URL (https://…)">
            <input type="url" value={logo} onInput={(e) => setLogo(e.currentTarget.value)} />
          </Field>
          <Field label="Greeting">
            <textarea rows={2} value={greeting} onInput={(e) => setGreeting(e.currentTarget.value)} placeholder="Hi! How can we help?" />
          </Field>
          <Field label="Away message" hint="Shown outside business hours or when nobody is online.">
            <textarea rows={2} value={away} onInput={(e) => setAway(e.currentTarget.value)} />
          </Field>
          <div class="form-row">
            <Field label="Language" hint="Empty = the visitor's browser language.">
              <input value={locale} onInput={(e) => setLocale(e.currentTarget.value)} placeholder="e.g. fr-FR" />
            </Field>
            <label class="check">
              <input type="checkbox" checked={sound} onChange={(e) => setSound(e.currentTarget.checked)} /> Sound on new messages
            </label>
          </div>
          <fieldset class="card-edit">
            <legend>
              <label class="check">
                <input type="checkbox" checked={hoursOn} onChange={(e) => setHoursOn(e.currentTarget.checked)} data-testid="widget-hours" /> Business hours
              </label>
            </legend>
            {hoursOn && (
              <>
                <Field label="Time zone">
                  <select value={tz} onChange={(e) => setTz(e.currentTarget.value)}>
                    {zones().map((z) => (
                      <option key={z} value={z}>
                        {z}
                      </option>
                    ))}
                  </select>
                </Field>
                {DAYS.map((d) => {
                  const x = days[d.id];
                  const set = (v: Partial<DayDraft>) => setDays({ ...days, [d.id]: { ...x, ...v } });
                  return (
                    <div key={d.id} class="hours-row">
                      <label class="check">
                        <input type="checkbox" checked={x.on} onChange={(e) => set({ on: e.currentTarget.checked })} /> {d.label.slice(0, 3)}
                      </label>
                      <input type="time" value={x.open} disabled={!x.on} onInput={(e) => set({ open: e.currentTarget.value })} aria-label={`${d.label} opens`} />
                      <input type="time" value={x.close} disabled={!x.on} onInput={(e) => set({ close: e.currentTarget.value })} aria-label={`${d.label} closes`} />
                    </div>
                  );
                })}
              </>
            )}
          </fieldset>
          {error && (
            <p class="form-error" role="alert">
              {error}
            </p>
          )}
          <div>
            <button class="btn btn-primary" type="submit" disabled={busy} data-testid="widget-save">
              Save
            </button>
          </div>
        </form>
        <div>
          <h3 class="views-sub">Preview</h3>
          <div class={"preview-swatch " + position} data-testid="widget-preview">
            <div class="preview-window">
              <div class="preview-top" style={{ backgroundColor: /^#[0-9a-fA-F]{6}$/.test(color) ? color : "#4f46e5" }}>
                {logo.startsWith("https://") && <img src={logo} alt="" />}
                {ws.name}
              </div>
              <div class="preview-msg">{greeting || "Hi! How can we help?"}</div>
            </div>
            <div class="preview-launcher" style={{ backgroundColor: /^#[0-9a-fA-F]{6}$/.test(color) ? color : "#4f46e5" }} aria-hidden="true">
              <Icon name="chat" size={24} />
            </div>
          </div>
        </div>
      </div>
    </section>
  );
}
