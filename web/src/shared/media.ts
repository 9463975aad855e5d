// Media of the API (`/api/v1/media/{id}`) needs the bearer token, which <img>/<video> cannot
// send: fetch it and hand out blob: URLs, cached (small LRU), revoked when evicted/disposed.

import type { ApiClient } from "./api";
import type { MediaRef } from "./types";
import { safeUrl } from "./safeUrl";

export interface MediaSource {
  (ref: MediaRef): Promise<string | null>;
  dispose(): void;
}

export function mediaSource(client: ApiClient, max = 60): MediaSource {
  const cache = new Map<string, Promise<string | null>>();
  const urls = new Map<string, string>();
  const evict = (id: string) => {
    const u = urls.get(id);
    if (u) URL.revokeObjectURL(u);
    urls.delete(id);
    cache.delete(id);
  };
  const get = ((ref: MediaRef) => {
    if (!ref) return Promise.resolve(null);
    if (ref.media_id) {
      const id = String(ref.media_id);
      const hit = cache.get(id);
      if (hit) {
        // refresh LRU position
        cache.delete(id);
        cache.set(id, hit);
        return hit;
      }
      const token = client.token();
      const p = fetch(`${client.baseUrl}/api/v1/media/${encodeURIComponent(id)}`, {
        headers: token ? { authorization: `Bearer ${token}` } : {},
      })
        .then((r) => (r.ok ? r.blob() : null))
        .then((b) => {
          if (!b || !cache.has(id)) return null;
          const u = URL.createObjectURL(b);
          urls.set(id, u);
          return u;
        })
        .catch(() => null)
        .then((u) => {
          if (!u) cache.delete(id);
          return u;
        });
      cache.set(id, p);
      while (cache.size > max) evict(cache.keys().next().value as string);
      return p;
    }
    const ext = safeUrl(ref.url);
    return Promise.resolve(ext && ext.startsWith("https:") ? ext : null);
  }) as MediaSource;
  get.dispose = () => {
    for (const id of [...cache.keys()]) evict(id);
  };
  return get;
}
