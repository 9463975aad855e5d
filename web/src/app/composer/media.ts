// An uploaded file → the content that shows it.
import type { Content, Media } from "../../shared/types";

export function mediaContent(m: Media): Content {
  const type = m.content_type.split(";")[0].trim().toLowerCase();
  const media = { media_id: m.id, mime_type: m.content_type, size_bytes: m.size_bytes };
  if (type.startsWith("image/")) return { type: "image", media };
  if (type.startsWith("video/")) return { type: "video", media };
  if (type.startsWith("audio/")) return { type: "audio", media };
  const filename = m.filename.replace(/[\\/\0]/g, "_").slice(0, 255).trim();
  return { type: "file", media, ...(filename && filename !== "." && filename !== ".." ? { filename } : {}) };
}
