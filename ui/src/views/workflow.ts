// The maintenance workflow on screen: the fleet row's alert badge, what changed since the
// previous run, the turbine page's alert card (acknowledge, dismiss, re-open, plan), its
// interventions (start, close with a finding, cancel) and history, and the interventions view.
// Every sentence about an alert or an intervention is the core's, in the UI's language; this
// file only lays it out and sends the user's choices back.
import {
  api,
  asApiError,
  type AlertView,
  type Changes,
  type Choices,
  type InterventionView,
  type TurbineHistory,
} from "../api";
import type { Ctx } from "../context";
import { h } from "../dom";
import { errorBlock } from "../errors";
import { formatDate, formatDateTime } from "../format";
import { t } from "../i18n";

/** The alert column of a fleet row: the core's badge for an open alert ("new", "↑ from
 * moderate", "since Nov 25 (3 d)"), marked when acknowledged; the outcome of a closed one. */
export function alertBadge(a: AlertView | null): HTMLElement | null {
  if (!a) return null;
  if (a.text.badge) {
    const acked = a.status === "acknowledged";
    return h(
      "span",
      {
        class: `alert-badge alert-${a.status} alert-${a.text.badge_kind ?? "since"}`,
        "data-testid": "alert-badge",
        "data-status": a.status,
        title: [a.text.status, a.text.acknowledged].filter(Boolean).join(" — "),
      },
      acked ? `✓ ${a.text.badge}` : a.text.badge,
    );
  }
  const closed = a.text.outcome ?? a.text.status;
  return h("span", { class: "alert-badge alert-closed muted", "data-testid": "alert-badge", "data-status": a.status, title: a.text.closure ?? "" }, closed);
}

/** Whether a fleet row has an open alert nobody acknowledged (the "unacknowledged" filter). */
export function isUnacknowledged(a: AlertView | null): boolean {
  return a?.status === "open";
}

/** "Since the previous run (Nov 28): 2 new alerts (…)" at the top of the fleet view. */
export function changesBanner(changes: Changes | null): HTMLElement | null {
  if (!changes) return null;
  return h("p", { class: "changes", "data-testid": "changes", role: "status" }, changes.text);
}

type Done = () => void;

/** The colon between a label and its value: "Outcome: …" / "Résultat : …". */
const sep = (lang: string): string => (lang === "fr" ? " : " : ": ");

/** Runs a workflow action; on failure writes the error in `slot`, on success calls `done`. */
async function act(ctx: Ctx, slot: HTMLElement, action: () => Promise<unknown>, done: Done): Promise<void> {
  slot.replaceChildren();
  try {
    await action();
    done();
  } catch (e) {
    slot.replaceChildren(errorBlock(ctx.lang, asApiError(e), { "data-testid": "workflow-error" }));
  }
}

const val = (root: HTMLElement, name: string): string =>
  (root.querySelector(`[name="${name}"]`) as HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement | null)?.value.trim() ?? "";
const opt = (v: string): string | null => (v ? v : null);

function field(label: string, control: HTMLElement): HTMLElement {
  return h("label", { class: "field" }, h("span", {}, label), control);
}

function noteArea(ctx: Ctx, choices: Choices, testid: string): HTMLTextAreaElement {
  return h("textarea", { name: "note", rows: 2, maxlength: choices.max_note, "data-testid": testid, "aria-label": t(ctx.lang, "note") });
}

function select(name: string, testid: string, options: [string, string][], selected = ""): HTMLSelectElement {
  return h(
    "select",
    { name, "data-testid": testid },
    options.map(([v, label]) => h("option", { value: v, selected: v === selected }, label)),
  );
}

/** A form shown in place of its opening button; `submit` reads it. */
function inlineForm(ctx: Ctx, testid: string, body: HTMLElement[], submit: (form: HTMLElement) => void): HTMLElement {
  const form = h(
    "form",
    {
      class: "inline-form",
      "data-testid": testid,
      onsubmit: (e: Event) => {
        e.preventDefault();
        submit(form);
      },
    },
    body,
    h(
      "div",
      { class: "actions" },
      h("button", { type: "submit", class: "primary", "data-testid": `${testid}-submit` }, t(ctx.lang, "confirm")),
      h("button", { type: "button", onclick: () => form.remove() }, t(ctx.lang, "cancelAction")),
    ),
  );
  return form;
}

/** Shows `form` under `anchor` (replacing any other open form there). */
function open(anchor: HTMLElement, form: HTMLElement): void {
  anchor.replaceChildren(form);
  (form.querySelector("[name]") as HTMLElement | null)?.focus();
}

