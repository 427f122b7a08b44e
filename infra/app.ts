import { App } from "aws-cdk-lib";
import { composeVbm } from "./compose.ts";

// Entry point of `npx cdk …` (cdk.json): the stacks and their wiring live in compose.ts.
const app = new App();
composeVbm(app);
app.synth();
