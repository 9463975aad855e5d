// The `test` every spec imports: Playwright's, plus the shop's REST API and a record of the
// page's uncaught errors (attached to the report when a test fails).
import { test as base, expect } from "@playwright/test";
import { ShopApi } from "./api";

export const test = base.extend<{ api: ShopApi; pageErrors: string[] }>({
  api: async ({}, use) => {
    const api = await ShopApi.open();
    await use(api);
    await api.dispose();
  },
  pageErrors: [
    async ({ page }, use, testInfo) => {
      const errors: string[] = [];
      page.on("pageerror", (error) => errors.push(`pageerror: ${error.message}`));
      page.on("response", (response) => {
        if (response.status() >= 400) errors.push(`HTTP ${response.status()}: ${response.request().method()} ${response.url()}`);
      });
      page.on("console", (message) => {
        if (message.type() === "error") errors.push(`console.error: ${message.text()}`);
      });
      await use(errors);
      if (errors.length) {
        await testInfo.attach("page-errors", { body: errors.join("\n"), contentType: "text/plain" });
      }
    },
    { auto: true },
  ],
});

export { expect };
