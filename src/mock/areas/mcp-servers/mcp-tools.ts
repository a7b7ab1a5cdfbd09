import { fnv1a32 } from "../../seeded-random.ts";

/** A tool as an MCP server advertises it, with the mock's implementation. */
export interface McpToolDefinition {
  readonly name: string;
  readonly description: string;
  /** JSON Schema of the arguments. Every property of the mock's tools is a string. */
  readonly inputSchema: {
    readonly type: "object";
    readonly properties: Readonly<Record<string, { readonly type: "string"; readonly description?: string }>>;
    readonly required?: readonly string[];
  };
  /** Computes the tool's text output; throws `ToolExecutionError` when the arguments cannot be used. */
  readonly run: (args: Readonly<Record<string, string>>) => string;
}

/** The tool ran but failed, as an MCP server reports a tool error. */
export class ToolExecutionError extends Error {
  override readonly name = "ToolExecutionError";
}

const CONDITIONS = ["clear sky", "light rain", "overcast", "snow showers", "fog", "thunderstorms", "windy"];

const weatherTool: McpToolDefinition = {
  name: "weather",
  description: "Get weather information.",
  inputSchema: { type: "object", properties: { location: { type: "string" } }, required: ["location"] },
  run: ({ location = "" }) => {
    // A made-up but stable forecast: the same location always gets the same weather.
    const hash = fnv1a32(location.trim().toLowerCase());
    const celsius = (hash % 45) - 10;
    return `${location.trim()}: ${celsius} °C, ${CONDITIONS[hash % CONDITIONS.length] ?? "clear sky"}`;
  },
};

const calculatorTool: McpToolDefinition = {
  name: "calculator",
  description: "Evaluate a math expression.",
  inputSchema: { type: "object", properties: { expression: { type: "string" } }, required: ["expression"] },
  run: ({ expression = "" }) => {
    const value = evaluateArithmetic(expression);
    return `${expression.trim()} = ${Number.isInteger(value) ? value : Number(value.toPrecision(12))}`;
  },
};

const echoTool: McpToolDefinition = {
  name: "echo",
  description: "Return the text it is given.",
  inputSchema: { type: "object", properties: { text: { type: "string" } }, required: ["text"] },
  run: ({ text = "" }) => text,
};

const wordCountTool: McpToolDefinition = {
  name: "word_count",
  description: "Count the words of a text.",
  inputSchema: { type: "object", properties: { text: { type: "string" } }, required: ["text"] },
  run: ({ text = "" }) => String(text.split(/\s+/).filter((word) => word !== "").length),
};

/** Tools of the platform servers, by server name. */
export const PLATFORM_SERVER_TOOLS: Readonly<Record<string, readonly McpToolDefinition[]>> = {
  "weather-server": [weatherTool],
  "calculator-server": [calculatorTool],
};

/** Tools every external server advertises in the mock. */
export const EXTERNAL_SERVER_TOOLS: readonly McpToolDefinition[] = [echoTool, wordCountTool];

/** The advertised form of a tool, without its implementation. */
export function toolListing(tool: McpToolDefinition): Record<string, unknown> {
  return { name: tool.name, description: tool.description, inputSchema: tool.inputSchema };
}

/**
 * Checks `args` against the tool's input schema and returns them as strings.
 * @throws ToolExecutionError naming the missing or non-string argument.
 */
export function readToolArguments(
  tool: McpToolDefinition,
  args: Readonly<Record<string, unknown>>,
): Record<string, string> {
  const values: Record<string, string> = {};
  for (const name of tool.inputSchema.required ?? []) {
    if (args[name] === undefined)
      throw new ToolExecutionError(`Tool ${tool.name} needs the argument ${name}.`);
  }
  for (const name of Object.keys(tool.inputSchema.properties)) {
    const value = args[name];
    if (value === undefined) continue;
    if (typeof value !== "string")
      throw new ToolExecutionError(`Tool ${tool.name} takes ${name} as a string.`);
    values[name] = value;
  }
  return values;
}

/**
 * Evaluates `+ - * / %`, parentheses, unary minus and decimal numbers, with the usual precedence.
 * @throws ToolExecutionError for anything else, and for a result that is not finite.
 */
export function evaluateArithmetic(expression: string): number {
  const tokens = expression.match(/\d+(?:\.\d+)?|\.\d+|[-+*/%()]|\S/g) ?? [];
  let position = 0;
  const peek = (): string | undefined => tokens[position];
  const fail = (reason: string): never => {
    throw new ToolExecutionError(`Cannot evaluate ${JSON.stringify(expression)}: ${reason}.`);
  };

  const parsePrimary = (): number => {
    const token = tokens[position];
    position += 1;
    if (token === undefined) return fail("the expression ends early");
    if (token === "-") return -parsePrimary();
    if (token === "+") return parsePrimary();
    if (token === "(") {
      const value = parseSum();
      if (tokens[position] !== ")") fail("a closing parenthesis is missing");
      position += 1;
      return value;
    }
    if (/^(?:\d|\.\d)/.test(token)) return Number(token);
    return fail(`unexpected ${JSON.stringify(token)}`);
  };
  const parseProduct = (): number => {
    let value = parsePrimary();
    for (let operator = peek(); operator === "*" || operator === "/" || operator === "%"; operator = peek()) {
      position += 1;
      const right = parsePrimary();
      if (operator === "*") value *= right;
      else if (operator === "/") value /= right;
      else value %= right;
    }
    return value;
  };
  const parseSum = (): number => {
    let value = parseProduct();
    for (let operator = peek(); operator === "+" || operator === "-"; operator = peek()) {
      position += 1;
      const right = parseProduct();
      value = operator === "+" ? value + right : value - right;
    }
    return value;
  };

  if (tokens.length === 0) fail("the expression is empty");
  const value = parseSum();
  if (position < tokens.length) fail(`unexpected ${JSON.stringify(tokens[position])}`);
  if (!Number.isFinite(value)) fail("the result is not a finite number");
  return value;
}
