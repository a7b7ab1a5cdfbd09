import { describe, expect, test } from "vitest";
import { closestNames } from "../../src/validation/closest-names.ts";

const ids = ["listModels", "createChatCompletion", "createEmbedding", "listAgents", "deleteModel"];

describe("closestNames", () => {
  test("returns the three nearest first", () => {
    expect(closestNames("listModel", ids)).toEqual(["listModels", "deleteModel", "listAgents"]);
  });

  test("ignores case", () => {
    expect(closestNames("CREATEEMBEDDING", ids, 1)).toEqual(["createEmbedding"]);
  });

  test("returns fewer when there are fewer candidates", () => {
    expect(closestNames("x", ["a"])).toEqual(["a"]);
  });
});
