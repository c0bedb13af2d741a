//! What the playground shows: one plain, serializable value per view, computed from a set of
//! files and workspace settings. The page (through `meshgate-planner-wasm`) only renders these;
//! every rule behind them — how settings are filled in, which request an HTTP check makes, what a
//! matrix cell means — lives here, next to the CLI's use of the same core.
//!
//! ```
//! use meshgate_core::views::{Analysis, FileInput, SimulateRequest, WorkspaceInput};
//!
//! let input = WorkspaceInput {
//!     files: vec![FileInput {
//!         name: "billing.hcl".into(),
//!         text: "Kind = \"service-intentions\"\nName = \"billing\"\nSources = [{ Name = \"web\", Action = \"deny\" }]\n".into(),
//!     }],
//!     settings: None,
//! };
//! let analysis = Analysis::new(input);
//! assert!(analysis.diagnostics().summary.valid);
//! let request = SimulateRequest { source: "web".into(), destination: "billing".into(), ..Default::default() };
//! let result = analysis.simulate(&request).unwrap();
//! assert!(!result.allowed);
//! assert_eq!(result.intention.unwrap().origin.line, 3);
//! ```

use crate::diag::{self, Code, Diagnostic, Severity};
use crate::identity::or_default;
use crate::intentions::http::{HeaderCheck, HttpMatch, Permission};
use crate::intentions::{
    Action, Caller, Destination, Intention, IntentionTable, Origin, Reason, Request, ServiceName, Source, TraceStep,
    WILDCARD,
};
use crate::model::service::ServiceKind;
use crate::plan::protocols::Protocol;
use crate::plan::{self, Compiled};
use crate::settings::{Mode, Settings};
use crate::sorted::{SortedMap, SortedSet};
use crate::source::{Position, SourceMap, Span};
use crate::workspace::{InputFile, Workspace};
use serde::{Deserialize, Serialize};

/// The name the intention matrix uses for "any service no intention names": it is not a valid
/// service name, so no exact intention can match it and only wildcard intentions apply.
pub const OTHER: &str = "(other)";

// ------------------------------------------------------------------------------------- input

/// What the page sends: the files of the editor and the settings panel.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct WorkspaceInput {
    pub files: Vec<FileInput>,
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(optional = nullable))]
    pub settings: Option<SettingsInput>,
}

/// One file of the workspace. The format comes from the extension (`.hcl`, `.json`, `.yaml`,
/// `.yml`), else from the content.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct FileInput {
    pub name: String,
    pub text: String,
}

/// Workspace settings as the page edits them. Every field is optional; a missing or empty one
/// takes the default (see [`Settings::default`]).
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct SettingsInput {
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(optional = nullable))]
    pub datacenter: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(optional = nullable))]
    pub partition: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(optional = nullable))]
    pub trust_domain: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(optional = nullable))]
    pub default_intention_policy: Option<Action>,
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(optional = nullable))]
    pub mode: Option<Mode>,
    /// Peer name → that cluster's trust domain.
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(optional = nullable))]
    pub peer_trust_domains: Option<SortedMap<String, String>>,
}

/// Everything an analysis reads: config files, settings files (a directory's `meshgate.*`, or
/// `--settings`), and settings given directly (flags, the page's panel), which win.
#[derive(Clone, Debug, Default)]
pub struct AnalysisInput {
    pub files: Vec<InputFile>,
    pub settings_files: Vec<InputFile>,
    pub settings: SettingsInput,
}

impl SettingsInput {
    /// The defaults with what this input sets applied, and the problems with the result.
    pub fn resolve(&self) -> (Settings, Option<String>) {
        self.resolve_on(Settings::default())
    }

    /// `base` with what this input sets applied, and the problems with the result.
    pub fn resolve_on(&self, base: Settings) -> (Settings, Option<String>) {
        let mut s = base;
        let given = |v: &Option<String>| v.as_deref().map(str::trim).filter(|v| !v.is_empty()).map(str::to_string);
        if let Some(v) = given(&self.datacenter) {
            s.datacenter = v;
        }
        if let Some(v) = given(&self.partition) {
            s.partition = v;
        }
        if let Some(v) = given(&self.trust_domain) {
            s.trust_domain = v.to_ascii_lowercase();
        }
        if let Some(p) = self.default_intention_policy {
            s.default_intention_policy = p;
        }
        if let Some(m) = self.mode {
            s.mode = m;
        }
        for (peer, td) in self.peer_trust_domains.iter().flatten() {
            let (peer, td) = (peer.trim(), td.trim());
            if !peer.is_empty() && !td.is_empty() {
                s.peer_trust_domains.insert(peer.to_string(), td.to_ascii_lowercase());
            }
        }
        let problem = s.check().err();
        (s, problem)
    }
}

