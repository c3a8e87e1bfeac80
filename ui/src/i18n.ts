// French and English texts. The language follows the OS (navigator.language) and can be switched.
import type { Category } from "./api";

export type Lang = "fr" | "en";

/** French for any `fr*` locale, English otherwise. */
export function detectLang(locale: string | undefined): Lang {
  return (locale ?? "").toLowerCase().startsWith("fr") ? "fr" : "en";
}

/** The locale used by Intl: the OS locale when it is of the chosen language, else a default. */
export function localeFor(lang: Lang, osLocale: string | undefined): string {
  if (osLocale && detectLang(osLocale) === lang && isSupported(osLocale)) return osLocale;
  return lang === "fr" ? "fr-FR" : "en-GB";
}

/** Whether Intl knows the locale ("C" or "POSIX" from a bare system are not locales). */
function isSupported(locale: string): boolean {
  try {
    return /^[a-z]{2,3}(-|$)/i.test(locale) && Intl.DateTimeFormat.supportedLocalesOf([locale]).length > 0;
  } catch {
    return false;
  }
}

const EN = {
  appTitle: "EnergiTech Cockpit",
  tabFleet: "Fleet",
  tabTrend: "Fleet trend",
  tabDiagnostics: "Diagnostics",
  scoreNow: "Score now",
  scoring: "Scoring…",
  langSwitch: "Français",
  langSwitchLabel: "Passer en français",
  preparingTitle: "Preparing the demo park…",
  preparingSimulating:
    "Simulating 180 days of SCADA records for the 20 turbines of the Lyon park and storing them.",
  preparingScoring: "Scoring the fleet, with 30 days of daily history.",
  preparingStarting: "Opening the database…",
  preparingNote: "This happens once, on first launch; it takes under a minute.",
  startupFailed: "The cockpit could not start",
  critical: "critical",
  high: "high",
  moderate: "moderate",
  low: "low",
  notScored: "not scored",
  allCategories: "All categories",
  allSites: "All sites",
  category: "Category",
  site: "Site",
  search: "Search",
  searchPlaceholder: "Turbine, site or component…",
  turbine: "Turbine",
  riskScore: "Risk score",
  pFail: "Failure ≤ 7 d",
  pFailLong: "Probability of failure within 7 days",
  daysToFailure: "Days to failure",
  mainDriver: "Main reason",
  lastData: "Last data",
  exportCsv: "Export CSV",
  print: "Print work list",
  shown: "Turbines shown: {n} of {total}",
  noMatch: "No turbine matches these filters.",
  noRun: "No scoring run yet.",
  noRunHelp: "Press “Score now” once the models are installed.",
  modelsMissing: "Models not available: ",
  dataAsOf: "Data as of {date}",
  runLine: "Run #{id} ({trigger}) · data as of {date} · models {model}",
  back: "Back to the fleet",
  identity: "Identity",
  model: "Model",
  ratedPower: "Rated power",
  commissioned: "Commissioned",
  position: "Position",
  latestPrediction: "Latest prediction",
  scoredAt: "Scored with data up to",
  drivers: "Why this risk",
  noDrivers: "No indicator stands out: all signals are close to normal.",
  measured: "24-hour mean {value}, normal {normal}",
  measuredNoNormal: "24-hour mean {value}",
  contribution: "+{pts} pts of 7-day failure probability",
  contributionOne: "+1 pt of 7-day failure probability",
  lastMeasurements: "Last measurements",
  riskHistory: "Risk history",
  riskHistoryAlt: "Risk score of {id} at each run, over the category bands",
  signalsTrend: "Signals behind the drivers (last 14 days)",
  signalsAlt: "Hourly trend of the signals behind the drivers of {id}",
  fleetTrendTitle: "Turbines per category at each run",
  fleetTrendAlt: "Number of turbines per risk category at each scoring run",
  runJournal: "Run journal",
  appVersion: "App version",
  modelVersion: "Model version",
  modelsFolder: "Models folder",
  database: "Database",
  inbox: "Inbox folder (CSV files dropped here are ingested, then scored)",
  none: "none",
  run: "Run",
  trigger: "Trigger",
  started: "Started",
  status: "Status",
  duration: "Duration",
  turbines: "Turbines",
  error: "Error",
  schedule: "Daily run",
  scheduleOn: "Daily run on",
  scheduleAt: "at",
  save: "Save",
  scheduleSaved: "Saved. Next run: {date}",
  scheduleOff: "Saved. The daily run is off.",
  runStarted: "Scoring the fleet…",
  runSucceeded: "Run #{id} done in {ms} ms: {critical} critical, {high} high.",
  runFailed: "Scoring failed: {message}",
  notScoredReason: "Not scored: {reason}",
  worklistTitle: "Work list",
  csvSaved: "Work list saved to {path}",
  csvFailed: "The work list could not be saved.",
  printedOn: "Printed on {date}",
  trig_manual: "manual",
  trig_timer: "daily",
  trig_cli: "command line",
  trig_watch: "new data",
  trig_backfill: "history",
  st_succeeded: "succeeded",
  st_failed: "failed",
  err_preparing: "The cockpit is still preparing its data.",
  err_no_run: "No scoring run yet.",
  err_models: "The models are not available.",
  err_run_in_progress: "A scoring run is already in progress.",
  err_unknown_turbine: "Unknown turbine.",
  err_invalid_time: "Time of day not valid: use HH:MM.",
  loading: "Loading…",
};

