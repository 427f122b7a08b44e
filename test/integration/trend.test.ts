import { describeTrendEndToEnd } from "./trend-e2e.ts";

// The reference data set of stats/reference (6 locations); trend-heldout.test.ts: the held-out one.
describeTrendEndToEnd("reference");
