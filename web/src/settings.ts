// The workspace settings form (datacenter, partition, trust domain, default policy, mode, peers).
import { app } from "./app";
import { byId } from "./dom";
import { formatPeers, parsePeers, type Settings } from "./state";

export function writeSettingsForm(s: Settings): void {
  const form = byId<HTMLFormElement>("settings-form");
  const field = (name: string) => form.elements.namedItem(name) as HTMLInputElement | HTMLSelectElement;
  field("datacenter").value = s.datacenter;
  field("partition").value = s.partition;
  field("trust_domain").value = s.trust_domain;
  field("default_intention_policy").value = s.default_intention_policy;
  field("mode").value = s.mode;
  field("peer_trust_domains").value = formatPeers(s.peer_trust_domains);
  summarizeSettings();
}

function readSettingsForm(): Settings {
  const form = byId<HTMLFormElement>("settings-form");
  const value = (name: string) => (form.elements.namedItem(name) as HTMLInputElement | HTMLSelectElement).value;
  return {
    datacenter: value("datacenter").trim(),
    partition: value("partition").trim(),
    trust_domain: value("trust_domain").trim(),
    default_intention_policy: value("default_intention_policy") === "deny" ? "deny" : "allow",
    mode: value("mode") === "audit" ? "audit" : "enforce",
    peer_trust_domains: parsePeers(value("peer_trust_domains")),
  };
}

function summarizeSettings(): void {
  const s = app.settings;
  byId("settings-summary").textContent =
    `${s.datacenter || "dc1"} · default ${s.default_intention_policy} · ${s.mode}` +
    (Object.keys(s.peer_trust_domains).length ? ` · ${Object.keys(s.peer_trust_domains).length} peer(s)` : "");
}

/** Wires the form; `onChange` runs after every change to the settings. */
export function wireSettings(onChange: () => void): void {
  byId("settings-form").addEventListener("input", () => {
    app.settings = readSettingsForm();
    summarizeSettings();
    onChange();
  });
  byId("settings-form").addEventListener("submit", (event) => event.preventDefault());
}