function alertSection(ctx: Ctx, turbine: string, a: AlertView | undefined, choices: Choices, done: Done): HTMLElement {
  const lang = ctx.lang;
  const errors = h("div", { "aria-live": "polite" });
  const formSlot = h("div", {});
  if (!a) return h("p", { class: "muted", "data-testid": "no-alert" }, t(lang, "noAlertYet"));
  const active = a.status === "open" || a.status === "acknowledged";
  const ack = () =>
    open(
      formSlot,
      inlineForm(ctx, "ack-form", [field(t(lang, "note"), noteArea(ctx, choices, "ack-note"))], (f) =>
        void act(ctx, errors, () => api.acknowledgeAlert(turbine, opt(val(f, "note"))), done),
      ),
    );
  const dismiss = () =>
    open(
      formSlot,
      inlineForm(
        ctx,
        "dismiss-form",
        [
          field(t(lang, "reason"), select("reason", "dismiss-reason", choices.reasons.map(([v, w]) => [v, w]))),
          field(t(lang, "muteUntil"), h("input", { type: "date", name: "until", "data-testid": "dismiss-until" })),
          field(t(lang, "note"), noteArea(ctx, choices, "dismiss-note")),
        ],
        (f) => void act(ctx, errors, () => api.dismissAlert(turbine, val(f, "reason"), opt(val(f, "until")), opt(val(f, "note"))), done),
      ),
    );
  const reopen = () => void act(ctx, errors, () => api.reopenAlert(turbine, null), done);
  const lines = [
    a.text.badge ? `${a.text.status} — ${a.text.badge}` : a.text.status,
    `${t(lang, "raised")}${sep(lang)}${a.text.first_raised} (${a.text.path})`,
    a.text.acknowledged,
    a.acknowledged?.note ? `« ${a.acknowledged.note} »` : null,
    a.text.closure,
    a.text.outcome ? `${t(lang, "outcome")}${sep(lang)}${a.text.outcome}` : null,
    ...a.text.notes,
  ].filter((x): x is string => !!x);
  return h(
    "div",
    { class: "alert-state", "data-testid": "alert-state", "data-status": a.status },
    h("ul", { class: "plain" }, lines.map((l, k) => h("li", { "data-testid": k === lines.length - 1 && a.text.outcome ? "alert-outcome" : null }, l))),
    h(
      "div",
      { class: "actions" },
      a.status === "open" ? h("button", { type: "button", "data-testid": "ack", onclick: ack }, t(lang, "acknowledge")) : null,
      active ? h("button", { type: "button", "data-testid": "dismiss", onclick: dismiss }, t(lang, "dismiss")) : null,
      !active ? h("button", { type: "button", "data-testid": "reopen", onclick: reopen }, t(lang, "reopen")) : null,
      h("button", { type: "button", "data-testid": "add-alert-note", onclick: () => open(formSlot, noteForm(ctx, turbine, null, choices, errors, done)) }, t(lang, "addNote")),
    ),
    formSlot,
    errors,
  );
}

/** A note on the turbine's latest alert, or on one of its interventions (`intervention`). */
function noteForm(ctx: Ctx, turbine: string, intervention: string | null, choices: Choices, errors: HTMLElement, done: Done): HTMLElement {
  return inlineForm(ctx, "note-form", [field(t(ctx.lang, "note"), noteArea(ctx, choices, "note-text"))], (f) =>
    void act(ctx, errors, () => api.addNote(turbine, intervention, val(f, "note")), done),
  );
}

function planForm(ctx: Ctx, turbine: string, alert: string | null, choices: Choices, errors: HTMLElement, done: Done): HTMLElement {
  const lang = ctx.lang;
  const inWeek = new Date(Date.now() + 7 * 86_400_000).toISOString().slice(0, 10);
  return inlineForm(
    ctx,
    "plan-form",
    [
      field(t(lang, "component"), select("component", "plan-component", choices.components)),
      field(t(lang, "actionToDo"), h("input", { type: "text", name: "action", "data-testid": "plan-action", maxlength: choices.max_note })),
      field(t(lang, "due"), h("input", { type: "date", name: "due", value: inWeek, required: true, "data-testid": "plan-due" })),
      field(t(lang, "team"), h("input", { type: "text", name: "team", "data-testid": "plan-team", maxlength: 100 })),
      field(t(lang, "priority"), select("priority", "plan-priority", choices.priorities, "normal")),
      field(t(lang, "note"), noteArea(ctx, choices, "plan-note")),
    ],
    (f) =>
      void act(
        ctx,
        errors,
        () =>
          api.planIntervention({
            turbine,
            alert: alert ?? undefined,
            component: val(f, "component"),
            due: val(f, "due"),
            action: opt(val(f, "action")) ?? undefined,
            team: opt(val(f, "team")) ?? undefined,
            priority: val(f, "priority"),
            note: opt(val(f, "note")) ?? undefined,
          }),
        done,
      ),
  );
}

