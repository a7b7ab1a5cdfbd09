import { describe, expect, test } from "vitest";
import { SourceLocator } from "../../src/spec/source-locator.ts";
import { fixtureFile, fixtureSpec } from "./fixture-paths.ts";

const locator = new SourceLocator(fixtureSpec("valid"));

describe("SourceLocator", () => {
  test.each([
    {
      bundled: "/paths/~1v1~1widgets/get/responses/200",
      file: "paths/widgets.yaml",
      pointer: "/~1v1~1widgets/get/responses/200",
    },
    {
      bundled: "/paths/~1v1~1widgets/get/responses/401/content/application~1json/schema",
      file: "responses/common.yaml",
      pointer: "/Unauthorized/content/application~1json/schema",
    },
    {
      bundled: "/components/schemas/Widget/properties/size",
      file: "schemas/widgets.yaml",
      pointer: "/Widget/properties/size",
    },
    {
      bundled: "/components/responses/NotFound/description",
      file: "responses/common.yaml",
      pointer: "/NotFound/description",
    },
    { bundled: "/info/title", file: "openapi.yaml", pointer: "/info/title" },
  ])("locates $bundled", ({ bundled, file, pointer }) => {
    const location = locator.locate(bundled);
    expect(location.file).toBe(fixtureFile("valid", file));
    expect(location.pointer).toBe(pointer);
  });

  test("reports the line of the pointer", () => {
    expect(locator.locate("/components/schemas/Widget/properties/size").line).toBe(10);
  });

  test("keeps segments that exist only in the bundle", () => {
    const location = locator.locate("/paths/~1v1~1widgets/get/x-added/0");
    expect(location.file).toBe(fixtureFile("valid", "paths/widgets.yaml"));
    expect(location.pointer).toBe("/~1v1~1widgets/get/x-added/0");
  });
});
