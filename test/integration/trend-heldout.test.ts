import { describeTrendEndToEnd } from "./trend-e2e.ts";

// The held-out data set of stats/reference (9 locations, other seed, effects and gaps).
describeTrendEndToEnd("heldout");
