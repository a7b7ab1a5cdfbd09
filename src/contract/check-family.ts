/**
 * The families contract checks belong to. A family names the kind of rule a check enforces, so
 * coverage can be counted per family and a mock fault of kind K is caught only by a check of
 * family K. The first nine match the fault kinds of the mock.
 */
export const CHECK_FAMILIES = [
  "auth",
  "namespacing",
  "status-code",
  "body-schema",
  "header",
  "sse-framing",
  "sse-order",
  "masking",
  "binary-content",
  "lifecycle",
  "consistency",
  "compatibility",
] as const;

export type CheckFamily = (typeof CHECK_FAMILIES)[number];
