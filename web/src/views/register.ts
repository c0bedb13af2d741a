// Gateway config entries that nothing runs (no service of their kind and name is registered):
// each with a button that adds the registration the planner proposes, so a pasted ingress,
// terminating or API gateway entry is one click from a route table.
import { app } from "../app";
import { h } from "../dom";
import { addFile, jump } from "../files";
import { notify } from "../ui";
import { originButton } from "./common";

export function unregisteredOffer(): HTMLElement | null {
  const list = app.views?.gateways?.unregistered ?? [];
  if (!list.length) return null;
  return h(
    "div",
    { class: "unregistered", "data-testid": "unregistered" },
    ...list.map((u) =>
      h(
        "p",
        {},
        `The ${u.kind} entry ${u.name} (`,
        originButton(u.entry, jump),
        ") runs nowhere: no service of that kind and name is registered. ",
        h(
          "button",
          {
            type: "button",
            class: "register",
            "data-testid": "register",
            title: `Add ${u.file_name} with a registration of ${u.name}`,
            onclick: () => {
              const name = addFile(u.file_name, u.registration);
              notify(`Added ${name}: it registers ${u.name} on 127.0.0.1. Change its address and port to where your gateway runs.`);
            },
          },
          `Register ${u.name}`,
        ),
      ),
    ),
  );
}
