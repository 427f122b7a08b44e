import { createHmac } from "node:crypto";
import {
  GenerateMacCommand,
  type GenerateMacCommandInput,
  KMSClient,
  KMSInvalidStateException,
} from "@aws-sdk/client-kms";
import { mockClient } from "aws-sdk-client-mock";
import { beforeEach, describe, expect, it } from "vitest";
import {
  createKmsPseudonymiser,
  PseudonymiserError,
} from "../../../functions/adapters/aws/kms-pseudonymiser.ts";
import { createHmacPseudonymiser } from "../../../functions/adapters/local/hmac-pseudonymiser.ts";

const kms = mockClient(KMSClient);
beforeEach(() => kms.reset());

const KEY_ID = "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";
/** Known key material: what KMS would hold inside the HMAC_256 key. */
const KEY = Uint8Array.from({ length: 32 }, (_, i) => (i * 37 + 11) % 256);

/** What KMS GenerateMac computes: HMAC-SHA256 with the key over exactly the message bytes. */
function kmsMac(input: GenerateMacCommandInput) {
  return {
    KeyId: input.KeyId,
    MacAlgorithm: input.MacAlgorithm,
    Mac: new Uint8Array(
      createHmac("sha256", KEY)
        .update(input.Message as Uint8Array)
        .digest(),
    ),
  };
}

const tick = () => new Promise<void>((resolve) => setTimeout(resolve, 1));

describe("KMS pseudonymiser", () => {
  it("gives exactly the pseudonyms of the local HMAC adapter for the same key material", async () => {
    // Prepare
    kms.on(GenerateMacCommand).callsFake(kmsMac);
    const youthNumbers = ["AB0001", "AB0002", "CD12345", "X", "ÉÉN001"];

    // Act
    const fromKms = await createKmsPseudonymiser({ client: new KMSClient({}), keyId: KEY_ID }).pseudonymise(
      youthNumbers,
    );

    // Assess
    const local = await createHmacPseudonymiser(KEY).pseudonymise(youthNumbers);
    expect(fromKms).toEqual(local);
    expect([...fromKms.keys()]).toEqual(youthNumbers);
    expect(fromKms.get("AB0001")).toMatch(/^[0-9a-f]{64}$/);
    for (const call of kms.commandCalls(GenerateMacCommand)) {
      expect(call.args[0].input).toMatchObject({ KeyId: KEY_ID, MacAlgorithm: "HMAC_SHA_256" });
    }
  });

  it("MACs the domain-prefixed youth number", async () => {
    kms.on(GenerateMacCommand).callsFake(kmsMac);
    await createKmsPseudonymiser({ client: new KMSClient({}), keyId: KEY_ID }).pseudonymise(["AB0001"]);
    const message = kms.commandCalls(GenerateMacCommand)[0]?.args[0].input.Message;
    expect(new TextDecoder().decode(message)).toBe("vbm-v1:AB0001");
  });

  it("names the key version after the key id's last segment", () => {
    const make = (keyId: string) => createKmsPseudonymiser({ client: new KMSClient({}), keyId }).keyVersion;
    expect(make(KEY_ID)).toBe("vbm-v1:kms-1234abcd-12ab-34cd-56ef-1234567890ab");
    expect(make("1234abcd-12ab-34cd-56ef-1234567890ab")).toBe(
      "vbm-v1:kms-1234abcd-12ab-34cd-56ef-1234567890ab",
    );
  });

  it("asks KMS once per distinct youth number", async () => {
    kms.on(GenerateMacCommand).callsFake(kmsMac);

    const out = await createKmsPseudonymiser({ client: new KMSClient({}), keyId: KEY_ID }).pseudonymise([
      "AB0001",
      "AB0002",
      "AB0001",
      "AB0003",
      "AB0002",
    ]);

    expect(kms.commandCalls(GenerateMacCommand)).toHaveLength(3);
    expect([...out.keys()]).toEqual(["AB0001", "AB0002", "AB0003"]);
  });

  it("never has more than `concurrency` requests in flight, and uses them all", async () => {
    // Prepare
    let inFlight = 0;
    let most = 0;
    kms.on(GenerateMacCommand).callsFake(async (input: GenerateMacCommandInput) => {
      inFlight++;
      most = Math.max(most, inFlight);
      await tick();
      inFlight--;
      return kmsMac(input);
    });
    const youthNumbers = Array.from({ length: 20 }, (_, i) => `AB${String(i).padStart(4, "0")}`);

    // Act
    const out = await createKmsPseudonymiser({
      client: new KMSClient({}),
      keyId: KEY_ID,
      concurrency: 3,
    }).pseudonymise(youthNumbers);

    // Assess
    expect(most).toBe(3);
    expect(out.size).toBe(20);
    expect(kms.commandCalls(GenerateMacCommand)).toHaveLength(20);
  });

  it("uses eight requests in flight by default", async () => {
    let inFlight = 0;
    let most = 0;
    kms.on(GenerateMacCommand).callsFake(async (input: GenerateMacCommandInput) => {
      inFlight++;
      most = Math.max(most, inFlight);
      await tick();
      inFlight--;
      return kmsMac(input);
    });
    const youthNumbers = Array.from({ length: 30 }, (_, i) => `CD${i}`);

    await createKmsPseudonymiser({ client: new KMSClient({}), keyId: KEY_ID }).pseudonymise(youthNumbers);

    expect(most).toBe(8);
  });

  it("rejects the whole batch when one call fails, and stops asking", async () => {
    // Prepare
    const disabled = new KMSInvalidStateException({ message: "key is disabled", $metadata: {} });
    kms.on(GenerateMacCommand).callsFake(kmsMac);
    kms.on(GenerateMacCommand, { Message: new TextEncoder().encode("vbm-v1:AB0002") }).rejects(disabled);
    const youthNumbers = Array.from({ length: 50 }, (_, i) => `AB${String(i).padStart(4, "0")}`);

    // Act
    const error = await createKmsPseudonymiser({ client: new KMSClient({}), keyId: KEY_ID, concurrency: 2 })
      .pseudonymise(youthNumbers)
      .catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(PseudonymiserError);
    expect((error as Error).cause).toBe(disabled);
    expect((error as Error).message).toContain(KEY_ID);
    expect(kms.commandCalls(GenerateMacCommand).length).toBeLessThan(10);
  });

  it("returns an empty map for no youth numbers without calling KMS", async () => {
    const out = await createKmsPseudonymiser({ client: new KMSClient({}), keyId: KEY_ID }).pseudonymise([]);
    expect(out.size).toBe(0);
    expect(kms.calls()).toHaveLength(0);
  });

  it("refuses a concurrency below one", () => {
    expect(() =>
      createKmsPseudonymiser({ client: new KMSClient({}), keyId: KEY_ID, concurrency: 0 }),
    ).toThrow(RangeError);
  });
});