/// A request to simulate, as the Simulate form (or `meshgate check`) gives it. Empty strings
/// mean the default: namespace and partition `default`, a local (not peered) caller.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(default, deny_unknown_fields)]
pub struct SimulateRequest {
    pub source: String,
    #[cfg_attr(feature = "ts", ts(optional = nullable))]
    pub source_namespace: String,
    #[cfg_attr(feature = "ts", ts(optional = nullable))]
    pub source_partition: String,
    /// The caller's cluster peer; empty for a local caller.
    #[cfg_attr(feature = "ts", ts(optional = nullable))]
    pub source_peer: String,
    pub destination: String,
    #[cfg_attr(feature = "ts", ts(optional = nullable))]
    pub destination_namespace: String,
    /// Giving any of method, path or headers makes this an HTTP request; so does a destination
    /// whose protocol is http-like (then method `GET` and path `/` stand in), as in `meshgate check`.
    #[cfg_attr(feature = "ts", ts(optional = nullable))]
    pub method: Option<String>,
    #[cfg_attr(feature = "ts", ts(optional = nullable))]
    pub path: Option<String>,
    /// `Name: value`, one header each (repeat a name to send it twice).
    #[cfg_attr(feature = "ts", ts(optional = nullable))]
    pub headers: Vec<String>,
    /// Ask the plain `consul intention check` question: decide at the destination itself,
    /// without routing the request through its discovery chain.
    #[cfg_attr(feature = "ts", ts(optional = nullable))]
    pub no_route: bool,
    /// The payloads of the tokens Envoy's jwt_authn verified, by jwt-provider name
    /// (`{"okta": {"sub": "alice", "role": "admin"}}`); absent when none verified. A token that
    /// was sent but did not verify is a header (`Authorization: Bearer …`) with no payload here.
    #[cfg_attr(feature = "ts", ts(optional = nullable, type = "{ [key in string]: unknown }"))]
    pub jwt: Option<crate::intentions::jwt::JwtPayloads>,
}

// ------------------------------------------------------------------------------------ output

/// Counts for a status line.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Summary {
    /// No errors: `meshgate` would build a plan from these files.
    pub valid: bool,
    pub files: usize,
    pub entries: usize,
    pub services: usize,
    pub errors: usize,
    pub warnings: usize,
}

#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct DiagnosticsView {
    pub summary: Summary,
    pub diagnostics: Vec<DiagnosticView>,
}

/// One diagnostic, placed for an editor: 1-based line and column (in Unicode scalar values and
/// in UTF-16 code units), and 0-based UTF-16 offsets from the start of the file — what
/// JavaScript strings and CodeMirror count.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct DiagnosticView {
    /// Stable code, e.g. `E0201`.
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub code: Code,
    /// The code's short title (`unknown key`).
    pub title: &'static str,
    pub severity: Severity,
    pub message: String,
    pub notes: Vec<String>,
    /// `None` for problems that belong to no file (the settings).
    pub file: Option<String>,
    pub start: Option<Position>,
    pub end: Option<Position>,
    /// 0-based UTF-16 offsets into the file's text: what JavaScript strings and CodeMirror count.
    pub from_utf16: Option<u32>,
    pub to_utf16: Option<u32>,
    /// A one-click fix (a did-you-mean): the text that replaces `from_utf16..to_utf16`, quoted as
    /// the replaced text is.
    pub fix: Option<String>,
}

/// The Intentions view: the ranked list and a source × destination matrix.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct IntentionsView {
    pub default_policy: Action,
    pub mode: Mode,
    /// In the order decisions consider them: the first that matches decides.
    pub intentions: Vec<IntentionRow>,
    pub matrix: Matrix,
}

