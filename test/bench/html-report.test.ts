import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type BrowserContext } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { BenchReport } from "../../src/bench/bench-report.ts";
import { decodeHistogram } from "../../src/bench/histogram.ts";
import { renderHtmlReport } from "../../src/bench/html-report.ts";
import { readReport, writeReport, type WrittenReport } from "../../src/bench/report-writer.ts";
import { syntheticReport, syntheticTrial } from "../helpers/synthetic-report.ts";

/** Debian's chromium package; CI installs it before the tests. */
const CHROMIUM = process.env["MSQ_CHROMIUM"] ?? "/usr/bin/chromium";
const CHROMIUM_FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];
const SCREENSHOT_DIR = join(import.meta.dirname, "../../reports");

function sampleReport(): BenchReport {
  const trials = [0, 1, 2].map((trial) =>
    syntheticTrial({
      ttftMs: 150 + trial,
      itlMs: 20,
      count: 120,
      gapMs: 25,
      jitter: (i) => (i % 13) * 2,
      slo: { ttft: 170 },
    }),
  );
  const report = syntheticReport(trials);
  const second = syntheticReport(
    trials.map(() =>
      syntheticTrial({ ttftMs: 190, itlMs: 24, count: 80, gapMs: 30, jitter: (i) => (i % 7) * 3 }),
    ),
    "chat-stream",
    {
      mode: "closed",
      concurrency: 16,
    },
  );
  return { ...report, points: [...report.points, ...second.points] };
}

describe("bench reports", () => {
  let directory: string;
  let written: WrittenReport;

  beforeAll(() => {
    directory = mkdtempSync(join(tmpdir(), "msq-bench-report-"));
    written = writeReport(sampleReport(), directory);
  });

  afterAll(() => {
    rmSync(directory, { recursive: true, force: true });
  });

  test("writes JSON, Markdown and HTML", () => {
    expect(existsSync(written.json)).toBe(true);
    expect(existsSync(written.markdown)).toBe(true);
    expect(existsSync(written.html)).toBe(true);
    expect(written.json).toMatch(/bench-chat-stream-1970-01-01T00-00-00Z\.json$/);
  });

  test("keeps decodable histograms in the JSON", () => {
    const report = readReport(written.json, "report");
    const ttft = report.points[0]?.combined.metrics.ttft;
    expect(ttft?.unit).toBe("us");
    expect(decodeHistogram(ttft?.encoded ?? "").totalCount).toBe(ttft?.summary.count);
  });

  test("records the environment in the JSON", () => {
    const environment = readReport(written.json, "report").environment;
    expect(environment.nodeVersion).toBe(process.version);
    expect(environment.cores).toBeGreaterThan(0);
    expect(environment.gitSha).toMatch(/^([0-9a-f]{40}|unknown)$/);
  });

  test("lists every percentile in Markdown", () => {
    const markdown = readFileSync(written.markdown, "utf8");
    expect(markdown).toContain("| Metric | p50 | p90 | p95 | p99 | p99.9 | mean | max | stddev | count |");
    expect(markdown).toContain("## concurrency 16");
    expect(markdown).toMatch(/Goodput: [\d.]+ requests\/s/);
  });

  test("inlines every script in the HTML", () => {
    const html = readFileSync(written.html, "utf8");
    expect(html).not.toMatch(/<script[^>]+src=/);
    expect(html).not.toMatch(/<link[^>]+href=/);
    expect(html).toContain("uPlot");
  });

  test("lists counts and settings in the HTML", () => {
    const html = readFileSync(written.html, "utf8");
    expect(html).toMatch(/<li>Status codes: 200: \d+<\/li>/);
    expect(html).toMatch(/<li>Goodput: [\d.]+ requests\/s/);
    expect(html).toContain("<th>SLOs (goodput)</th>");
    expect(html).toContain('<table class="trials">');
    expect(html).toContain("<h2>Charts</h2>");
  });

  test("omits the chart heading without charts", () => {
    const html = renderHtmlReport({ ...sampleReport(), points: [] });
    expect(html).not.toContain("<h2>Charts</h2>");
  });

  // On a developer machine without Chromium the browser checks skip; in CI (`CI` set) they must run,
  // because .ci/run installs the package.
  test.runIf(process.env["CI"] !== undefined)("Chromium is installed in CI", () => {
    expect(existsSync(CHROMIUM), `${CHROMIUM} is missing; install Debian's chromium package`).toBe(true);
  });

  describe.skipIf(!existsSync(CHROMIUM))("in headless Chromium", () => {
    let context: BrowserContext;
    let userDataDir: string;

    beforeAll(async () => {
      userDataDir = mkdtempSync(join(tmpdir(), "msq-chromium-"));
      context = await chromium.launchPersistentContext(userDataDir, {
        executablePath: CHROMIUM,
        headless: true,
        args: CHROMIUM_FLAGS,
        offline: true,
        viewport: { width: 1150, height: 900 },
      });
    });

    afterAll(async () => {
      await context.close();
      rmSync(userDataDir, { recursive: true, force: true });
    });

    test("draws every chart offline", async () => {
      const page = await context.newPage();
      const errors: string[] = [];
      page.on("pageerror", (error) => errors.push(String(error)));
      page.on("console", (message) => {
        if (message.type() === "error") errors.push(message.text());
      });
      await page.goto(`file://${written.html}`);
      await page.waitForSelector("body[data-charts-ready=true]", { timeout: 15_000 });

      const chartCount = Number(await page.getAttribute("body", "data-chart-count"));
      expect(errors).toEqual([]);
      expect(chartCount).toBe(7);
      expect(await page.locator(".chart canvas").count()).toBe(chartCount);

      // A drawn chart has many non-white pixels; an empty canvas has none.
      const inked = await page.evaluate(() => {
        const canvas = document.querySelector("#distribution-ttft canvas") as HTMLCanvasElement;
        const pixels =
          canvas.getContext("2d")?.getImageData(0, 0, canvas.width, canvas.height).data ??
          new Uint8ClampedArray();
        let count = 0;
        for (let i = 0; i < pixels.length; i += 4)
          if ((pixels[i + 3] ?? 0) > 0 && (pixels[i] ?? 255) < 200) count += 1;
        return count;
      });
      expect(inked).toBeGreaterThan(500);

      mkdirSync(SCREENSHOT_DIR, { recursive: true });
      const screenshot = await page.screenshot({
        path: join(SCREENSHOT_DIR, "bench-report-screenshot.png"),
        fullPage: true,
      });
      expect(screenshot.byteLength).toBeGreaterThan(20_000);
      await page.close();
    });
  });
});
