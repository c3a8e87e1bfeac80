import { describe, expect, it } from "vitest";
import { formatDateTime, formatDuration, formatNumber, formatPercent, formatScore } from "../src/format";

// Intl puts narrow no-break spaces in French output; compare on plain spaces.
const plain = (s: string) => s.replace(/[\u202f\u00a0]/g, " ");

describe("numbers follow the locale", () => {
  it("formats decimals in French and English", () => {
    expect(formatNumber(9.44, "en-GB")).toBe("9.4");
    expect(formatNumber(9.44, "fr-FR")).toBe("9,4");
    expect(plain(formatNumber(2300, "fr-FR", 0))).toBe("2 300");
  });
  it("formats probabilities as percentages", () => {
    expect(formatPercent(0.623, "en-GB")).toBe("62.3%");
    expect(plain(formatPercent(0.623, "fr-FR"))).toBe("62,3 %");
    expect(formatPercent(null, "fr-FR")).toBe("–");
  });
  it("formats scores and durations", () => {
    expect(formatScore(81.25, "fr-FR")).toBe("81,3");
    expect(formatScore(null, "en-GB")).toBe("–");
    expect(formatDuration(850, "en-GB")).toBe("850 ms");
    expect(formatDuration(12_400, "fr-FR")).toBe("12,4 s");
  });
});

describe("dates", () => {
  it("formats UTC timestamps in the locale", () => {
    const iso = "2026-11-27T23:50:00Z";
    expect(formatDateTime(iso, "en-GB", "UTC")).toBe("27 Nov 2026, 23:50");
    expect(plain(formatDateTime(iso, "fr-FR", "UTC"))).toMatch(/^27 nov\. 2026(,| à) 23:50$/);
    expect(formatDateTime(null, "fr-FR")).toBe("–");
  });
});