#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct IntentionRow {
    /// 1-based position in the ranking.
    pub rank: usize,
    /// `web → billing`
    pub label: String,
    pub source: Source,
    pub destination: Destination,
    pub verdict: RuleVerdict,
    pub permissions: Vec<PermissionRow>,
    pub precedence: u8,
    /// The shape that gives this precedence: `* → exact`.
    pub precedence_shape: &'static str,
    pub origin: Origin,
}

/// What an intention says before any request is looked at.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "lowercase")]
pub enum RuleVerdict {
    Allow,
    Deny,
    /// Permissions decide per HTTP request.
    L7,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct PermissionRow {
    pub action: Action,
    /// `PathPrefix /admin, methods GET HEAD, header x-debug present`, or `any request`.
    pub summary: String,
}

#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Matrix {
    pub sources: Vec<Endpoint>,
    pub destinations: Vec<Endpoint>,
    /// `cells[s][d]` for `sources[s]` calling `destinations[d]`.
    pub cells: Vec<Vec<Cell>>,
}

/// A row or column of the matrix: a service (or [`OTHER`], any service not named).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Endpoint {
    pub label: String,
    pub name: String,
    pub namespace: String,
    pub partition: String,
    pub peer: String,
    /// For destinations: the protocol the service speaks (service-defaults, proxy-defaults, tcp).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub protocol: Option<Protocol>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Cell {
    pub verdict: CellVerdict,
    /// Rank (1-based) of the intention that decides, if one does.
    pub rank: Option<usize>,
    pub explanation: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "kebab-case")]
pub enum CellVerdict {
    Allow,
    Deny,
    /// An L7 intention decides each HTTP request by its permissions.
    L7,
    /// No intention applies: the default policy allows.
    DefaultAllow,
    /// No intention applies: the default policy denies.
    DefaultDeny,
}

/// The outcome of one simulated request.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SimulateView {
    /// The decision.
    pub allowed: bool,
    /// What the filter does with it: `allow`, `deny`, or `audit-deny` (denied, but in audit mode
    /// only recorded, and let through).
    pub effect: Effect,
    pub explanation: String,
    pub reason: Reason,
    pub intention: Option<IntentionRef>,
    /// 1-based number of the permission that decided.
    pub permission: Option<usize>,
    pub default_used: bool,
    pub default_policy: Action,
    pub mode: Mode,
    pub destination_protocol: Protocol,
    /// Set when the request was checked as HTTP.
    pub http: Option<HttpView>,
    pub trace: Vec<TraceStep>,
    /// The service whose intentions decided (the destination, or where its route sent the
    /// request).
    pub decided_at: String,
    /// Why the question was answered differently from how it was asked (a tcp destination is
    /// decided at L4).
    pub note: Option<String>,
    /// The hop through the destination's discovery chain, when it routed or rewrote the request.
    pub route: Option<check::RouteHop>,
    /// Every target the route sends traffic to, with its share and its answer (empty when the
    /// request reaches the destination itself).
    pub legs: Vec<check::Leg>,
}

/// What the data plane does: `allow`, `deny`, or `audit-deny` (denied, but audit mode only
/// records it and lets it through).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "kebab-case")]
pub enum Effect {
    Allow,
    Deny,
    AuditDeny,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct IntentionRef {
    pub rank: usize,
    pub label: String,
    pub precedence: u8,
    pub origin: Origin,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct HttpView {
    pub method: String,
    pub path: String,
    /// The path L7 rules were matched against, when an L7 intention looked at it.
    pub normalized_path: Option<String>,
    pub headers: Vec<(String, String)>,
}

/// The Plan view: the compiled plan as `meshgate plan` prints it, or why there is none.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct PlanView {
    pub version: u32,
    pub json: Option<String>,
    pub withheld: Option<String>,
}

// ---------------------------------------------------------------------------------- analysis

/// Files and settings, loaded, validated and compiled once; each view reads from it.
pub struct Analysis {
    pub workspace: Workspace,
    pub settings: Settings,
    /// `None` only when the intention table could not be built (reported as a diagnostic).
    pub compiled: Option<Compiled>,
    diagnostics: Vec<Diagnostic>,
}

impl Analysis {
    /// The page's entry point: [`Self::load`] with the editor's files and the settings panel.
    /// The playground's input: a file named like a directory's settings file (`meshgate.hcl`, …)
    /// is read as one, as the CLI reads a directory's.
    pub fn new(input: WorkspaceInput) -> Analysis {
        let (settings_files, files) = input
            .files
            .into_iter()
            .map(|f| InputFile::new(f.name, f.text))
            .partition(|f| crate::settings::is_settings_file_name(&f.name));
        Analysis::load(AnalysisInput { files, settings_files, settings: input.settings.unwrap_or_default() })
    }

