// The content renderer's context for the agent app: agent viewer, media through the API,
// prices in the shop's locale.
import { mediaSource } from "../../shared/media";
import { tEn, type RenderContext } from "../../shared/render";
import { client } from "../api/client";
import { priceLocale } from "../state/shop";

const media = mediaSource(client, 120);

export const agentCtx: RenderContext = {
  viewer: "agent",
  get locale() {
    return priceLocale();
  },
  t: tEn,
  mediaSrc: media,
  disabled: true,
};
