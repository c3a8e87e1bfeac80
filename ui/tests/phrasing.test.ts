import { describe, expect, it } from "vitest";
import type { Driver } from "../src/api";
import { contributionPoints, indicatorLabel, phraseDriver, valueWithUnit } from "../src/phrasing";

const driver = (indicator: string, value: number, reference: number | null, unit: string): Driver => ({
  indicator,
  feature: `${indicator}_resid_24h`,
  value,
  reference,
  unit,
  contribution: 0.42,
});

describe("drivers in words", () => {
  it("phrases a temperature against its normal value for the load", () => {
    const d = driver("gearbox_oil", 61.2, 51.8, "°C");
    expect(phraseDriver(d, "en")).toBe("gearbox oil 9.4 °C above normal for this load");
    expect(phraseDriver(d, "fr")).toBe("huile multiplicateur 9,4 °C au-dessus de la normale pour cette charge");
  });
  it("says below when the value is under normal", () => {
    const d = driver("converter", 40, 42.5, "°C");
    expect(phraseDriver(d, "en")).toBe("converter 2.5 °C below normal for this load");
    expect(phraseDriver(d, "fr")).toBe("convertisseur 2,5 °C en dessous de la normale pour cette charge");
  });
  it("phrases the power curve and the pitch against the other turbines", () => {
    expect(phraseDriver(driver("power_curve", 8.24, 0, "% rated"), "en")).toBe(
      "power output 8.2 % of rated power below the other turbines at the same wind",
    );
    expect(phraseDriver(driver("pitch", 3.1, 0.4, "°"), "fr")).toBe(
      "pas des pales décalé de 3,1° par rapport aux autres éoliennes au même vent (habituellement 0,4°)",
    );
  });
  it("copes with an unknown normal value and an unknown indicator", () => {
    expect(phraseDriver(driver("vibration", 4.2, null, "mm/s"), "en")).toBe(
      "drivetrain vibration at 4.2 mm/s (no normal value known)",
    );
    expect(indicatorLabel("main_shaft", "fr")).toBe("main shaft");
  });
  it("names the deviation that stands out: the site, the turbine's own level, the trend", () => {
    const site: Driver = { ...driver("converter", 48, 53.5, "°C"), basis: "site" };
    expect(phraseDriver(site, "en")).toBe("converter 5.5 °C below the other turbines of the site at the same load");
    const own: Driver = { ...driver("gearbox_oil", 55, 50.7, "°C"), basis: "own" };
    expect(phraseDriver(own, "fr")).toBe(
      "huile multiplicateur 4,3 °C au-dessus de son niveau habituel (par rapport au site, 3 à 6 jours avant)",
    );
    const trend: Driver = { ...driver("gearbox_bearing", 0.9, 0, "°C/d"), basis: "trend" };
    expect(phraseDriver(trend, "en")).toBe(
      "gearbox bearing rising 0.9 °C per day over the last 7 days, at the same load",
    );
    expect(phraseDriver(trend, "fr")).toBe("roulement multiplicateur en hausse de 0,9 °C par jour sur 7 jours, à charge égale");
  });
  it("gives contributions in points and values with units", () => {
    expect(contributionPoints(driver("gearbox_oil", 1, 0, "°C"))).toBe(42);
    expect(valueWithUnit(61.25, "°C", "fr")).toBe("61,3 °C");
    expect(valueWithUnit(8.2, "% rated", "en")).toBe("8.2 %");
    expect(valueWithUnit(null, "°C", "en")).toBe("–");
    expect(valueWithUnit(0.9, "°C/d", "fr")).toBe("0,9 °C/j");
  });
});