    /// The one pipeline every front end uses (the CLI's commands, the playground, the tests):
    /// decode and validate the files, read the settings files on top of the defaults and the
    /// given settings on top of those, then compile — discovery chains, gateway tables and
    /// intentions — collecting every problem as a diagnostic. Nothing here fails; the views are
    /// computed from whatever decoded, so they keep working while a file has an error, and the
    /// plan is withheld while there are errors (so `meshgate validate` refuses exactly what
    /// `meshgate plan` refuses).
    pub fn load(input: AnalysisInput) -> Analysis {
        let mut extra = Vec::new();
        let mut seen = SortedSet::new();
        for f in &input.files {
            if !seen.insert(f.name.as_str()) {
                extra.push(Diagnostic::error(
                    Code::InvalidValue,
                    None,
                    format!("two files are named `{}`; give each file its own name", f.name),
                ));
            }
        }
        let mut workspace = Workspace::load(input.files);
        let mut base = Settings::default();
        for f in &input.settings_files {
            match Settings::read_file(&f.name, &f.text, &mut workspace.sources) {
                Ok(file) => base.apply(&file),
                Err(diags) => extra.extend(diags),
            }
        }
        let (settings, settings_problem) = input.settings.resolve_on(base);
        if let Some(problem) = settings_problem {
            extra.push(Diagnostic::error(Code::InvalidValue, None, format!("settings: {problem}")));
        }
        let compiled = match plan::compile(&workspace, &settings) {
            Ok(c) => Some(c),
            Err(e) => {
                extra.push(Diagnostic::error(Code::InvalidRegex, None, e.to_string()));
                None
            }
        };
        let mut diagnostics = extra;
        diagnostics.extend(workspace.diagnostics.iter().cloned());
        if let Some(c) = &compiled {
            diagnostics.extend(c.diagnostics.iter().cloned());
        }
        diag::sort(&mut diagnostics);
        Analysis { workspace, settings, compiled, diagnostics }
    }

    /// Every problem found, in order (file, position).
    pub fn problems(&self) -> &[Diagnostic] {
        &self.diagnostics
    }

    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }

    pub fn diagnostics(&self) -> DiagnosticsView {
        let errors = self.diagnostics.iter().filter(|d| d.is_error()).count();
        let summary = Summary {
            valid: errors == 0,
            files: self.workspace.sources.files().count(),
            entries: self.workspace.entries().count(),
            services: self.workspace.services().count(),
            errors,
            warnings: self.diagnostics.len() - errors,
        };
        let mut diagnostics: Vec<DiagnosticView> =
            self.diagnostics.iter().map(|d| diagnostic_view(d, &self.workspace.sources)).collect();
        // Root causes first: a file that does not parse, or an entry that does not decode, makes
        // follow-on errors elsewhere (a reference to the entry that is not there); the page lists
        // errors by stage (syntax, decoding, the entry's own rules, the workspace's), then
        // warnings, each in file order. The CLI keeps file order, as compilers print.
        crate::sorting::sort_by_key(&mut diagnostics, |d| (d.severity != Severity::Error, d.code.stage()));
        DiagnosticsView { summary, diagnostics }
    }

    fn table(&self) -> Option<&IntentionTable> {
        self.compiled.as_ref().map(|c| &c.table)
    }

    fn protocol(&self, name: &str, namespace: &str) -> Protocol {
        match &self.compiled {
            Some(c) => c.protocols.protocol(name, namespace, &self.settings.partition),
            None => Protocol::Tcp,
        }
    }

    /// The whole Intentions view (the page asks for it in windows: [`Self::intention_windows`]).
    pub fn intentions(&self) -> IntentionsView {
        self.intention_windows().into_view(self)
    }

