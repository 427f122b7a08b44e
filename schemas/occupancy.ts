/** Occupancy file columns (CSV `Locatie;Maand;Gemiddelde bezetting`). */
export const occupancyHeaders = [
  { id: "location", header: "Locatie", aliases: ["locatie", "locatiecode", "location"] },
  { id: "month", header: "Maand", aliases: ["maand", "month"] },
  {
    id: "occupancy",
    header: "Gemiddelde bezetting",
    aliases: ["gemiddelde bezetting", "bezetting", "occupancy"],
  },
] as const;
export type OccupancyColumnId = (typeof occupancyHeaders)[number]["id"];
