// The content renderer's context for the agent app: agent viewer, media through the API.
import { mediaSource } from "../../shared/media";
import { tEn, type RenderContext } from "../../shared/render";
import { client } from "../api/client";

const media = mediaSource(client, 120);

export const agentCtx: RenderContext = {
  viewer: "agent",
  locale: typeof navigator !== "undefined" ? navigator.language : "en",
  t: tEn,
  mediaSrc: media,
  disabled: true,
};