    /// The intentions in ranking order (none when the table could not be built).
    fn ranked(&self) -> &[Intention] {
        self.table().map(IntentionTable::intentions).unwrap_or(&[])
    }

    /// The matrix's rows and columns: every service an intention names (not by wildcard), every
    /// registered service and every upstream destination, then "(any other)"; labelled, and the
    /// destinations with their protocol.
    fn matrix_endpoints(&self, ranked: &[Intention]) -> (Vec<Endpoint>, Vec<Endpoint>) {
        let local = |name: &str, namespace: &str, partition: &str| Endpoint {
            label: String::new(),
            name: name.to_string(),
            namespace: or_default(namespace).to_string(),
            partition: or_default(partition).to_string(),
            peer: String::new(),
            protocol: None,
        };
        // Gathered, then sorted once each (there may be as many as there are intentions).
        let mut sources = Vec::new();
        let mut destinations = Vec::new();
        for i in ranked {
            let s = &i.source;
            if s.name != WILDCARD && s.namespace != WILDCARD {
                let mut e = local(&s.name, &s.namespace, &s.partition);
                if !s.peer.is_empty() {
                    e.partition = crate::identity::DEFAULT.into();
                    e.peer = s.peer.to_string();
                }
                sources.push(e);
            }
            let d = &i.destination;
            if d.name != WILDCARD && d.namespace != WILDCARD {
                destinations.push(local(&d.name, &d.namespace, &d.partition));
            }
        }
        for svc in self.workspace.services() {
            let name = match svc.kind {
                ServiceKind::ConnectProxy => svc.proxied_service().unwrap_or(&svc.name),
                k if k.is_gateway() => continue,
                _ => &svc.name,
            };
            if name.is_empty() {
                continue;
            }
            let partition = if svc.partition.is_empty() { &self.settings.partition } else { &svc.partition };
            sources.push(local(name, &svc.namespace, partition));
            destinations.push(local(name, &svc.namespace, partition));
        }
        for proxy in self.compiled.iter().flat_map(|c| &c.plan.upstreams) {
            for u in proxy.upstreams.iter().filter(|u| u.peer.is_empty() && !u.destination.is_empty()) {
                destinations.push(local(&u.destination, &u.namespace, &u.partition));
            }
        }
        crate::sorting::sort(&mut sources);
        sources.dedup();
        crate::sorting::sort(&mut destinations);
        destinations.dedup();
        sources.push(local(OTHER, "", &self.settings.partition));
        destinations.push(local(OTHER, "", &self.settings.partition));
        for e in &mut sources {
            e.label = endpoint_label(e);
        }
        for e in &mut destinations {
            e.label = endpoint_label(e);
            e.protocol = Some(self.protocol(&e.name, &e.namespace));
        }
        (sources, destinations)
    }

    /// The index in the ranking of the intention deciding `s` → `d`, if one does.
    fn deciding(&self, s: &Endpoint, d: &Endpoint) -> Option<usize> {
        self.table()?.find(&Request {
            source: Caller { name: &s.name, namespace: &s.namespace, partition: &s.partition, peer: &s.peer },
            destination: ServiceName { name: &d.name, namespace: &d.namespace, partition: &d.partition },
            http: None,
        })
    }

    /// The cell for a pair whose deciding intention is `ranked[index]` (the default policy when
    /// none is), with its explanation.
    fn cell(&self, ranked: &[Intention], index: Option<usize>, d: &Endpoint) -> Cell {
        let default = self.settings.default_intention_policy;
        let Some((index, i)) = index.and_then(|n| ranked.get(n).map(|i| (n, i))) else {
            return Cell {
                verdict: if default == Action::Allow { CellVerdict::DefaultAllow } else { CellVerdict::DefaultDeny },
                rank: None,
                explanation: format!("no intention applies: the default policy ({}) decides", default.as_str()),
            };
        };
        let cite = format!("{} (#{}, precedence {}, {})", i.label(), index + 1, i.precedence, i.origin);
        let (verdict, explanation) = match i.action {
            Some(Action::Allow) => (CellVerdict::Allow, format!("allowed by {cite}")),
            Some(Action::Deny) => (CellVerdict::Deny, format!("denied by {cite}")),
            None if d.protocol.is_some_and(Protocol::is_http_like) => (
                CellVerdict::L7,
                format!(
                    "{cite} decides each HTTP request by its {} permission(s); a request none matches falls to the default policy ({})",
                    i.permissions.len(),
                    default.as_str()
                ),
            ),
            None => (
                CellVerdict::L7,
                format!("{cite} has HTTP permissions, but `{}` speaks tcp: every connection is denied", d.name),
            ),
        };
        Cell { verdict, rank: Some(index + 1), explanation }
    }

