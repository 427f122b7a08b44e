import { type App, Validations } from "aws-cdk-lib";
import { AwsSolutionsChecks, HIPAASecurityChecks, type NagPack } from "cdk-nag";

/**
 * The cdk-nag rule packs the app is held to: AWS Solutions and HIPAA Security. cdk-nag 3 runs
 * them as CDK policy-validation plugins: any unacknowledged finding fails `cdk synth`. Every
 * acknowledgement sits next to the resource it concerns, with a reason specific to this design,
 * and is copied into the template metadata (`cdk_nag`) for the audit trail.
 */
export function addNagPacks(app: App): NagPack[] {
  const packs = [
    new AwsSolutionsChecks(app, { verbose: true, writeSuppressionsToCloudFormation: true }),
    new HIPAASecurityChecks(app, { verbose: true, writeSuppressionsToCloudFormation: true }),
  ];
  Validations.of(app).addPlugins(...packs);
  return packs;
}
