// Media: images (click to zoom into a lightbox), video, audio, files, and locations.

import { useEffect, useRef, useState } from "preact/hooks";
import type { MediaRef } from "../types";
import { safeUrl } from "../safeUrl";
import { formatBytes } from "../format";
import type { ContentOf, P, RenderContext } from "./context";
import { linkify } from "./text";
import { REL, num, str } from "./util";

function useSrc(ref: MediaRef | undefined, ctx: RenderContext): string | null | undefined {
  const [src, setSrc] = useState<string | null | undefined>(undefined);
  const id = ref ? str(ref.media_id) + "|" + str(ref.url) : "";
  useEffect(() => {
    let live = true;
    setSrc(undefined);
    if (!ref || typeof ref !== "object") {
      setSrc(null);
      return;
    }
    ctx.mediaSrc(ref).then(
      (s) => live && setSrc(safeUrl(s, { src: true })),
      () => live && setSrc(null),
    );
    return () => {
      live = false;
    };
  }, [id]);
  return src;
}

function Lightbox(props: { src: string; alt: string; close: () => void; ctx: RenderContext }) {
  const btn = useRef<HTMLButtonElement>(null);
  useEffect(() => btn.current?.focus(), []);
  return (
    <div
      class="ct-lb"
      role="dialog"
      aria-modal="true"
      aria-label={props.alt}
      onClick={props.close}
      onKeyDown={(e) => {
        if (e.key === "Escape") {
          e.stopPropagation();
          props.close();
        }
      }}
    >
      <img src={props.src} alt={props.alt} />
      <button type="button" ref={btn} class="ct-lbx" aria-label={props.ctx.t("close")} onClick={props.close}>
        ×
      </button>
    </div>
  );
}

/// An image that turns into a placeholder when it cannot load.
export function Pic(props: { src: string | null | undefined; alt: string; class?: string }) {
  const [bad, setBad] = useState<string | null>(null);
  if (!props.src || bad === props.src) return <div class="ct-ph" role="img" aria-label={props.alt} />;
  return <img class={props.class} src={props.src} alt={props.alt} onError={() => setBad(props.src!)} />;
}

export function Img(props: { media: MediaRef | undefined; alt: string; ctx: RenderContext; zoom?: boolean }) {
  const src = useSrc(props.media, props.ctx);
  const [open, setOpen] = useState(false);
  if (!src) return <div class="ct-ph" role="img" aria-label={props.alt} />;
  if (!props.zoom) return <Pic class="ct-cimg" src={src} alt={props.alt} />;
  return (
    <>
      <button type="button" class="ct-zoom" aria-label={props.alt} onClick={() => setOpen(true)}>
        <Pic src={src} alt={props.alt} />
      </button>
      {open && <Lightbox src={src} alt={props.alt} ctx={props.ctx} close={() => setOpen(false)} />}
    </>
  );
}

function Caption(props: { text: unknown }) {
  const t = str(props.text);
  return t ? <div class="ct-txt ct-cap">{linkify(t)}</div> : null;
}

export function ImageView(props: P & { content: ContentOf<"image"> }) {
  const { content, ctx } = props;
  const alt = str(content.media?.alt) || str(content.caption) || ctx.t("image");
  return (
    <figure class="ct-image" data-content-type="image">
      <Img media={content.media} alt={alt} ctx={ctx} zoom />
      <Caption text={content.caption} />
    </figure>
  );
}

export function Av(props: P & { content: { type: string; media: MediaRef; caption?: string } }) {
  const { content, ctx } = props;
  const src = useSrc(content.media, ctx);
  const video = content.type === "video";
  return (
    <div class="ct-media" data-content-type={content.type}>
      {src ? video ? <video controls preload="metadata" src={src} /> : <audio controls preload="metadata" src={src} /> : <div class="ct-ph" />}
      {video && <Caption text={content.caption} />}
    </div>
  );
}

export function FileView(props: P & { content: { media: MediaRef; filename?: string } }) {
  const { content, ctx } = props;
  const name = str(content.filename) || "file";
  const size = formatBytes(num(content.media?.size_bytes));
  const ext = !content.media?.media_id ? safeUrl(content.media?.url) : null;
  const download = async () => {
    const s = safeUrl(await ctx.mediaSrc(content.media), { src: true });
    if (!s) return;
    const a = document.createElement("a");
    a.href = s;
    a.download = name;
    a.rel = REL;
    a.click();
  };
  return (
    <div class="ct-file" data-content-type="file">
      <span class="ct-ficon" aria-hidden="true">📄</span>
      <span class="ct-fname">
        {name}
        {size && <small>{size}</small>}
      </span>
      {ext ? (
        <a class="ct-btn" href={ext} target="_blank" rel={REL} download={name}>
          {ctx.t("download")}
        </a>
      ) : content.media?.media_id ? (
        <button type="button" class="ct-btn" onClick={download}>
          {ctx.t("download")}
        </button>
      ) : null}
    </div>
  );
}

export function LocationView(props: { content: ContentOf<"location"> }) {
  const { content } = props;
  const lat = num(content.latitude);
  const lon = num(content.longitude);
  const ok = lat !== undefined && lon !== undefined && Math.abs(lat) <= 90 && Math.abs(lon) <= 180;
  return (
    <div class="ct-loc" data-content-type="location">
      <span aria-hidden="true">📍</span>
      <div>
        {content.name && <b>{str(content.name)}</b>}
        {content.address && <div>{str(content.address)}</div>}
        {ok && (
          <a href={`https://www.openstreetmap.org/?mlat=${lat}&mlon=${lon}#map=16/${lat}/${lon}`} target="_blank" rel={REL}>
            {`${lat!.toFixed(5)}, ${lon!.toFixed(5)}`}
          </a>
        )}
      </div>
    </div>
  );
}
