// Light or dark: the system's choice (prefers-color-scheme) unless the toggle chose one; the
// choice is kept in localStorage and applied before the first paint by index.html.
import { byId } from "./dom";

const KEY = "meshgate.playground.theme";
type Theme = "system" | "light" | "dark";
const NEXT: Record<Theme, Theme> = { system: "dark", dark: "light", light: "system" };

function current(): Theme {
  const t = document.documentElement.dataset.theme;
  return t === "dark" || t === "light" ? t : "system";
}

function apply(theme: Theme): void {
  if (theme === "system") delete document.documentElement.dataset.theme;
  else document.documentElement.dataset.theme = theme;
  try {
    if (theme === "system") localStorage.removeItem(KEY);
    else localStorage.setItem(KEY, theme);
  } catch {
    // Not kept; still applied.
  }
  label(theme);
}

function label(theme: Theme): void {
  const button = byId("theme");
  button.textContent = `Theme: ${theme}`;
  button.title = `Colours: ${theme === "system" ? "as the system chooses" : theme}. Click for ${NEXT[theme]}.`;
}

export function wireTheme(): void {
  label(current());
  byId("theme").addEventListener("click", () => apply(NEXT[current()]));
}
