// Attachments: uploaded (POST /api/v1/media), then sent as a message that refers to them.

import { LIMITS, type Content, type Media } from "../shared/types";
import type { Send } from "./sending";
import type { Call } from "./session";
import { signal } from "./store";
import type { Ui } from "./controller";

export function createUploads(call: Call, send: Send, { error, showError, t }: Ui) {
  const uploading = signal(false);

  async function upload(file: File) {
    error.value = "";
    if (file.size > LIMITS.MAX_UPLOAD_BYTES) {
      error.value = t.value("too_big");
      return;
    }
    uploading.value = true;
    try {
      const name = (file.name || "file").replace(/[/\\\u0000]/g, "_").slice(0, 255);
      const m = await call<Media>("POST", `/api/v1/media?filename=${encodeURIComponent(name)}`, file);
      const ref = { media_id: m.id, mime_type: m.content_type || undefined, size_bytes: m.size_bytes };
      const kind = (m.content_type || "").split("/")[0];
      await send(
        kind === "image" || kind === "video" || kind === "audio"
          ? ({ type: kind, media: ref } as Content)
          : { type: "file", media: ref, filename: m.filename || name },
      );
    } catch (e) {
      showError(e);
    } finally {
      uploading.value = false;
    }
  }

  return { uploading, upload };
}