    /// Why no plan (nor any gateway's GatewayPlan or bootstrap) is given: errors in the
    /// configuration, as `command` (`meshgate plan`, `meshgate envoy`) refuses them too.
    fn withheld(&self, command: &str) -> Option<String> {
        let errors = self.diagnostics.iter().filter(|d| d.is_error()).count();
        if errors > 0 {
            return Some(format!(
                "no plan while the configuration has {errors} error{}: fix {} first (`{command}` refuses it too)",
                if errors == 1 { "" } else { "s" },
                if errors == 1 { "it" } else { "them" }
            ));
        }
        self.compiled.is_none().then(|| "the plan could not be compiled".to_string())
    }

    /// The plan as `meshgate plan` prints it (pretty JSON), withheld while there are errors.
    pub fn plan(&self) -> PlanView {
        let withheld = |why: String| PlanView { version: plan::PLAN_VERSION, json: None, withheld: Some(why) };
        if let Some(why) = self.withheld("meshgate plan") {
            return withheld(why);
        }
        let Some(c) = &self.compiled else { return withheld("the plan could not be compiled".into()) };
        match crate::json::pretty(&c.plan) {
            Ok(json) => PlanView { version: plan::PLAN_VERSION, json: Some(json), withheld: None },
            Err(e) => withheld(format!("the plan could not be serialized: {e}")),
        }
    }
}

// ----------------------------------------------------------------------------------- helpers

fn non_empty(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|v| !v.is_empty())
}

fn diagnostic_view(d: &Diagnostic, sources: &SourceMap) -> DiagnosticView {
    let resolved = d.resolve(sources);
    let offsets = d.span.and_then(|s| utf16_offsets(sources, s));
    let location = resolved.location;
    DiagnosticView {
        code: d.code,
        title: d.code.title(),
        severity: d.severity,
        message: resolved.message,
        notes: resolved.notes,
        file: location.as_ref().map(|l| l.file.clone()),
        start: location.as_ref().map(|l| l.start),
        end: location.as_ref().map(|l| l.end),
        from_utf16: offsets.map(|o| o.0),
        to_utf16: offsets.map(|o| o.1),
        fix: d.fix.as_deref().zip(d.span).and_then(|(fix, span)| fix_text(sources, span, fix)),
    }
}

/// The fix's text as it should be written where the span is: a key or value written in quotes
/// keeps them. None when the span is not one written token (nothing to replace, or a whole block).
fn fix_text(sources: &SourceMap, span: Span, fix: &str) -> Option<String> {
    let text = &sources.get(span.file)?.text;
    let written = text.get(span.start as usize..span.end as usize)?;
    if written.is_empty() || written.contains('\n') || written.len() > 256 {
        return None;
    }
    let quoted = |q: char| written.len() >= 2 && written.starts_with(q) && written.ends_with(q);
    Some(match ['"', '\''].into_iter().find(|q| quoted(*q)) {
        Some(q) => format!("{q}{fix}{q}"),
        None => fix.to_string(),
    })
}

/// A span's byte offsets as UTF-16 offsets (clamped into the text, onto char boundaries).
fn utf16_offsets(sources: &SourceMap, span: Span) -> Option<(u32, u32)> {
    let text = &sources.get(span.file)?.text;
    let at = |byte: u32| -> u32 {
        let mut b = (byte as usize).min(text.len());
        while b > 0 && !text.is_char_boundary(b) {
            b -= 1;
        }
        let units = text.get(..b).map(|p| p.encode_utf16().count()).unwrap_or(0);
        u32::try_from(units).unwrap_or(u32::MAX)
    };
    Some((at(span.start), at(span.end)))
}

