// Canned responses of the workspace (for the composer's `/` popup and the settings page).
import { signal } from "@preact/signals";
import type { CannedResponse } from "../../shared/types";
import * as ep from "../api/endpoints";

export const canned = signal<CannedResponse[]>([]);

export async function loadCanned(): Promise<void> {
  try {
    canned.value = (await ep.listCanned()).sort((a, b) => a.shortcut.localeCompare(b.shortcut));
  } catch {
    canned.value = [];
  }
}
