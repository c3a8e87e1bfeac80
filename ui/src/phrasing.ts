// Drivers in words a technician understands, in French and English. The same sentences as the
// core (`Driver::phrase` in crates/cockpit-core/src/runs/drivers.rs), used by the CLI and the
// work list CSV.
import type { Driver } from "./api";
import { numberFormat } from "./format";
import type { Lang } from "./i18n";

const INDICATORS: Record<string, [string, string]> = {
  gearbox_oil: ["gearbox oil", "huile multiplicateur"],
  gearbox_bearing: ["gearbox bearing", "roulement multiplicateur"],
  generator_bearing: ["generator bearing", "roulement génératrice"],
  generator_winding: ["generator winding", "bobinage génératrice"],
  hydraulic_oil: ["hydraulic oil", "huile hydraulique"],
  converter: ["converter", "convertisseur"],
  transformer: ["transformer", "transformateur"],
  vibration: ["drivetrain vibration", "vibrations chaîne cinématique"],
  power_curve: ["power output", "production électrique"],
  pitch: ["blade pitch", "pas des pales"],
};

/** Words for an indicator id ("gearbox_oil" → "gearbox oil" / "huile multiplicateur"). */
export function indicatorLabel(indicator: string, lang: Lang): string {
  const pair = INDICATORS[indicator];
  if (!pair) return indicator.replace(/_/g, " ");
  return lang === "fr" ? pair[1] : pair[0];
}

function unitText(unit: string, lang: Lang): string {
  if (unit === "% rated") return lang === "fr" ? "% de la puissance nominale" : "% of rated power";
  return unit;
}

/** Decimal numbers in phrases: one decimal, no grouping ("9.4" / "9,4"). */
function num(v: number, lang: Lang): string {
  return numberFormat(lang === "fr" ? "fr-FR" : "en-GB", {
    minimumFractionDigits: 1,
    maximumFractionDigits: 1,
    useGrouping: false,
  }).format(v);
}

/**
 * A driver as a sentence, e.g. "gearbox oil 9.4 °C above normal for this load" /
 * "huile multiplicateur 9,4 °C au-dessus de la normale pour cette charge".
 */
export function phraseDriver(d: Driver, lang: Lang): string {
  const what = indicatorLabel(d.indicator, lang);
  if (d.indicator === "power_curve") {
    const below = d.value >= 0;
    const amount = `${num(Math.abs(d.value), lang)} ${unitText(d.unit, lang)}`;
    return lang === "fr"
      ? `${what} ${amount} ${below ? "en dessous" : "au-dessus"} des autres éoliennes au même vent`
      : `${what} ${amount} ${below ? "below" : "above"} the other turbines at the same wind`;
  }
  if (d.indicator === "pitch") {
    const ref = d.reference ?? 0;
    return lang === "fr"
      ? `${what} décalé de ${num(d.value, lang)}° par rapport aux autres éoliennes au même vent (habituellement ${num(ref, lang)}°)`
      : `${what} ${num(d.value, lang)}° off the other turbines at the same wind (usually ${num(ref, lang)}°)`;
  }
  if (d.reference === null || !Number.isFinite(d.reference)) {
    return lang === "fr"
      ? `${what} à ${num(d.value, lang)} ${d.unit} (valeur normale inconnue)`
      : `${what} at ${num(d.value, lang)} ${d.unit} (no normal value known)`;
  }
  const delta = d.value - d.reference;
  const above = delta >= 0;
  const fr = lang === "fr";
  const dir = fr ? (above ? "au-dessus" : "en dessous") : above ? "above" : "below";
  // A trend's unit is per day ("°C/d"): the sentence says "per day" itself.
  const amount = `${num(Math.abs(delta), lang)} ${d.unit.replace(/\/d$/, "")}`;
  switch (d.basis ?? "load") {
    case "site":
      return fr
        ? `${what} ${amount} ${dir} des autres éoliennes du site à charge égale`
        : `${what} ${amount} ${dir} the other turbines of the site at the same load`;
    case "own":
      return fr
        ? `${what} ${amount} ${dir} de son niveau habituel (par rapport au site, 3 à 6 jours avant)`
        : `${what} ${amount} ${dir} its own usual level (compared with its site, days 3–6 before)`;
    case "trend":
      return fr
        ? `${what} en ${above ? "hausse" : "baisse"} de ${amount} par jour sur 7 jours, à charge égale`
        : `${what} ${above ? "rising" : "falling"} ${amount} per day over the last 7 days, at the same load`;
    default:
      return fr
        ? `${what} ${amount} ${dir} de la normale pour cette charge`
        : `${what} ${amount} ${dir} normal for this load`;
  }
}

/** Contribution in probability points, rounded ("42"). */
export function contributionPoints(d: Driver): number {
  return Math.round(d.contribution * 100);
}

/** "61.2 °C" — a driver's value with its unit (percent of rated power for the power curve). */
export function valueWithUnit(v: number | null, unit: string, lang: Lang): string {
  if (v === null || !Number.isFinite(v)) return "–";
  let u = unit === "% rated" ? "%" : unit;
  if (lang === "fr") u = u.replace(/\/d$/, "/j"); // trends: per day
  return u === "°" ? `${num(v, lang)}°` : `${num(v, lang)} ${u}`;
}