fn endpoint_label(e: &Endpoint) -> String {
    if e.name == OTHER {
        return "(any other)".into();
    }
    let mut label = String::new();
    if !e.peer.is_empty() {
        label.push_str(&format!("peer:{}/", e.peer));
    } else if e.partition != crate::identity::DEFAULT {
        label.push_str(&format!("{}/", e.partition));
    }
    if e.namespace != crate::identity::DEFAULT {
        label.push_str(&format!("{}/", e.namespace));
    }
    label.push_str(&e.name);
    label
}

fn intention_row(rank: usize, i: &Intention) -> IntentionRow {
    IntentionRow {
        rank,
        label: i.label(),
        source: i.source.clone(),
        destination: i.destination.clone(),
        verdict: match i.action {
            Some(Action::Allow) => RuleVerdict::Allow,
            Some(Action::Deny) => RuleVerdict::Deny,
            None => RuleVerdict::L7,
        },
        permissions: i.permissions.iter().map(permission_row).collect(),
        precedence: i.precedence,
        precedence_shape: precedence_shape(i.precedence),
        origin: i.origin.clone(),
    }
}

/// The source → destination shape each of Consul's nine precedence levels stands for.
pub fn precedence_shape(precedence: u8) -> &'static str {
    match precedence {
        9 => "exact → exact",
        8 => "* → exact",
        7 => "*/* → exact",
        6 => "exact → *",
        5 => "* → *",
        4 => "*/* → *",
        3 => "exact → */*",
        2 => "* → */*",
        1 => "*/* → */*",
        _ => "?",
    }
}

fn permission_row(p: &Permission) -> PermissionRow {
    PermissionRow { action: p.action, summary: describe_match(&p.http) }
}

fn describe_match(m: &HttpMatch) -> String {
    let mut parts = Vec::new();
    if let Some(p) = &m.path_exact {
        parts.push(format!("PathExact {p}"));
    }
    if let Some(p) = &m.path_prefix {
        parts.push(format!("PathPrefix {p}"));
    }
    if let Some(p) = &m.path_regex {
        parts.push(format!("PathRegex {p}"));
    }
    if !m.methods.is_empty() {
        parts.push(format!("methods {}", m.methods.join(" ")));
    }
    for h in &m.headers {
        let not = if h.invert { "not " } else { "" };
        let case = if h.ignore_case { " (any case)" } else { "" };
        let check = match &h.check {
            HeaderCheck::Present => "present".to_string(),
            HeaderCheck::Exact(v) => format!("= {v}"),
            HeaderCheck::Prefix(v) => format!("starts with {v}"),
            HeaderCheck::Suffix(v) => format!("ends with {v}"),
            HeaderCheck::Contains(v) => format!("contains {v}"),
            HeaderCheck::Regex(v) => format!("matches {v}"),
        };
        parts.push(format!("header {} {not}{check}{case}", h.name));
    }
    if parts.is_empty() {
        "any request".into()
    } else {
        parts.join(", ")
    }
}

pub mod check;
mod dials;
mod envoy;
mod gateways;
mod intention_windows;
mod routes;
mod unregistered;
mod upstreams;
pub use dials::{DialView, DialedTarget, ForwardView};
pub use envoy::{EnvoyRequest, EnvoyView, DEFAULT_ADMIN_PORT, DEFAULT_CERT_DIR, DEFAULT_WASM};
pub use gateways::{
    GatewayIntention, GatewayIntentions, GatewayPlanView, GatewayTable, GatewayView, GatewaysView, HostView,
    HttpRouteView, LinkedRow, ListenerView, MeshRow, TargetView, TcpView, UpstreamListenerView,
};
pub use intention_windows::{
    IntentionNames, IntentionWindows, IntentionsSummary, ListQuery, ListSlice, MatrixQuery, MatrixSlice, Pair,
    MATRIX_LIMIT,
};
pub use routes::{
    ChainGraph, ChainView, EdgeKind, GraphEdge, GraphNode, GraphNodeKind, RouteRow, RoutesView, TargetRef, TargetShare,
};
pub use unregistered::UnregisteredGateway;
pub use upstreams::{upstream_listener, ProxyView, UpstreamView, UpstreamsView};

#[cfg(test)]
mod tests;
#[cfg(test)]
mod ts_decl;