/** One intervention with its actions (start, close with a finding, cancel) while open. */
export function interventionItem(ctx: Ctx, i: InterventionView, choices: Choices, done: Done, showTurbine = false): HTMLElement {
  const lang = ctx.lang;
  const errors = h("div", { "aria-live": "polite" });
  const formSlot = h("div", {});
  const isOpen = i.status === "planned" || i.status === "in_progress";
  const close = () =>
    open(
      formSlot,
      inlineForm(
        ctx,
        "close-form",
        [
          field(t(lang, "finding"), select("finding", "close-finding", choices.findings)),
          field(t(lang, "componentAtFault"), select("component", "close-component", choices.components, i.component)),
          field(t(lang, "note"), noteArea(ctx, choices, "close-note")),
        ],
        (f) =>
          void act(ctx, errors, () => api.closeIntervention(i.id, val(f, "finding"), opt(val(f, "component")), opt(val(f, "note"))), done),
      ),
    );
  return h(
    "li",
    {
      class: `intervention intervention-${i.status}${i.overdue ? " overdue" : ""}`,
      "data-testid": "intervention",
      "data-id": i.id,
      "data-status": i.status,
      "data-turbine-id": i.turbine_id,
    },
    h(
      "p",
      { class: "intervention-head" },
      showTurbine ? h("button", { type: "button", class: "link", "data-testid": "open-turbine", onclick: () => ctx.openTurbine(i.turbine_id) }, i.turbine_id) : null,
      showTurbine ? " — " : null,
      h("strong", {}, i.text.component),
      i.action ? ` — ${i.action}` : null,
    ),
    h(
      "p",
      { class: "muted" },
      h("span", { class: `status status-${i.status}`, "data-testid": "intervention-status" }, i.text.status),
      " · ",
      h("span", { class: i.overdue ? "overdue-text" : "", "data-testid": "intervention-due" }, isOpen ? i.text.due : formatDate(i.due, ctx.locale)),
      ` · ${t(lang, "priority")}${sep(lang)}${i.text.priority}`,
      i.team ? ` · ${i.team}` : null,
      ` · ${t(lang, "plannedBy", { author: i.planned.author, date: formatDateTime(new Date(i.planned.at * 1000).toISOString(), ctx.locale) })}`,
    ),
    i.text.finding ? h("p", { "data-testid": "intervention-finding" }, i.text.finding) : null,
    i.note ? h("p", { class: "muted" }, i.note) : null,
    i.text.notes.length ? h("ul", { class: "plain notes", "data-testid": "intervention-notes" }, i.text.notes.map((n) => h("li", {}, n))) : null,
    i.text.conflicts.length
      ? h("ul", { class: "plain conflicts", "data-testid": "intervention-conflicts", role: "note" }, i.text.conflicts.map((c) => h("li", {}, `⚠ ${c}`)))
      : null,
    h(
      "div",
      { class: "actions" },
      h("button", { type: "button", "data-testid": "add-intervention-note", onclick: () => open(formSlot, noteForm(ctx, i.turbine_id, i.id, choices, errors, done)) }, t(lang, "addNote")),
    ),
    isOpen
      ? h(
          "div",
          { class: "actions" },
          i.status === "planned"
            ? h("button", { type: "button", "data-testid": "start-intervention", onclick: () => void act(ctx, errors, () => api.startIntervention(i.id, null), done) }, t(lang, "startIntervention"))
            : null,
          h("button", { type: "button", "data-testid": "close-intervention", onclick: close }, t(lang, "closeIntervention")),
          h("button", { type: "button", "data-testid": "cancel-intervention", onclick: () => void act(ctx, errors, () => api.cancelIntervention(i.id, null), done) }, t(lang, "cancelIntervention")),
        )
      : null,
    formSlot,
    errors,
  );
}

function historyCard(ctx: Ctx, hist: TurbineHistory): HTMLElement {
  const lang = ctx.lang;
  const list = (items: HTMLElement[]) => (items.length ? h("ul", { class: "plain" }, items) : h("p", { class: "muted" }, t(lang, "nothingYet")));
  return h(
    "section",
    { class: "card history-card", "data-testid": "history" },
    h("h3", {}, t(lang, "historyCard")),
    h("h4", {}, t(lang, "historyLogbook")),
    list(
      hist.logbook.map((l) =>
        h("li", { "data-testid": "history-logbook" }, `${formatDateTime(l.failure_time, ctx.locale)} — ${l.component_text}${l.action ? ` — ${l.action}` : ""}`),
      ),
    ),
    h("h4", {}, t(lang, "historyAlerts")),
    list(
      hist.alerts.map((a) =>
        h(
          "li",
          { "data-testid": "history-alert", "data-status": a.status },
          `${a.text.first_raised} — ${a.text.path} — ${a.text.status}`,
          a.text.outcome ? ` — ${a.text.outcome}` : a.text.closure ? ` — ${a.text.closure}` : "",
        ),
      ),
    ),
  );
}

