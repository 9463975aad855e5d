// The embeddable widget (one IIFE):
//   <script src="https://SERVER/widget.js" data-widget-key="KEY" [data-locale="fr"] [data-open="true"] async></script>
// Mounts <div id="shoptalk-widget"> with an open shadow root at the end of <body>; all styles
// live in the shadow root (constructable stylesheet). See jsapi.ts for window.Shoptalk.

import { render } from "preact";
import { onChange } from "./store";
import css from "./widget.css?inline";
import renderCss from "../shared/render/render.css?inline";
import { createController } from "./controller";
import { installApi } from "./jsapi";
import { palette } from "./colors";
import { Widget } from "./ui";

// Only valid while this script runs for the first time: capture it now.
const script = document.currentScript as HTMLScriptElement | null;

function init() {
  const el = script ?? document.querySelector<HTMLScriptElement>("script[data-widget-key]");
  const key = el?.dataset.widgetKey;
  if (!el || !key || document.getElementById("shoptalk-widget")) return;
  let baseUrl = "";
  try {
    baseUrl = new URL(el.src, location.href).origin;
  } catch {
    // same origin
  }
  const c = createController({ baseUrl, widgetKey: key, locale: el.dataset.locale });
  installApi(window as { Shoptalk?: unknown }, c);

  const mount = () => {
    const host = document.createElement("div");
    host.id = "shoptalk-widget";
    const shadow = host.attachShadow({ mode: "open" });
    const text = css + renderCss;
    try {
      const sheet = new CSSStyleSheet();
      sheet.replaceSync(text);
      shadow.adoptedStyleSheets = [sheet];
    } catch {
      const style = document.createElement("style");
      style.textContent = text;
      shadow.appendChild(style);
    }
    document.body.appendChild(host);
    let color: string | undefined = "-";
    const paint = () => {
      const want = c.cfg.value?.settings?.color;
      if (want === color) return;
      color = want;
      const p = palette(want);
      host.style.setProperty("--st-accent", p.accent);
      host.style.setProperty("--st-on-accent", p.onAccent);
      host.style.setProperty("--st-accent-text", p.text);
      host.style.setProperty("--st-focus", p.text);
    };
    paint();
    onChange(paint);
    render(<Widget c={c} />, shadow);
  };
  if (document.body) mount();
  else document.addEventListener("DOMContentLoaded", mount);

  void c.boot().then((reopen) => {
    if (reopen || el.dataset.open === "true") c.open();
  });
}

init();
