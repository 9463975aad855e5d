// The tests never leave the machine: every request to a host other than the Shoptalk server
// is answered locally, images with a generated PNG, anything else with a stub page.
import type { BrowserContext } from "@playwright/test";
import { deflateSync } from "node:zlib";

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

function crc32(bytes: Buffer): number {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, "ascii"), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/// A `width`×`height` RGB PNG: a diagonal gradient from `from` to `to` (so it is visibly an image).
export function gradientPng(width = 320, height = 240, from = [0x2b, 0x6c, 0xb0], to = [0xf0, 0xa2, 0x02]): Buffer {
  const raw = Buffer.alloc((width * 3 + 1) * height);
  for (let y = 0; y < height; y++) {
    const row = y * (width * 3 + 1);
    raw[row] = 0; // filter: none
    for (let x = 0; x < width; x++) {
      const t = (x / width + y / height) / 2;
      for (let c = 0; c < 3; c++) raw[row + 1 + x * 3 + c] = Math.round(from[c] + (to[c] - from[c]) * t);
    }
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = 2; // colour type: RGB
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", header),
    chunk("IDAT", deflateSync(raw)),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

const PNG = gradientPng();

/// Answers every request to another host locally. Returns the URLs it answered.
/// `imageDelayMs` holds images back, like a slow CDN: they arrive after the messages render.
export async function stubExternal(context: BrowserContext, serverBase: string, opts: { imageDelayMs?: number } = {}): Promise<string[]> {
  const server = new URL(serverBase);
  const seen: string[] = [];
  await context.route(
    (url) => url.host !== server.host && (url.protocol === "http:" || url.protocol === "https:"),
    async (route) => {
      const url = route.request().url();
      seen.push(url);
      if (route.request().resourceType() === "image" || /\.(png|jpe?g|gif|webp)(\?|$)/i.test(url)) {
        if (opts.imageDelayMs) await new Promise((r) => setTimeout(r, opts.imageDelayMs));
        await route.fulfill({ status: 200, contentType: "image/png", body: PNG });
      } else {
        await route.fulfill({ status: 200, contentType: "text/html", body: "<!doctype html><title>external stub</title><p>external page (stubbed by the e2e tests)</p>" });
      }
    },
  );
  return seen;
}