export type Key = keyof typeof EN;

const FR: Record<Key, string> = {
  appTitle: "EnergiTech Cockpit",
  tabFleet: "Parc",
  tabTrend: "Évolution du parc",
  tabDiagnostics: "Diagnostic",
  scoreNow: "Évaluer maintenant",
  scoring: "Évaluation…",
  langSwitch: "English",
  langSwitchLabel: "Switch to English",
  preparingTitle: "Préparation du parc de démonstration…",
  preparingSimulating:
    "Simulation de 180 jours d'enregistrements SCADA pour les 20 éoliennes du parc de Lyon, puis stockage.",
  preparingScoring: "Évaluation du risque, avec 30 jours d'historique quotidien.",
  preparingStarting: "Ouverture de la base de données…",
  preparingNote: "Cela n'arrive qu'au premier lancement et prend moins d'une minute.",
  startupFailed: "Le cockpit n'a pas pu démarrer",
  critical: "critique",
  high: "élevé",
  moderate: "modéré",
  low: "faible",
  notScored: "non évaluée",
  allCategories: "Toutes catégories",
  allSites: "Tous les sites",
  category: "Catégorie",
  site: "Site",
  search: "Recherche",
  searchPlaceholder: "Éolienne, site ou composant…",
  turbine: "Éolienne",
  riskScore: "Score de risque",
  pFail: "Panne ≤ 7 j",
  pFailLong: "Probabilité de panne sous 7 jours",
  daysToFailure: "Jours avant panne",
  mainDriver: "Raison principale",
  lastData: "Dernières données",
  exportCsv: "Exporter en CSV",
  print: "Imprimer la liste de travaux",
  shown: "Éoliennes affichées : {n} sur {total}",
  noMatch: "Aucune éolienne ne correspond à ces filtres.",
  noRun: "Aucune évaluation pour l'instant.",
  noRunHelp: "Appuyez sur « Évaluer maintenant » une fois les modèles installés.",
  modelsMissing: "Modèles indisponibles : ",
  dataAsOf: "Données au {date}",
  runLine: "Évaluation n° {id} ({trigger}) · données au {date} · modèles {model}",
  back: "Retour au parc",
  identity: "Identité",
  model: "Modèle",
  ratedPower: "Puissance nominale",
  commissioned: "Mise en service",
  position: "Position",
  latestPrediction: "Dernière prévision",
  scoredAt: "Évaluée avec les données jusqu'au",
  drivers: "Pourquoi ce risque",
  noDrivers: "Aucun indicateur ne se distingue : tous les signaux sont proches de la normale.",
  measured: "moyenne sur 24 h {value}, normale {normal}",
  measuredNoNormal: "moyenne sur 24 h {value}",
  contribution: "+{pts} pts de probabilité de panne à 7 jours",
  contributionOne: "+1 pt de probabilité de panne à 7 jours",
  lastMeasurements: "Dernières mesures",
  riskHistory: "Historique du risque",
  riskHistoryAlt: "Score de risque de {id} à chaque évaluation, sur les bandes de catégorie",
  signalsTrend: "Signaux à l'origine du risque (14 derniers jours)",
  signalsAlt: "Évolution horaire des signaux à l'origine du risque de {id}",
  fleetTrendTitle: "Éoliennes par catégorie à chaque évaluation",
  fleetTrendAlt: "Nombre d'éoliennes par catégorie de risque à chaque évaluation",
  runJournal: "Journal des évaluations",
  appVersion: "Version de l'application",
  modelVersion: "Version des modèles",
  modelsFolder: "Dossier des modèles",
  database: "Base de données",
  inbox: "Dossier d'entrée (les fichiers CSV déposés ici sont intégrés puis évalués)",
  none: "aucune",
  run: "N°",
  trigger: "Déclencheur",
  started: "Début",
  status: "État",
  duration: "Durée",
  turbines: "Éoliennes",
  error: "Erreur",
  schedule: "Évaluation quotidienne",
  scheduleOn: "Évaluation quotidienne active",
  scheduleAt: "à",
  save: "Enregistrer",
  scheduleSaved: "Enregistré. Prochaine évaluation : {date}",
  scheduleOff: "Enregistré. L'évaluation quotidienne est désactivée.",
  runStarted: "Évaluation du parc en cours…",
  runSucceeded: "Évaluation n° {id} terminée en {ms} ms : {critical} critique(s), {high} élevé(s).",
  runFailed: "L'évaluation a échoué : {message}",
  notScoredReason: "Non évaluée : {reason}",
  worklistTitle: "Liste de travaux",
  csvSaved: "Liste de travaux enregistrée dans {path}",
  csvFailed: "La liste de travaux n'a pas pu être enregistrée.",
  printedOn: "Imprimée le {date}",
  trig_manual: "manuelle",
  trig_timer: "quotidienne",
  trig_cli: "ligne de commande",
  trig_watch: "nouvelles données",
  trig_backfill: "historique",
  st_succeeded: "réussie",
  st_failed: "échouée",
  err_preparing: "Le cockpit prépare encore ses données.",
  err_no_run: "Aucune évaluation pour l'instant.",
  err_models: "Les modèles ne sont pas disponibles.",
  err_run_in_progress: "Une évaluation est déjà en cours.",
  err_unknown_turbine: "Éolienne inconnue.",
  err_invalid_time: "Heure non valide : utilisez HH:MM.",
  loading: "Chargement…",
};

const TEXTS: Record<Lang, Record<Key, string>> = { en: EN, fr: FR };

/** The text of `key` in `lang`, with `{name}` placeholders filled. */
export function t(lang: Lang, key: Key, vars: Record<string, string | number> = {}): string {
  return TEXTS[lang][key].replace(/\{(\w+)\}/g, (_, k: string) =>
    k in vars ? String(vars[k]) : `{${k}}`,
  );
}

export function categoryText(lang: Lang, c: Category | null): string {
  return c ? t(lang, c) : t(lang, "notScored");
}

/** A known error code in words, else the core's message. */
export function errorText(lang: Lang, e: { code: string; message: string }): string {
  const key = `err_${e.code}` as Key;
  return key in EN ? `${t(lang, key)} ${e.message}` : e.message;
}

export function triggerText(lang: Lang, trigger: string): string {
  const key = `trig_${trigger}` as Key;
  return key in EN ? t(lang, key) : trigger;
}

export function statusText(lang: Lang, status: string): string {
  const key = `st_${status}` as Key;
  return key in EN ? t(lang, key) : status;
}
