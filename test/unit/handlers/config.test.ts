import { describe, expect, it } from "vitest";
import { ConfigError, ingestEnv, parseEnv } from "../../../functions/config.ts";

const base = {
  AWS_REGION: "eu-west-1",
  DROPZONE_BUCKET: "d",
  QUARANTINE_BUCKET: "q",
  CURATED_BUCKET: "c",
  REPORTS_BUCKET: "r",
  PSEUDONYM_KEY_ID: "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
  LOCATION_CODES: "AB, CD,EF",
};

describe("configuration from the environment", () => {
  it("parses once, with defaults and the location list split and checked", () => {
    const cfg = parseEnv(ingestEnv, base);
    expect(cfg.LOCATION_CODES).toEqual(["AB", "CD", "EF"]);
    expect(cfg.PSEUDONYM_CONCURRENCY).toBe(8);
  });

  it("names every missing or invalid variable", () => {
    const { CURATED_BUCKET: _c, PSEUDONYM_KEY_ID: _k, ...rest } = base;
    expect(() => parseEnv(ingestEnv, { ...rest, LOCATION_CODES: "AB,xyz" })).toThrow(ConfigError);
    try {
      parseEnv(ingestEnv, { ...rest, LOCATION_CODES: "AB,xyz" });
    } catch (e) {
      expect((e as Error).message).toContain("CURATED_BUCKET is not set");
      expect((e as Error).message).toContain("PSEUDONYM_KEY_ID is not set");
      expect((e as Error).message).toMatch(/LOCATION_CODES.* is invalid/);
    }
  });
});
