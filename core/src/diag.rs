//! Diagnostics: every problem meshgate reports has a stable code, a severity, a sentence a person
//! understands, and the place in the user's text it is about.

use crate::source::{Location, SourceMap, Span};
use serde::Serialize;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

macro_rules! codes {
    ($( $(#[$doc:meta])* $name:ident = $code:literal, $title:literal; )*) => {
        /// Stable diagnostic codes. A code never changes meaning once released; new problems get
        /// new codes. `meshgate explain CODE` and the README list them from [`Code::ALL`].
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Code { $( $(#[$doc])* $name, )* }

        impl Code {
            pub const ALL: &'static [Code] = &[$(Code::$name),*];

            pub fn as_str(self) -> &'static str {
                match self { $(Code::$name => $code,)* }
            }

            /// A short title for listings.
            pub fn title(self) -> &'static str {
                match self { $(Code::$name => $title,)* }
            }

            pub fn parse(s: &str) -> Option<Code> {
                match s { $($code => Some(Code::$name),)* _ => None }
            }
        }
    };
}

codes! {
    // E00xx: reading input
    Io = "E0001", "file could not be read";
    UnknownFormat = "E0002", "format could not be determined";
    // E01xx: syntax
    HclSyntax = "E0101", "HCL syntax error";
    JsonSyntax = "E0102", "JSON syntax error";
    YamlSyntax = "E0103", "YAML syntax error";
    Unterminated = "E0104", "unterminated block, list, string or comment";
    TooDeep = "E0105", "nesting too deep";
    TooLarge = "E0106", "input too large";
    InvalidEscape = "E0107", "invalid escape sequence";
    DuplicateKey = "E0108", "key given twice";
    // E02xx: shape of the decoded value
    UnknownKey = "E0201", "unknown key";
    WrongType = "E0202", "value has the wrong type";
    MissingField = "E0203", "required field missing";
    UnknownKind = "E0204", "unknown config entry kind";
    InvalidEnum = "E0205", "value is not one of the allowed choices";
    InvalidDuration = "E0206", "invalid duration";
    NumberOutOfRange = "E0207", "number out of range";
    NotAnEntry = "E0208", "document is neither a config entry nor a service definition";
    InvalidRegex = "E0209", "invalid regular expression";
    UnknownResourceKind = "E0210", "unknown Kubernetes resource kind or version";
    UnsupportedResourceField = "E0211", "Kubernetes resource field meshgate cannot map";
    // E03xx: rules of a single entry
    InvalidName = "E0301", "invalid name";
    ProxyDefaultsName = "E0302", "proxy-defaults must be named global";
    MeshGatewayMode = "E0303", "invalid mesh gateway mode";
    SplitWeights = "E0304", "splitter weights must sum to 100";
    SplitWeightRange = "E0305", "split weight out of range";
    ResolverSubset = "E0306", "invalid resolver subset";
    IntentionWildcard = "E0307", "invalid wildcard in an intention";
    PermissionsOnWildcard = "E0308", "permissions not allowed with a wildcard destination";
    IntentionAction = "E0309", "intention needs exactly one of Action or Permissions";
    DuplicateSource = "E0310", "the same source is listed twice";
    HttpMatch = "E0311", "invalid HTTP match";
    DuplicatePort = "E0312", "port used by more than one listener";
    ListenerRule = "E0313", "invalid gateway listener";
    InvalidProtocol = "E0314", "invalid protocol";
    InvalidPort = "E0315", "invalid port";
    ConflictingFields = "E0316", "fields that cannot be used together";
    InvalidValue = "E0317", "invalid value";
    ServiceKind = "E0318", "invalid service kind";
    EmptyList = "E0319", "list must not be empty";
    // E0320..E0329: service-defaults, mesh, exported-services, sameness-group
    MeshName = "E0320", "the mesh entry must be named mesh";
    TlsVersionRange = "E0321", "TLSMaxVersion is lower than TLSMinVersion";
    TlsSettingForVersion = "E0322", "TLS setting does not apply to the configured TLS versions";
    ExportConsumer = "E0323", "an export consumer must name exactly one of Peer, Partition or SamenessGroup";
    InvalidWildcard = "E0324", "wildcard not allowed here";
    UpstreamDefaultsTarget = "E0325", "UpstreamConfig.Defaults cannot name an upstream";
    DuplicateUpstreamOverride = "E0326", "two upstream overrides for the same upstream";
    /// A sameness-group member names a partition or a peer: one of the two, never both or none.
    SamenessGroupMember = "E0327", "a sameness-group member must name exactly one of Partition or Peer";
    /// With `IncludeLocal`, Consul takes the first member as the local partition.
    SamenessGroupLocal = "E0328", "IncludeLocal needs the local partition as the first member";
    DuplicateMember = "E0329", "a sameness-group member is listed twice";
    // E0330..E0349: discovery chain (service-router, service-splitter, service-resolver)
    PrefixRewriteWithoutPath = "E0330", "PrefixRewrite needs a PathPrefix or PathExact match";
    DuplicateSplit = "E0331", "the same split destination is listed twice";
    EmptyTarget = "E0332", "redirect or failover names no destination";
    CrossDatacenterPartition = "E0333", "cross-datacenter redirect or failover outside the default partition";
    LoadBalancerConfig = "E0334", "invalid load balancer configuration";
    // E0350..E0369: service-intentions
    ReadOnlyField = "E0350", "read-only field given a value";
    // E0355..E0369: jwt-provider (the providers intentions' JWT requirements name)
    /// `JSONWebKeySet` takes exactly one of `Local` or `Remote`; `Local` exactly one of `JWKS`
    /// (base64) or `Filename`; `Remote` a `URI` that parses.
    JwtKeySet = "E0355", "invalid JSON web key set";
    JwtLocation = "E0356", "a JWT location must be exactly one of Header, QueryParam or Cookie";
    /// `TLSCertificates` takes exactly one of `CaCertificateProviderInstance` or `TrustedCA`, and
    /// `TrustedCA` exactly one of `Filename`, `EnvironmentVariable`, `InlineString`, `InlineBytes`.
    JwksClusterTls = "E0357", "JWKSCluster TLS certificates need exactly one source";
    RetryBackoff = "E0358", "retry backoff MaxInterval is shorter than BaseInterval";
    // E0370..E0399: gateways, routes and certificates
    InvalidHost = "E0370", "invalid host name";
    DuplicateHost = "E0371", "host used twice on one listener";
    SdsConfig = "E0372", "incomplete SDS certificate settings";
    TlsOrigination = "E0373", "incomplete TLS origination files";
    DuplicateGatewayService = "E0374", "service listed twice in a gateway";
    DuplicateListenerName = "E0375", "listener name used twice";
    ListenerMerge = "E0376", "listeners sharing a port disagree";
    RouteParent = "E0377", "invalid route parent";
    TcpRouteServices = "E0378", "tcp-route needs exactly one service";
    CertificateRef = "E0379", "invalid certificate reference";
    PemFormat = "E0380", "not a PEM certificate or private key";
    RouteFilter = "E0381", "invalid route filter";
    // E04xx: rules that need the whole workspace (semantics)
    DuplicateEntry = "E0401", "the same config entry is defined twice";
    MissingReference = "E0402", "reference to something not defined";
    ProtocolMismatch = "E0403", "inconsistent protocols";
    ChainCycle = "E0404", "cycle in the discovery chain";
    /// A service-intentions source with `Permissions` (HTTP matches) whose destination does not
    /// speak an HTTP-based protocol (http, http2, grpc), judged as Consul's discovery chain
    /// compiler does: the service's service-defaults `Protocol` when it has a service-defaults
    /// entry (tcp when that entry sets none), else proxy-defaults `Config.protocol`, else tcp.
    /// Consul refuses to write such an entry.
    L7PermissionsNotHttp = "E0405", "L7 permissions on a service that does not speak HTTP";
    /// Consul keeps one failover default per partition: a second sameness group with
    /// `DefaultForFailover = true` in the same partition is refused when written.
    DefaultSamenessGroupTwice = "E0406", "two sameness groups are DefaultForFailover in one partition";
    // E0410..E0429: discovery chain compilation
    ExternalServiceResolver = "E0410", "a service with ExternalSNI cannot have subsets, a redirect or failover";
    // E0430..E0439: the Connect data plane
    DuplicateEndpoint = "E0430", "two Connect endpoints on one address and port";
    DuplicateBindPort = "E0431", "a proxy binds one port twice";
    // W0xxx: warnings
    ShadowedIntention = "W0401", "intention is shadowed by a higher-precedence one";
    /// No longer reported: Consul refuses to write such intentions, and meshgate now reports
    /// them as the error `E0405` ([`Code::L7PermissionsNotHttp`]). Kept (and not reused) so that
    /// the code keeps its meaning.
    L7OnTcp = "W0402", "L7 permissions on a tcp service deny every connection";
    /// No longer reported: intentions' JWT requirements are enforced (Envoy's jwt_authn verifies,
    /// the filter decides). Kept (and not reused) so that the code keeps its meaning.
    JwtNotEnforced = "W0403", "JWT requirements are not enforced by meshgate";
    /// A resolver failover, intention source or export consumer names a sameness group that the
    /// workspace does not define in that partition.
    UnknownSamenessGroup = "W0404", "sameness group not defined";
    NoMeshGateway = "W0405", "no mesh gateway registered where an upstream dials one";
    UnknownPeerTrustDomain = "W0406", "peer trust domain unknown";
    NoConnectEndpoint = "W0407", "a gateway reaches a service with no Connect endpoint";
    SidecarPortAssigned = "W0408", "sidecar port left for the agent to assign";
    /// An intention's JWT requirement names a provider no jwt-provider entry defines.
    UnknownJwtProvider = "W0409", "JWT provider not defined";
    /// A field meshgate reads and validates but does not turn into Envoy configuration or
    /// enforce in its filter (service-defaults `LocalRequestTimeoutMs`, `EnvoyExtensions`, proxy-defaults
    /// `AccessLogs`, …): Consul's proxies would honour it, meshgate's would not. Reported once per
    /// field written, at its value, with what meshgate does instead (see `plan::unapplied`).
    NotApplied = "W0410", "field not applied by meshgate's data plane";
    Deprecated = "W0201", "deprecated field";
    IgnoredResource = "W0202", "Kubernetes resource that is not Consul configuration";
}

impl Code {
    /// The stage that reports it, the code's hundreds: 1 syntax, 2 decoding, 3 an entry's own
    /// rules, 4 the workspace's. An earlier stage's problem is often the cause of a later one's.
    pub fn stage(self) -> u8 {
        self.as_str().as_bytes().get(2).map_or(9, |b| b.wrapping_sub(b'0'))
    }
}

impl std::fmt::Display for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Code {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// One reported problem.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Diagnostic {
    pub code: Code,
    pub severity: Severity,
    pub message: String,
    #[serde(skip)]
    pub span: Option<Span>,
    /// Extra lines: "help: did you mean `PathPrefix`?" and the like.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
    /// Other places that explain this one ("first given here"), resolved into notes with their
    /// file:line:col when rendered.
    #[serde(skip)]
    pub related: Vec<(Span, String)>,
    /// What the span's text should read instead, when the diagnostic knows (a did-you-mean): the
    /// playground offers it as a one-click fix. Spelled bare: a quoted key or value keeps its
    /// quotes (see `views::fix_view`).
    #[serde(skip)]
    pub fix: Option<String>,
}

impl Diagnostic {
    pub fn error(code: Code, span: impl Into<Option<Span>>, message: impl Into<String>) -> Self {
        Diagnostic {
            code,
            severity: Severity::Error,
            message: message.into(),
            span: span.into(),
            notes: Vec::new(),
            related: Vec::new(),
            fix: None,
        }
    }

    pub fn warning(code: Code, span: impl Into<Option<Span>>, message: impl Into<String>) -> Self {
        Diagnostic {
            code,
            severity: Severity::Warning,
            message: message.into(),
            span: span.into(),
            notes: Vec::new(),
            related: Vec::new(),
            fix: None,
        }
    }

    pub fn with_note(mut self, note: impl Into<String>) -> Self {
        self.notes.push(note.into());
        self
    }

    /// The did-you-mean as a fix: `text` replaces what the span covers.
    pub fn with_fix(mut self, text: impl std::fmt::Display) -> Self {
        self.fix = Some(text.to_string());
        self
    }

    /// Points at another place: "`Mode` is first given here".
    pub fn with_related(mut self, span: Span, message: impl Into<String>) -> Self {
        self.related.push((span, message.into()));
        self
    }

    /// Notes plus related places spelled out as `message at file:line:col`.
    pub fn all_notes(&self, sources: &SourceMap) -> Vec<String> {
        let mut notes = self.notes.clone();
        for (span, message) in &self.related {
            match sources.location(*span) {
                Some(l) => notes.push(format!("{message} at {l}")),
                None => notes.push(message.clone()),
            }
        }
        notes
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// The diagnostic with its span resolved to file:line:col, ready to serialize.
    pub fn resolve(&self, sources: &SourceMap) -> ResolvedDiagnostic {
        ResolvedDiagnostic {
            code: self.code,
            severity: self.severity,
            message: self.message.clone(),
            location: self.span.and_then(|s| sources.location(s)),
            notes: self.all_notes(sources),
        }
    }
}

/// A diagnostic with its location spelled out (the JSON form the CLI and the page show).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ResolvedDiagnostic {
    pub code: Code,
    pub severity: Severity,
    pub message: String,
    pub location: Option<Location>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

/// Renders a diagnostic as `file:line:col: error[E0201]: message`, then the source line with a
/// caret under the span, then notes.
pub fn render(diag: &Diagnostic, sources: &SourceMap, snippet: bool) -> String {
    let mut out = String::new();
    let located = diag.span.and_then(|s| sources.get(s.file).map(|f| (s, f)));
    match located {
        Some((span, file)) => {
            let start = file.position(span.start);
            out.push_str(&format!(
                "{}:{}:{}: {}[{}]: {}\n",
                file.name,
                start.line,
                start.column,
                diag.severity.as_str(),
                diag.code,
                diag.message
            ));
            if snippet {
                let end = file.position(span.end);
                let line = file.line_text(start.line);
                let width = if end.line == start.line { end.column.saturating_sub(start.column).max(1) } else { 1 };
                let gutter = start.line.to_string();
                let pad = " ".repeat(gutter.len());
                let indent: String = line
                    .chars()
                    .take(start.column.saturating_sub(1) as usize)
                    .map(|c| if c == '\t' { '\t' } else { ' ' })
                    .collect();
                out.push_str(&format!("{pad} |\n{gutter} | {line}\n{pad} | {indent}{}\n", "^".repeat(width as usize)));
            }
        }
        None => out.push_str(&format!("{}[{}]: {}\n", diag.severity.as_str(), diag.code, diag.message)),
    }
    for note in diag.all_notes(sources) {
        out.push_str(&format!("  = {note}\n"));
    }
    out
}

/// Orders diagnostics by file, position, then code, so output is stable.
pub fn sort(diags: &mut [Diagnostic]) {
    crate::sorting::sort_by(diags, |a: &Diagnostic, b: &Diagnostic| {
        let ka = a.span.map(|s| (s.file, s.start, s.end));
        let kb = b.span.map(|s| (s.file, s.start, s.end));
        ka.cmp(&kb).then(a.code.cmp(&b.code)).then(a.message.cmp(&b.message))
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_and_parse_back() {
        let mut seen = crate::sorted::SortedSet::new();
        for code in Code::ALL {
            assert!(seen.insert(code.as_str()), "duplicate code {code}");
            assert_eq!(Code::parse(code.as_str()), Some(*code));
        }
    }

    #[test]
    fn render_points_a_caret_at_the_span() {
        let mut sources = SourceMap::new();
        let id = sources.add("x.hcl", "Kind = \"mesh\"\nMode = \"locl\"\n");
        let d = Diagnostic::error(Code::InvalidEnum, Span::new(id, 21, 27), "bad mode")
            .with_note("help: did you mean `local`?");
        let text = render(&d, &sources, true);
        assert_eq!(
            text,
            "x.hcl:2:8: error[E0205]: bad mode\n  |\n2 | Mode = \"locl\"\n  |        ^^^^^^\n  = help: did you mean `local`?\n"
        );
    }
}