/** The turbine page's workflow: the alert card with its actions and the interventions, then
 * the history card. Reloads itself after each action and calls `changed` (the fleet refreshes). */
export function workflowCards(ctx: Ctx, turbine: string, changed: () => void): HTMLElement {
  const root = h("div", { class: "workflow", "data-testid": "workflow" }, h("p", { class: "muted" }, "…"));
  const load = async () => {
    try {
      const [hist, choices] = await Promise.all([api.turbineHistory(turbine, ctx.lang), api.workflowChoices(ctx.lang)]);
      const done = () => {
        changed();
        void load();
      };
      const latest = hist.alerts[0];
      const active = latest && (latest.status === "open" || latest.status === "acknowledged") ? latest.id : null;
      const planErrors = h("div", { "aria-live": "polite" });
      const planSlot = h("div", {});
      const interventions = hist.interventions;
      root.replaceChildren(
        h(
          "div",
          { class: "cards" },
          h(
            "section",
            { class: "card alert-card", "data-testid": "alert-card" },
            h("h3", {}, t(ctx.lang, "alertCard")),
            alertSection(ctx, turbine, latest, choices, done),
          ),
          h(
            "section",
            { class: "card interventions-card", "data-testid": "interventions-card" },
            h("h3", {}, t(ctx.lang, "historyInterventions")),
            interventions.length
              ? h("ul", { class: "plain interventions" }, interventions.map((i) => interventionItem(ctx, i, choices, done)))
              : h("p", { class: "muted" }, t(ctx.lang, "nothingYet")),
            h(
              "div",
              { class: "actions" },
              h("button", { type: "button", "data-testid": "plan", onclick: () => open(planSlot, planForm(ctx, turbine, active, choices, planErrors, done)) }, t(ctx.lang, "planIntervention")),
            ),
            planSlot,
            planErrors,
          ),
          historyCard(ctx, hist),
        ),
      );
    } catch (e) {
      root.replaceChildren(errorBlock(ctx.lang, asApiError(e)));
    }
  };
  void load();
  return root;
}

/** The interventions tab: open ones by due date (overdue marked), the closed ones on request,
 * and who actions are recorded as (the author preference). */
export function interventionsView(ctx: Ctx, changed: () => void): HTMLElement {
  const lang = ctx.lang;
  const listSlot = h("div", {}, h("p", { class: "muted" }, "…"));
  const authorSlot = h("div", { class: "author-pref" });
  let showClosed = false;
  const load = async () => {
    try {
      const [items, choices] = await Promise.all([api.interventions(!showClosed, lang), api.workflowChoices(lang)]);
      const done = () => {
        changed();
        void load();
      };
      listSlot.replaceChildren(
        items.length
          ? h("ul", { class: "plain interventions", "data-testid": "interventions-list" }, items.map((i) => interventionItem(ctx, i, choices, done, true)))
          : h("p", { class: "muted", "data-testid": "no-interventions" }, t(lang, "noInterventions")),
      );
    } catch (e) {
      listSlot.replaceChildren(errorBlock(lang, asApiError(e)));
    }
  };
  const loadAuthor = async () => {
    try {
      const a = await api.getAuthor();
      const input = h("input", { type: "text", value: a.author, maxlength: 100, "data-testid": "author-name", "aria-label": t(lang, "yourName") });
      const note = h("p", { class: "muted", "data-testid": "recorded-as" }, t(lang, "recordedAs", { author: a.author, machine: a.machine }));
      const errors = h("div", {});
      authorSlot.replaceChildren(
        h(
          "form",
          {
            class: "inline",
            onsubmit: (e: Event) => {
              e.preventDefault();
              void act(ctx, errors, () => api.setAuthor(input.value), () => void loadAuthor());
            },
          },
          h("label", {}, t(lang, "yourName"), " ", input),
          " ",
          h("button", { type: "submit", "data-testid": "save-author" }, t(lang, "saveName")),
        ),
        note,
        errors,
      );
    } catch (e) {
      authorSlot.replaceChildren(errorBlock(lang, asApiError(e)));
    }
  };
  const toggle = h("input", {
    type: "checkbox",
    "data-testid": "show-closed",
    onchange: (e: Event) => {
      showClosed = (e.target as HTMLInputElement).checked;
      void load();
    },
  });
  void load();
  void loadAuthor();
  return h(
    "section",
    { class: "interventions-view", "data-testid": "interventions-view" },
    h("h2", {}, t(lang, "interventionsTitle")),
    h("p", { class: "muted" }, t(lang, "interventionsHelp")),
    h("label", { class: "inline" }, toggle, " ", t(lang, "showClosed")),
    listSlot,
    authorSlot,
  );
}
